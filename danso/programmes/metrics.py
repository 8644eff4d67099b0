"""What a target can measure: a data element (entered or fed by activities), an indicator of
aggregate data (metadata.INDICATORS), a figure counted from the register or an indicator of
statistics.definitions, found by code.

The kind decides how a target is allocated and followed:
- count: a flow summed over the year (trips, people counselled, births); allocations add up and
  progress is compared with the share of the year elapsed;
- stock: a level on a day (contraceptive users); allocations add up, progress is compared with
  the whole target;
- rate: an indicator (CPR, third-birth share); allocated as a rate, compared as it stands.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.statistics.definitions import EVENT_ELEMENTS, INDICATORS, STOCK_ELEMENTS

from .metadata import INDICATORS as AGGREGATE_INDICATORS
from .models import DataElement, Target, ValueType

COUNT, STOCK, RATE = "count", "stock", "rate"
AT_LEAST, AT_MOST = Target.Direction.AT_LEAST, Target.Direction.AT_MOST
KIND_LABELS = {
    COUNT: gettext_lazy("Counted over the year"),
    STOCK: gettext_lazy("Standing on a day"),
    RATE: gettext_lazy("Rate"),
}

# Figures where less is better: a target on them is a ceiling by default.
CEILINGS = {
    "births", "births_order3plus", "births_mother_u20", "child_marriages", "consanguineous",
    "abortions", "cbr", "gfr", "tfr", "srb", "third_share", "u20_share", "child_marriage_share",
}  # fmt: skip
# Steps of a computation, not figures anyone sets a target on.
_INTERNAL = ("residents_start", "residents_mid", "women_mid_")


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    unit: str
    kind: str  # COUNT, STOCK or RATE
    # "element" (data values and activities), "indicator" (of those) or "register"
    source: str
    decimals: int = 0
    sensitive: bool = False

    @property
    def additive(self) -> bool:
        """Whether the units' targets add up to their parent's (counts and stocks do)."""
        return self.kind != RATE

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def default_direction(self) -> str:
        return AT_MOST if self.code in CEILINGS else AT_LEAST


def _register_metrics() -> dict[str, Metric]:
    found = {}
    for e in EVENT_ELEMENTS:
        found[e.code] = Metric(e.code, e.name, e.unit, COUNT, "register")
    for s in STOCK_ELEMENTS:
        if not s.code.startswith(_INTERNAL):
            found[s.code] = Metric(s.code, s.name, s.unit, STOCK, "register")
    for i in INDICATORS:
        found[i.code] = Metric(i.code, i.name, i.unit, RATE, "register", i.decimals)
    return found


REGISTER_METRICS = _register_metrics()
INDICATOR_METRICS = {
    i.code: Metric(i.code, i.name, i.unit, RATE, "indicator", i.decimals, i.sensitive)
    for i in AGGREGATE_INDICATORS
}


def _of_element(e: DataElement) -> Metric:
    return Metric(e.code, e.name, e.unit, COUNT, "element", sensitive=e.sensitive)


def _elements():
    # Percentages entered as data values cannot be summed over units or periods.
    return DataElement.objects.exclude(value_type=ValueType.PERCENTAGE)


def metrics_for(codes) -> dict[str, Metric]:
    """The metrics of these codes (unknown ones left out), with one query."""
    codes = set(codes)
    declared = {**REGISTER_METRICS, **INDICATOR_METRICS}
    found = {c: declared[c] for c in codes if c in declared}
    for element in _elements().filter(code__in=codes - set(found)):
        found[element.code] = _of_element(element)
    return found


def find(code: str) -> Metric | None:
    return metrics_for([code]).get(code)


def choices(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """Groups of (code, name) for a form's select; sensitive elements only with the
    permission."""
    elements = _elements()
    if not user.can_access_sensitive:
        elements = elements.filter(sensitive=False)
    by_kind = {COUNT: [], STOCK: [], RATE: []}
    for m in [*REGISTER_METRICS.values(), *INDICATOR_METRICS.values()]:
        if not m.sensitive or user.can_access_sensitive:
            by_kind[m.kind].append((m.code, f"{m.name} ({m.unit})"))
    return [
        (_("Activities and services (aggregate data)"),
         [(e.code, f"{e.name} ({e.unit})") for e in elements.order_by("code")]),
        (_("Register: counted over the year"), by_kind[COUNT]),
        (_("Register: standing on a day"), by_kind[STOCK]),
        (_("Indicators (rates)"), by_kind[RATE]),
    ]  # fmt: skip
