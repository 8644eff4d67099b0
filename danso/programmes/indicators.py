"""Indicators of aggregate data: numerator ÷ denominator × factor, each side an expression of
data element operands (#{DE}, #{DE.COC}) as in validation rules. Declared in metadata.py; a
data set shows those whose operands it holds. Always given with both parts."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .quality import OPERAND, evaluate


@dataclass(frozen=True)
class AggregateIndicator:
    code: str
    name: str
    numerator: str
    denominator: str
    factor: int = 100
    unit: str = "%"
    decimals: int = 1
    sensitive: bool = False

    @property
    def element_codes(self) -> set[str]:
        return {m.group(1) for m in OPERAND.finditer(self.numerator + self.denominator)}


@dataclass(frozen=True)
class IndicatorValue:
    indicator: AggregateIndicator
    numerator: Decimal
    denominator: Decimal

    @property
    def value(self) -> Decimal | None:
        """None when the denominator is 0: a rate of nothing is not 0 %."""
        if not self.denominator:
            return None
        exact = self.numerator * self.indicator.factor / self.denominator
        return exact.quantize(Decimal(1).scaleb(-self.indicator.decimals), ROUND_HALF_UP)

    def as_dict(self) -> dict:
        """As submissions freeze it and the API gives it."""
        value = self.value
        return {"code": self.indicator.code, "name": self.indicator.name,
                "unit": self.indicator.unit, "numerator": float(self.numerator),
                "denominator": float(self.denominator),
                "value": None if value is None else float(value)}  # fmt: skip


def compute(indicator: AggregateIndicator, values: dict) -> IndicatorValue:
    return IndicatorValue(indicator, evaluate(indicator.numerator, values)[0],
                          evaluate(indicator.denominator, values)[0])  # fmt: skip


def for_elements(codes: set[str], may_see_sensitive: bool = True) -> list[AggregateIndicator]:
    """The indicators (declared, and kept as data: danso.indicators) whose operands are all
    among the codes."""
    from danso.indicators.services import all_aggregate

    return [i for i in all_aggregate() if i.element_codes <= codes
            and (may_see_sensitive or not i.sensitive)]  # fmt: skip
