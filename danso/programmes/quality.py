"""Data quality of a data set: validation rules (refused only at submission review, shown at
entry), expected ranges (min–max) and outliers against the unit's own history.

Rules use DHIS2's operand syntax: #{DE} (the element's total over its disaggregation) or
#{DE.COC} (one cell), joined by + and -.
"""

import re
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from danso.statistics.periods import Period

from .models import DataValue, MinMax, ValidationRule

OPERAND = re.compile(r"#\{([A-Za-z][A-Za-z0-9_]*)(?:\.([A-Za-z][A-Za-z0-9_]*))?\}")
TERM = re.compile(r"\s*([+-]?)\s*(#\{[^}]*\}|\d+(?:\.\d+)?)\s*")
COMPARE = {
    ValidationRule.Operator.EQUAL: lambda a, b: a == b,
    ValidationRule.Operator.NOT_EQUAL: lambda a, b: a != b,
    ValidationRule.Operator.GREATER: lambda a, b: a > b,
    ValidationRule.Operator.GREATER_OR_EQUAL: lambda a, b: a >= b,
    ValidationRule.Operator.LESS: lambda a, b: a < b,
    ValidationRule.Operator.LESS_OR_EQUAL: lambda a, b: a <= b,
}
OUTLIER_Z = Decimal("3.5")  # modified z-score (Iglewicz–Hoaglin) beyond which a value is odd
OUTLIER_HISTORY = 12  # earlier periods looked at
OUTLIER_MINIMUM = 4  # fewer earlier values say nothing


def _number(value: Decimal) -> str:
    """5.838 and 90,6 in Vietnamese, without trailing zeros."""
    return number_format(int(value) if value == value.to_integral() else value,
                         force_grouping=True)  # fmt: skip


class ExpressionError(ValueError):
    pass


def evaluate(expression: str, values: dict) -> tuple[Decimal, int, int]:
    """The expression's value, and how many of its operands were present / in all."""
    total, present, operands, pos = Decimal(0), 0, 0, 0
    while pos < len(expression):
        m = TERM.match(expression, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"Cannot read {expression[pos:]!r}")
        sign, token = m.groups()
        if token.startswith("#"):
            operand = OPERAND.fullmatch(token)
            if not operand:
                raise ExpressionError(f"Bad operand {token!r}")
            operands += 1
            code, coc = operand.groups()
            found = [v for (c, o), v in values.items() if c == code and (coc is None or o == coc)]
            present += bool(found)
            number = sum(found, Decimal(0))
        else:
            number = Decimal(token)
        total += -number if sign == "-" else number
        pos = m.end()
    return total, present, operands


@dataclass
class Violation:
    rule: ValidationRule
    left: Decimal
    right: Decimal

    @property
    def message(self) -> str:
        return _("%(message)s (%(left)s %(op)s %(right)s does not hold)") % {
            "message": self.rule.message, "left": _number(self.left),
            "op": self.rule.get_operator_display(), "right": _number(self.right)}  # fmt: skip

    def as_dict(self) -> dict:
        return {"code": self.rule.code, "message": self.message}


def violations(data_set, values: dict) -> list[Violation]:
    found = []
    for rule in data_set.rules.all():
        left, l_present, l_all = evaluate(rule.left, values)
        right, r_present, r_all = evaluate(rule.right, values)
        present, everything = l_present + r_present, l_all + r_all
        if rule.missing_values == ValidationRule.Missing.SKIP_IF_ANY and present < everything:
            continue
        if rule.missing_values == ValidationRule.Missing.SKIP_IF_ALL and present == 0:
            continue
        if not COMPARE[rule.operator](left, right):
            found.append(Violation(rule, left, right))
    return found


def _ranges(data_set, unit) -> dict:
    """(element code, option combo code or None) → MinMax; a unit's own range wins."""
    rows = MinMax.objects.filter(
        Q(org_unit=unit) | Q(org_unit__isnull=True),
        data_element__in=data_set.element_links.values("data_element"),
    ).select_related("data_element", "option_combo")
    ranges = {}
    for r in sorted(rows, key=lambda r: r.org_unit_id is not None):
        ranges[(r.data_element.code, r.option_combo.code if r.option_combo_id else None)] = r
    return ranges


def _history(unit, period: Period, keys) -> dict:
    earlier, p = [], period
    for _i in range(OUTLIER_HISTORY):
        p = p.previous()
        earlier.append(p.id)
    history: dict = {}
    rows = DataValue.objects.filter(org_unit=unit, period__in=earlier).values_list(
        "data_element__code", "option_combo__code", "value"
    )
    for de, coc, value in rows:
        if (de, coc) in keys:
            history.setdefault((de, coc), []).append(value)
    return history


def outlier(value: Decimal, earlier: list[Decimal]) -> Decimal | None:
    """The median of the earlier values when the value's modified z-score exceeds OUTLIER_Z."""
    if len(earlier) < OUTLIER_MINIMUM:
        return None
    median = statistics.median(earlier)
    mad = statistics.median(abs(x - median) for x in earlier)
    if mad == 0:
        return None  # a flat history: no scale to judge by
    z = Decimal("0.6745") * abs(value - median) / mad
    return median if z > OUTLIER_Z else None


def flags(data_set, unit, period: Period, own: dict) -> dict:
    """Cells worth a second look: {(element, option combo): message}. Never a refusal."""
    ranges = _ranges(data_set, unit)
    history = _history(unit, period, set(own))
    found = {}
    for key, dv in own.items():
        r = ranges.get(key) or ranges.get((key[0], None))
        if r and not (r.minimum <= dv.value <= r.maximum):
            found[key] = _("Outside the expected range %(min)s–%(max)s.") % {
                "min": _number(r.minimum), "max": _number(r.maximum)}  # fmt: skip
            continue
        median = outlier(dv.value, history.get(key, []))
        if median is not None:
            found[key] = _("Unusual against earlier periods (median %(median)s).") % {
                "median": _number(median)}  # fmt: skip
    return found
