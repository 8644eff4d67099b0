"""An analysis request in DHIS2's syntax, checked and answered.

    dimension=dx:cpr;third_share   dimension=pe:LAST_8_QUARTERS   dimension=ou:P66;LEVEL-3
    filter=ou:OU_GROUP-DTTS        (also dx=…, pe=…, ou=… as shortcuts for dimensions)

Each of dx, pe and ou is given once, as a dimension (its items become rows or columns) or as a
filter (its items are added up into one: units as one area, periods as one contiguous span).
A dimension may also be an org-unit group set by code (`dimension=KHU_VUC:THANH_THI;NONG_THON`,
or all its groups without items): each group is then a row of its members added up, inside
the units of the `ou` filter (the user's own units without one).
"""

import datetime
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import visible_units
from danso.orgunits.models import OrgUnitGroupSet

from . import figures as figure_items
from . import periods as period_items
from . import units as unit_items
from .engine import Cell, PeriodItem, evaluate
from .errors import AnalysisError
from .figures import Figure
from .units import UnitItem

AXES = ("dx", "pe", "ou")
AXIS_NAMES = {"dx": "Data", "pe": "Period", "ou": "Organisation unit"}
OU_FILTER = "OU_FILTER"  # the key of units given as a filter, added up into one


@dataclass
class Result:
    figures: list[Figure]
    periods: list[PeriodItem]
    units: list[UnitItem]
    dimensions: list[str]  # the axes shown, in the order asked
    filters: list[str]  # the axes added up
    cells: dict[tuple[str, str, str], Cell]
    as_of: datetime.datetime
    ou_dimension: str = "ou"  # or the code of the group set whose groups are the rows

    def items(self, axis: str) -> list[tuple[str, str]]:
        """(key, name) of the axis's items."""
        if axis == "dx":
            return [(f.key, f.name) for f in self.figures]
        if axis == "pe":
            return [(p.key, p.label) for p in self.periods]
        return [(u.key, u.name) for u in self.units]

    def cell(self, dx: str, pe: str, ou: str) -> Cell:
        return self.cells.get((dx, pe, ou), Cell(None))


def split(value: str) -> tuple[str, list[str]]:
    name, _colon, rest = value.partition(":")
    return name.strip(), [i.strip() for i in rest.split(";") if i.strip()]


def parse(dimension: list[str], filter: list[str], shortcuts: dict[str, str]):
    """{axis: (is a dimension, items)} and the order of the dimensions."""
    given: dict[str, tuple[bool, list[str]]] = {}
    order = []
    entries = [(True, v) for v in dimension] + [(False, v) for v in filter]
    entries += [(True, f"{axis}:{value}") for axis, value in shortcuts.items() if value]
    for is_dimension, value in entries:
        name, items = split(value)
        if name in given:
            raise AnalysisError(
                "repeated_dimension",
                _("“%(name)s” is given more than once.") % {"name": name},
                name,
            )
        given[name] = (is_dimension, items)
        if is_dimension:
            order.append(name)
    return given, order


def run(user, dimension: list[str], filter: list[str], shortcuts: dict[str, str],
        today: datetime.date | None = None, previous_year: bool = False) -> Result:  # fmt: skip
    """`previous_year`: each figure also for the same period of the year before, and the
    change (see `with_previous_year`)."""
    today = today or timezone.localdate()
    as_of = timezone.now()
    given, order = parse(dimension, filter, shortcuts)
    group_sets = [name for name in given if name not in AXES]
    if len(group_sets) > 1 or (group_sets and not given[group_sets[0]][0]):
        raise AnalysisError(
            "unknown_dimension",
            _("Unknown dimension “%(name)s”: dx, pe, ou or the code of an org-unit group set "
              "(as a dimension, at most one).") % {"name": group_sets[-1]},
            group_sets[-1],
        )  # fmt: skip
    for axis in AXES:
        if axis == "ou" and group_sets:
            if given.get("ou", (False,))[0]:
                raise AnalysisError(
                    "ou_with_group_set",
                    _("With a group set as a dimension, org units can only be a filter."),
                    "ou",
                )
            continue
        if axis not in given or not given[axis][1]:
            raise AnalysisError(
                "missing_dimension",
                _("“%(axis)s” needs at least one item, as a dimension or a filter.")
                % {"axis": axis},
                axis,
            )
    figures = figure_items.resolve(given["dx"][1], user)
    periods = period_items.resolve(given["pe"][1], today)
    if given["pe"][0]:
        pe = [PeriodItem(p.id, p.label, p) for p in periods]
    else:
        span = period_items.span_of(periods)
        pe = [PeriodItem(span.id, span.label, span)]
    ou_dimension = "ou"
    if group_sets:
        ou_dimension = group_sets[0]
        boundary = unit_items.resolve(given["ou"][1], user) if "ou" in given else None
        ou = _groups(user, group_sets[0], given[group_sets[0]][1], boundary)
        order = ["ou" if name == ou_dimension else name for name in order]
    else:
        found = unit_items.resolve(given["ou"][1], user)
        if not found:
            raise AnalysisError(
                "no_units", _("No org unit of your area matches %(items)s.")
                % {"items": ";".join(given["ou"][1])}, "ou",
            )  # fmt: skip
        if given["ou"][0]:
            ou = [UnitItem(u.uid, u.name, [u]) for u in found]
        else:
            name = ", ".join(u.name for u in found[:3]) + ("…" if len(found) > 3 else "")
            # One group as the filter is that group's planned area (its group plans' targets).
            named = [i for i in given["ou"][1] if i.startswith("OU_GROUP-")]
            group = unit_items._group(named[0]) if len(named) == 1 else None
            ou = [UnitItem(OU_FILTER, name, found, group)]
    if not given["dx"][0] and len(figures) > 1:
        raise AnalysisError("dx_filter", _("Figures can be a filter only one at a time."), "dx")
    # With a group set, the ou filter is the area the groups are taken in, not an axis.
    filters = [axis for axis in AXES if axis in given and not given[axis][0]
               and not (axis == "ou" and group_sets)]  # fmt: skip
    cells = evaluate(figures, pe, ou)
    if previous_year:
        figures, cells = with_previous_year(figures, pe, ou, cells)
    return Result(figures, pe, ou, order, filters, cells, as_of, ou_dimension)


def _groups(user, code: str, items: list[str], boundary) -> list[UnitItem]:
    group_set = OrgUnitGroupSet.objects.filter(Q(code=code) | Q(uid=code)).first()
    if group_set is None:
        raise AnalysisError(
            "unknown_dimension",
            _("Unknown dimension “%(name)s”: dx, pe, ou or the code of an org-unit group set "
              "(as a dimension, at most one).") % {"name": code},
            code,
        )  # fmt: skip
    groups = list(group_set.groups.order_by("name"))
    if items:
        by_key = {g.code: g for g in groups} | {g.uid: g for g in groups}
        missing = [i for i in items if i not in by_key]
        if missing:
            raise AnalysisError(
                "unknown_group",
                _("Not groups of %(set)s: %(items)s.")
                % {"set": group_set.code, "items": ", ".join(missing)},
                code,
            )
        groups = list({by_key[i].pk: by_key[i] for i in items}.values())
    inside = Q(pk__in=[])
    for unit in boundary or unit_items.user_units(user):
        inside |= Q(path__startswith=unit.path)
    rows = []
    for group in groups:
        members = list(visible_units(user, group.members.filter(inside)).order_by("path"))
        rows.append(UnitItem(group.code, group.name, members, group))
    return rows


LAST_YEAR, CHANGE = "__LY", "__CHANGE"


def _year_before(period):
    if isinstance(period, period_items.Span):
        start = period.start.replace(year=period.start.year - 1)
        end = period.end.replace(year=period.end.year - 1, day=1)
        end = (end.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        end -= datetime.timedelta(days=1)  # the month's last day (29/02 comes back as 28/02)
        return period_items.Span(start, end, f"{period.id}{LAST_YEAR}", period.label)
    return period_items.same_period_last_year(period)


def with_previous_year(figures: list[Figure], periods: list[PeriodItem], units, cells):
    """Each figure followed by itself for the same period of the year before (its own parts
    and caution) and by the change: the difference, in the figure's unit (points for a
    rate). They are figures of their own (`<dx>__LY`, `<dx>__CHANGE`), so the table, the chart
    and the exports show them like any other."""
    before = [PeriodItem(p.key, p.label, _year_before(p.span)) for p in periods]
    previous = evaluate(figures, before, units)
    shown, out = [], dict(cells)
    for f in figures:
        last = replace(f, key=f.key + LAST_YEAR, name=_("%(name)s, same period last year")
                       % {"name": f.name})  # fmt: skip
        change = replace(f, key=f.key + CHANGE, is_rate=False,
                         unit=_("points") if f.is_rate else f.unit,
                         name=_("%(name)s, change on the same period last year")
                         % {"name": f.name})  # fmt: skip
        shown += [f, last, change]
        for p in periods:
            for u in units:
                now, then = cells[(f.key, p.key, u.key)], previous[(f.key, p.key, u.key)]
                out[(last.key, p.key, u.key)] = then
                difference = None
                if now.value is not None and then.value is not None:
                    difference = round(now.value - then.value, f.decimals)
                out[(change.key, p.key, u.key)] = Cell(difference)
    return shown, out
