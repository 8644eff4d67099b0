"""Progress of plan targets at a date D of the year, for every plan of a subtree at once.

Actual, from 1 January to D:
- data elements: values of periods wholly ended by D plus activities that started by D
  (programmes.aggregate), added up over the unit's subtree; indicators of aggregate data
  computed from those sums;
- register counts: the months ended by D (the store keeps them by month); stocks and rates as
  of the last month end on or before D (statistics.compute over 1 January – that month end).

% = actual ÷ target (a range against its lower bound, a ceiling against its upper bound).
Counts are compared with the share of the year their actual covers (D, or the last month end
for register counts): green when on track, amber from 80 % of it, red below. Stocks and rates
are compared with the whole target. A ceiling (at most) is compared the other way round. The
lagging list is every red target of the subtree.

Costs: one query for the plans and their targets, four grouped queries for every data element
of every unit (aggregate.values_by_path), and for register figures one reading of the village
store per group of sibling units (statistics.compute with child columns).
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.accounts.scope import scoped
from danso.orgunits.models import REFORM_DATE, OrgUnit
from danso.statistics.compute import compute
from danso.statistics.periods import month_end

from . import aggregate, indicators, metrics
from .metadata import INDICATORS
from .metrics import AT_LEAST, COUNT, RATE, Metric
from .models import DataElement, Plan, Target
from .plans import latest

INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}
GREEN, AMBER, RED, NO_DATA = "green", "amber", "red", "none"
AMBER_FROM = 0.8  # of what is expected by now
STATUS_LABELS = {
    GREEN: gettext_lazy("On track"),
    AMBER: gettext_lazy("Slightly behind"),
    RED: gettext_lazy("Behind"),
    NO_DATA: gettext_lazy("No data yet"),
}

REFORM_YEAR = REFORM_DATE.year  # January–June on the old map, July–December on the new


@dataclass(frozen=True)
class YearToDate:
    """1 January to a month end, shaped like statistics.periods.Period so that the register's
    figures can be computed over it (events of each month, stocks on its last day)."""

    start: datetime.date
    end: datetime.date
    type: str = "year_to_date"

    @property
    def id(self) -> str:
        return f"{self.start:%Y%m}-{self.end:%Y%m}"

    @property
    def label(self) -> str:
        return f"01/01–{self.end:%d/%m/%Y}"

    @property
    def months(self) -> list[datetime.date]:
        return [datetime.date(self.start.year, m, 1) for m in range(1, self.end.month + 1)]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_year(self) -> float:
        return _days_in_year(self.start.year) / self.days


def _days_in_year(year: int) -> int:
    return (datetime.date(year, 12, 31) - datetime.date(year, 1, 1)).days + 1


def elapsed_share(day: datetime.date) -> float:
    """The fraction of its year elapsed at the end of `day`: 31/03/2026 → 90/365."""
    return ((day - datetime.date(day.year, 1, 1)).days + 1) / _days_in_year(day.year)


def register_span(day: datetime.date) -> YearToDate | None:
    """1 January to the last month end on or before `day` (None in January before the 31st)."""
    end = month_end(day)
    if end != day:
        end = day.replace(day=1) - datetime.timedelta(days=1)
    return YearToDate(datetime.date(day.year, 1, 1), end) if end.year == day.year else None


def as_of_default(year: int, today: datetime.date) -> datetime.date:
    """Today in the plan's year; its last day for a past year, its first for a future one."""
    if year == today.year:
        return today
    return datetime.date(year, 12, 31) if year < today.year else datetime.date(year, 1, 1)


@dataclass
class TargetProgress:
    unit: OrgUnit
    target: Target  # the current revision
    metric: Metric
    actual: float | None  # None: nothing to compute yet (a rate without a denominator)
    through: datetime.date | None  # the last day the actual covers
    expected: float  # % of the target expected by now (100 for stocks and rates)
    percent: float | None = None  # actual ÷ target × 100
    status: str = NO_DATA
    met: bool = False
    estimate: str | None = None  # part of the actual apportioned from the other map (maps.py)

    @property
    def bound(self) -> Decimal:
        """What the actual is measured against: the lower bound of a floor, the upper of a
        ceiling."""
        t = self.target
        return t.value if t.direction == AT_LEAST or t.value_max is None else t.value_max

    @property
    def bar(self) -> float:
        return min(self.percent or 0, 100)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def percent_shown(self) -> str:
        """The percent with one decimal, never rounded up to a whole target: 99,98 % is
        "99,9 %", not "100,0 %" beside an amber status."""
        if self.percent is None:
            return "–"
        p = self.percent
        value = math.floor(p * 10) / 10 if p < 100 else round(p, 1)
        return number_format(Decimal(str(value)), 1, force_grouping=True) + " %"

    @property
    def status_cause(self) -> str:
        """Why the status is what it is, with the exact figures."""
        if self.percent is None:
            return "" if self.actual is None else _("The target is 0.")
        done = number_format(round(self.percent, 2), 2, force_grouping=True)
        expected = number_format(self.expected, 2, force_grouping=True)
        if self.target.direction == AT_LEAST:
            amber = number_format(self.expected * AMBER_FROM, 2, force_grouping=True)
            return _("%(done)s %% done; %(expected)s %% expected by now: on track from "
                     "%(expected)s %%, slightly behind from %(amber)s %%.") % {
                "done": done, "expected": expected, "amber": amber}  # fmt: skip
        amber = number_format(self.expected / AMBER_FROM, 2, force_grouping=True)
        return _("%(done)s %% used; at most %(expected)s %% by now: on track up to "
                 "%(expected)s %%, slightly behind up to %(amber)s %%.") % {
            "done": done, "expected": expected, "amber": amber}  # fmt: skip


@dataclass
class UnitProgress:
    unit: OrgUnit
    plan: Plan
    rows: list[TargetProgress] = field(default_factory=list)

    @property
    def lagging(self) -> list[TargetProgress]:
        return [r for r in self.rows if r.status == RED]


def status_of(direction: str, achieved: float, expected: float) -> str:
    """achieved and expected as fractions of the target. A floor is on track at or above what
    is expected by now, a ceiling at or below it; amber within 80 % of that."""
    if direction == AT_LEAST:
        ratio = achieved / expected if expected else 1
    else:
        ratio = expected / achieved if achieved else 1
    if ratio >= 1:
        return GREEN
    return AMBER if ratio >= AMBER_FROM else RED


def _judge(row: TargetProgress) -> TargetProgress:
    if row.actual is None:
        return row
    bound, actual = float(row.bound), row.actual
    at_least = row.target.direction == AT_LEAST
    row.met = actual >= float(row.target.value) if at_least else actual <= bound
    if bound == 0:
        row.status = GREEN if row.met else RED
        return row
    row.percent = actual / bound * 100
    row.status = status_of(row.target.direction, actual / bound, row.expected / 100)
    return row


def _plans(user, root: OrgUnit, year: int):
    plans = Plan.objects.filter(ou_path__startswith=root.path, year=year)
    if user is not None:
        plans = scoped(user, plans)
    found = list(plans.select_related("unit", "group").prefetch_related("targets")
                 .order_by("ou_path", "group"))  # fmt: skip
    for plan in found:  # a group's plan follows its members inside the unit
        plan.members = (list(plan.group.members.filter(path__startswith=plan.unit.path))
                        if plan.group_id else [plan.unit])  # fmt: skip
    return found


def _element_values(plans, codes, root: OrgUnit, day: datetime.date) -> tuple[dict, dict]:
    """{plan id: {(element code, option combo code): value}} added up over each planned unit's
    subtree (a group plan's members'), from the values of the root's subtree; and {plan id:
    method} where a
    part came from the other map by apportioning. In 2025, the year of the reform, values of
    the other map are re-aggregated (maps.by_row: January–June were entered on the old map,
    July–December on the new one); other years are on one map."""
    from types import SimpleNamespace

    from . import maps

    elements = DataElement.objects.filter(code__in=codes).select_related("category_combo")
    start = datetime.date(day.year, 1, 1)
    by_path = aggregate.values_by_path(elements, root.path, start, day)
    if day.year == REFORM_YEAR:
        by_path = dict(by_path)
        for other in maps.other_map_roots([root] + [p.unit for p in plans]):
            if not other.startswith(root.path):
                by_path.update(aggregate.values_by_path(elements, other, start, day))
        items = [SimpleNamespace(key=p.pk, units=p.members) for p in plans]
        return maps.by_row(by_path, items, day)
    out = {}
    for plan in plans:
        merged: dict = defaultdict(Decimal)
        paths = [m.path for m in plan.members]
        for path, values in by_path.items():
            if any(path.startswith(m) for m in paths):
                for key, value in values.items():
                    merged[key] += value
        out[plan.pk] = merged
    return out, {}


def _aggregate_value(values: dict, metric: Metric) -> float | None:
    if metric.source == "element":
        return float(sum((v for (code, _coc), v in values.items() if code == metric.code), 0))
    value = indicators.compute(INDICATOR_BY_CODE[metric.code], values).value
    return None if value is None else float(value)


def _register_figures(units: list[OrgUnit], span: YearToDate) -> dict:
    """{unit uid: Figures}: one computation per unit not already a child column of another
    (a province's computation gives all its communes)."""
    found = {}
    for unit in sorted(units, key=lambda u: u.path.count("/")):
        if unit.uid not in found:
            figures = compute(unit, span, with_children=True)
            for column in figures.columns:
                found.setdefault(column.uid, figures)
    return found


def _register_value(figures, uid: str, metric: Metric) -> float | None:
    if metric.kind == RATE:
        return figures.indicator(uid, metric.code)[0]
    return figures.value(uid, metric.code)


def _group_register_value(figures, plan, metric: Metric) -> float | None:
    """A unit's register figure, or for a group's plan the members' counts and stocks added up
    (a rate of several units is not added up: no actual)."""
    if not plan.group_id:
        return _register_value(figures[plan.unit.uid], plan.unit.uid, metric)
    if metric.kind == RATE:
        return None
    found = [_register_value(figures[m.uid], m.uid, metric) for m in plan.members]
    return float(sum(v for v in found if v is not None))


def progress(root: OrgUnit, year: int, day: datetime.date, user=None) -> list[UnitProgress]:
    """Progress of the current targets of every plan of the root's subtree (the user's scope),
    units in tree order."""
    plans = _plans(user, root, year)
    current = {plan.pk: latest(plan.targets.all()) for plan in plans}
    known = metrics.metrics_for({m for targets in current.values() for m in targets})
    if user is not None and not user.can_access_sensitive:
        known = {c: m for c, m in known.items() if not m.sensitive}
    element_codes = {c for c, m in known.items() if m.source == "element"}
    for code, m in known.items():
        if m.source == "indicator":
            element_codes |= INDICATOR_BY_CODE[code].element_codes
    values, estimated = (_element_values(plans, element_codes, root, day) if element_codes
                         else ({}, {}))  # fmt: skip
    span = register_span(day)
    registered = {c for c, m in known.items() if m.source == "register"}
    needs_register = [m for p in plans if registered & set(current[p.pk]) for m in p.members]
    figures = _register_figures(needs_register, span) if span and needs_register else {}
    share = elapsed_share(day) * 100
    register_share = elapsed_share(span.end) * 100 if span else 0
    result = []
    for plan in plans:
        unit_progress = UnitProgress(plan.unit, plan)
        for code, target in sorted(current[plan.pk].items()):
            metric = known.get(code)
            if metric is None:
                continue
            if metric.source != "register":
                actual = _aggregate_value(values[plan.pk], metric)
                through, expected = day, share
            elif span is None:
                actual = 0.0 if metric.kind == COUNT else None
                through, expected = None, 0
            else:
                actual = _group_register_value(figures, plan, metric)
                through, expected = span.end, register_share
            if metric.kind != COUNT:
                expected = 100
            row = TargetProgress(plan.unit, target, metric, actual, through, expected)
            if metric.source != "register" and plan.pk in estimated:
                from . import maps

                row.estimate = maps.method_label(estimated[plan.pk], day)
            unit_progress.rows.append(_judge(row))
        result.append(unit_progress)
    return result


def lagging(progresses: list[UnitProgress]) -> list[TargetProgress]:
    """Every red target, the furthest behind first."""
    rows = [row for p in progresses for row in p.lagging]
    return sorted(rows, key=lambda r: (_shortfall(r), r.unit.path, r.metric.code))


def _shortfall(row: TargetProgress) -> float:
    """How far from on track: achieved ÷ expected for a floor (small is worse), the inverse
    for a ceiling."""
    achieved = (row.percent or 0) / 100
    expected = row.expected / 100
    if row.target.direction == AT_LEAST:
        return achieved / expected if expected else 0
    return expected / achieved if achieved else 0
