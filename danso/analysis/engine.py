"""Computing an analysis live: every figure × period × unit from the stores the reports use.

- Register figures: the villages' counts kept per village and day (statistics.store, the same
  requests as a report: the events of each month, the stocks on the last day, the residents
  the day before), added up into each row of units; rates from the sums through
  statistics.compute.Figures, so numerator, denominator, annualising and small-number cautions
  are the reports' own. A village adds to every row whose unit contains it, in either map
  (its current commune's path, or its old commune's), and once to a row of several units.
- Data elements and aggregate indicators: programmes.aggregate.values_by_path (entered values
  whose period lies inside, plus what activities feed), added up by path.
- Activity measures: the organiser's activities started inside the period; ACTIVITIES_AT the
  activities that reached a place of the unit, whoever organised them (programmes.maps).
- Targets: the current revision in each unit's plan for the period's year; progress: the
  figure from 1 January to the period's end ÷ the target.
Nothing is precomputed beyond the stores, so an answer reflects every accepted change.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from danso.orgunits.models import Level, OrgUnit
from danso.programmes import aggregate, indicators, maps
from danso.programmes.metrics import AT_LEAST, RATE
from danso.programmes.models import (
    Activity,
    ActivityParticipants,
    ActivityService,
    DataElement,
    Plan,
)
from danso.programmes.plans import latest
from danso.statistics import store
from danso.statistics.compute import Figures, add_counts, requests_for, with_averages
from danso.statistics.definitions import INDICATOR_BY_CODE

from . import figures as kinds
from .figures import AGGREGATE_BY_CODE, Figure
from .periods import Span
from .units import UnitItem

# An aggregate indicator whose denominator is below this is shown with a caution, as the
# register's rates are by default (statistics.definitions.Indicator.caution_below).
AGGREGATE_CAUTION_BELOW = 20


@dataclass
class Cell:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    caution: str | None = None
    estimate: str | None = None  # how figures of the other map were apportioned (maps.py)


@dataclass(frozen=True)
class PeriodItem:
    key: str
    label: str
    span: object  # statistics.periods.Period or periods.Span


Key = tuple[str, str, str]  # (dx, pe, ou)


def evaluate(figures: list[Figure], periods: list[PeriodItem], units: list[UnitItem]):
    """{(dx key, pe key, ou key): Cell} for every combination."""
    cells: dict[Key, Cell] = {}
    basic = [f for f in figures if f.kind not in (kinds.TARGET, kinds.PROGRESS)]
    cells.update(_basic(basic, periods, units))
    planned = [f for f in figures if f.kind in (kinds.TARGET, kinds.PROGRESS)]
    if planned:
        cells.update(_planned(planned, periods, units))
    return cells


def _basic(figures: list[Figure], periods, units) -> dict[Key, Cell]:
    cells = {}
    register = [f for f in figures if f.kind == kinds.REGISTER]
    if register:
        cells.update(_register(register, periods, units))
    aggregate_ones = [f for f in figures if f.kind in (kinds.ELEMENT, kinds.INDICATOR)]
    if aggregate_ones:
        cells.update(_aggregate(aggregate_ones, periods, units))
    activity = [f for f in figures if f.kind == kinds.ACTIVITY]
    if activity:
        cells.update(_activities(activity, periods, units))
    return cells


def _number(value) -> float | int | None:
    """Counts as integers when whole (averages are x.5), Decimals as floats."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


# Register ----------------------------------------------------------------------------------


def _cover(paths: list[str]) -> list[str]:
    """The paths not inside another of them."""
    ordered = sorted(set(paths))
    return [p for i, p in enumerate(ordered) if not any(p.startswith(q) for q in ordered[:i])]


def _roots(units: list[UnitItem]) -> list[str]:
    """Where to read data values and activities: the units' own subtrees when few, else the
    subtree holding all of them (one grouped query per period instead of one per unit; the
    rows then take only what lies under their units)."""
    tops = _cover([u.path for item in units for u in item.units])
    if len(tops) <= 5:
        return tops
    parts = [p.strip("/").split("/") for p in tops]
    common = []
    for level in zip(*parts, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return ["/" + "/".join(common) + "/"]


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def villages_for(units: list[UnitItem]):
    """The villages of every row (a queryset and its ids), and the rows each adds to."""
    current, legacy = defaultdict(set), defaultdict(set)
    for item in units:
        for unit in item.units:
            (legacy if unit.is_legacy else current)[unit.path].add(item.key)
    wanted = Q(pk__in=[])
    for path in _cover(list(current)):
        wanted |= Q(path__startswith=path)
    for path in _cover(list(legacy)):
        wanted |= Q(legacy_commune__path__startswith=path)
    villages = OrgUnit.objects.filter(wanted, level=Level.VILLAGE)
    rows_of = {}
    for pk, path, legacy_path in villages.values_list("pk", "path", "legacy_commune__path"):
        keys = set()
        for prefix in _prefixes(path):
            keys |= current.get(prefix, set())
        for prefix in _prefixes(legacy_path) if legacy_path else []:
            keys |= legacy.get(prefix, set())
        rows_of[pk] = keys
    return villages, rows_of


def _register(figures: list[Figure], periods, units) -> dict[Key, Cell]:
    villages, rows_of = villages_for(units)
    wanted = {p.key: requests_for(p.span) for p in periods}
    requests = [(s, d) for w in wanted.values() for s, d, _r in w]
    found = store.counts(villages, list(rows_of), requests)
    cells = {}
    for p in periods:
        values = {item.key: {} for item in units}
        add_counts(found, wanted[p.key], rows_of.__getitem__, values)
        with_averages(values)
        counted = Figures(None, p.span, [], values)
        for f in figures:
            for item in units:
                cells[(f.key, p.key, item.key)] = _register_cell(counted, item.key, f)
    return cells


def _register_cell(counted: Figures, key: str, figure: Figure) -> Cell:
    if figure.code not in INDICATOR_BY_CODE:
        return Cell(_number(counted.value(key, figure.code)))
    value, numerator, denominator = counted.indicator(key, figure.code)
    if value is None:
        return Cell(None, _number(numerator), _number(denominator))
    return Cell(round(value, figure.decimals), _number(numerator), _number(denominator),
                counted.caution(key, figure.code))  # fmt: skip


# Aggregate data ----------------------------------------------------------------------------


def _aggregate(figures: list[Figure], periods, units) -> dict[Key, Cell]:
    codes = {f.code for f in figures if f.kind == kinds.ELEMENT}
    for f in figures:
        if f.kind == kinds.INDICATOR:
            codes |= AGGREGATE_BY_CODE[f.code].element_codes
    elements = list(DataElement.objects.filter(code__in=codes).select_related("category_combo"))
    tops = _roots(units) + _other_map_roots(units)
    cells = {}
    for p in periods:
        by_path = {}
        for top in tops:
            by_path.update(aggregate.values_by_path(elements, top, p.span.start, p.span.end))
        rows, estimated = maps.by_row(by_path, units, p.span.end)
        for f in figures:
            for item in units:
                cell = _aggregate_cell(rows[item.key], f)
                if f.kind == kinds.ELEMENT and cell.value is not None and item.key in estimated:
                    cell.value = _number(round(Decimal(str(cell.value)), 1))
                cell.estimate = _estimate(estimated, item.key, p.span.end)
                cells[(f.key, p.key, item.key)] = cell
    return cells


def _other_map_roots(units: list[UnitItem]) -> list[str]:
    """The other map's provinces, whose figures are re-aggregated into these rows (maps.py)."""
    tops = _cover([u.path for item in units for u in item.units])
    return [r for r in maps.other_map_roots([u for item in units for u in item.units])
            if not any(r.startswith(t) for t in tops)]  # fmt: skip


def _rounded(total, estimated: dict, key: str):
    """An apportioned count to one decimal (an estimate is not exact to the person)."""
    return round(total, 1) if key in estimated and total is not None else total


def _estimate(estimated: dict, key: str, day) -> str | None:
    method = estimated.get(key)
    return maps.method_label(method, day) if method else None


def _aggregate_cell(values: dict, figure: Figure) -> Cell:
    if figure.kind == kinds.ELEMENT:
        wanted = figure.detail
        found = [v for (code, coc), v in values.items()
                 if code == figure.code and (not wanted or coc == wanted)]  # fmt: skip
        if not found:
            return Cell(0 if figure.fed else None)
        return Cell(_number(sum(found)))
    computed = indicators.compute(AGGREGATE_BY_CODE[figure.code], values)
    numerator, denominator = _number(computed.numerator), _number(computed.denominator)
    if computed.value is None:
        return Cell(None, numerator, denominator)
    caution = None
    if denominator < AGGREGATE_CAUTION_BELOW:
        caution = small_number_caution(denominator, _("denominator"), AGGREGATE_CAUTION_BELOW)
    return Cell(_number(computed.value), numerator, denominator, caution)


def small_number_caution(count, base: str, minimum: int) -> str:
    """The reports' wording (statistics.compute.Figures.caution) for a figure of aggregate
    data."""
    return _(
        "Computed from only %(count)s (%(base)s), fewer than %(minimum)s: too few to "
        "compare, read with caution."
    ) % {
        "count": formats.number_format(count, force_grouping=True),
        "base": base,
        "minimum": formats.number_format(minimum, force_grouping=True),
    }


# Activities --------------------------------------------------------------------------------


def _activities(figures: list[Figure], periods, units) -> dict[Key, Cell]:
    tops = _roots(units) + _other_map_roots(units)
    cells = {}
    for p in periods:
        by_path: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
        for top in tops:
            chosen = Activity.objects.filter(
                ou_path__startswith=top, start_date__range=(p.span.start, p.span.end)
            )
            for path, kind, n in chosen.values_list("ou_path", "kind").annotate(n=Count("pk")):
                by_path[path][("ACTIVITIES", kind)] += n
            people = (
                ActivityParticipants.objects.filter(activity__in=chosen)
                .values_list("activity__ou_path", "activity__kind")
                .annotate(n=Sum("count"))
            )
            for path, kind, n in people:
                by_path[path][("PARTICIPANTS", kind)] += n
            served = (
                ActivityService.objects.filter(activity__in=chosen)
                .values_list("activity__ou_path", "service")
                .annotate(n=Sum("clients"))
            )
            for path, service, n in served:
                by_path[path][("CLIENTS", service)] += n
        rows, estimated = maps.by_row(by_path, units, p.span.end)
        if any(f.code == "ACTIVITIES_AT" for f in figures):
            for key, counts in maps.activities_at(units, p.span.start, p.span.end, tops).items():
                for kind, n in counts.items():
                    rows[key][("ACTIVITIES_AT", kind)] += n
        for f in figures:
            for item in units:
                total = sum(v for (measure, what), v in rows[item.key].items()
                            if measure == f.code and f.detail in ("", what))  # fmt: skip
                if f.code == "ACTIVITIES_AT":  # counted whole, by place: never apportioned
                    cells[(f.key, p.key, item.key)] = Cell(_number(total))
                    continue
                cells[(f.key, p.key, item.key)] = Cell(
                    _number(_rounded(total, estimated, item.key)),
                    estimate=_estimate(estimated, item.key, p.span.end),
                )
    return cells


# Targets and progress ----------------------------------------------------------------------


def _planned(figures: list[Figure], periods, units) -> dict[Key, Cell]:
    plan_units = {u.pk for item in units for u in item.units}
    years = {p.span.start.year for p in periods if p.span.start.year == p.span.end.year}
    plans = Plan.objects.filter(unit__in=plan_units, year__in=years, group__isnull=True)
    targets = {(plan.unit_id, plan.year): latest(plan.targets.all())
               for plan in plans.prefetch_related("targets")}  # fmt: skip
    # A group set's row takes the targets of its group's plans (programmes.plans.set_target
    # with a group) whose unit contains the row's members: keyed ("group", group id, year).
    groups = {item.group.pk: item for item in units if item.group is not None}
    if groups:
        grouped = Plan.objects.filter(group__in=list(groups), year__in=years)
        for plan in grouped.select_related("unit").prefetch_related("targets"):
            members = groups[plan.group_id].units
            if members and all(m.path.startswith(plan.unit.path) for m in members):
                key = ("group", plan.group_id, plan.year)
                mine = latest(plan.targets.all())
                targets.setdefault(key, {}).update(mine)
    progress = [f for f in figures if f.kind == kinds.PROGRESS]
    actuals = {}
    if progress:
        # The figure itself from 1 January to each period's end.
        to_date = [
            PeriodItem(p.key, p.label, Span(datetime.date(p.span.start.year, 1, 1), p.span.end,
                                            p.key, p.label))
            for p in periods if p.span.start.year == p.span.end.year
        ]  # fmt: skip
        from .figures import resolve_metric

        measured = {f.code: resolve_metric(f.code) for f in progress}
        actuals = _basic(list({m.key: m for m in measured.values()}.values()), to_date, units)
    cells = {}
    for f in figures:
        for p in periods:
            year = p.span.start.year if p.span.start.year == p.span.end.year else None
            for item in units:
                bound = _target_of(targets, item, year, f) if year else None
                if f.kind == kinds.TARGET:
                    cells[(f.key, p.key, item.key)] = Cell(_number(bound))
                    continue
                actual = actuals.get((f.code, p.key, item.key))
                value = actual.value if actual else None
                if bound is None or value is None or not bound:
                    cells[(f.key, p.key, item.key)] = Cell(None, value, _number(bound))
                    continue
                percent = round(float(value) / float(bound) * 100, 1)
                cells[(f.key, p.key, item.key)] = Cell(percent, value, _number(bound))
    return cells


def _target_of(targets: dict, item: UnitItem, year: int, figure: Figure):
    """The target of the row's units for the year: the bound progress is measured against (the
    lower end of a floor, the upper of a ceiling), added up over several units for counts and
    stocks; None where a unit has none, or for a rate of several units."""
    if item.group is not None:  # the group's own plan, if it has one
        target = targets.get(("group", item.group.pk, year), {}).get(figure.code)
        if target is not None:
            at_least = target.direction == AT_LEAST or target.value_max is None
            return target.value if at_least else target.value_max
    total = Decimal(0)
    for unit in item.units:
        target = targets.get((unit.pk, year), {}).get(figure.code)
        if target is None:
            return None
        at_least = target.direction == AT_LEAST or target.value_max is None
        total += target.value if at_least else target.value_max
    if len(item.units) > 1 and _is_rate(figure.code):
        return None
    return total


def _is_rate(code: str) -> bool:
    from danso.programmes.metrics import find

    metric = find(code)
    return metric is not None and metric.kind == RATE
