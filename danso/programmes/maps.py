"""The two administrative maps for data values and plans: which map a period is entered in.

The reform of 1 July 2025 closed the old units (`LP…`, `LD…`, `LC…`, valid until 30/06/2025)
and opened the new ones (`P…`, `C…`, valid from 01/07/2025). Villages and organisations belong
to both maps: their dates (an organisation copies its parent's) are not checked.

- **Data values** of a period are entered by the units in force on the period's **last day**:
  an old unit for periods ending by 30/06/2025 (2025Q2, 2025S1, June 2025 and before), a new
  unit for periods ending from 01/07/2025 (2025Q3, 2025S2 and later, and the year 2025 as a
  whole, which is reported on the new map). No period is entered twice.
- **Plans** are a year's: a unit plans for the years it exists in, even partly, so 2025 has
  plans on both maps (the old ones made at the start of the year, the new units' reallocated
  from them: `reallocation.py`). Old units plan for 2025 and before, new units for 2025 and
  after.

A pre-2025 unit lying wholly inside the user's area (accounts.scope.units_within) is reached by
the officers of that area, as it is seen: the province officer of P66 enters LP66's history.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from danso.accounts.scope import path_in_scope, visible_units
from danso.orgunits.models import Level, OrgUnit, UnitSuccession

CLOSED = "unit_closed_for_period"
NOT_YET = "unit_not_yet_in_force"


class MapError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _day(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def reaches(user, unit: OrgUnit) -> bool:
    """The unit is in the user's subtree, or is an old unit wholly inside it."""
    if path_in_scope(user, unit.path):
        return True
    return unit.is_legacy and visible_units(user).filter(pk=unit.pk).exists()


def _dated(unit: OrgUnit) -> bool:
    """Administrative units belong to one map; villages and organisations (which copy their
    parent's opening date) to both."""
    return unit.level in (Level.NATION, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


def check_period(unit: OrgUnit, start: datetime.date, end: datetime.date) -> None:
    """Data values: the unit must be in force on the period's last day."""
    if not _dated(unit):
        return
    if unit.valid_to is not None and end > unit.valid_to:
        raise MapError(CLOSED, _(
            "%(unit)s existed until %(until)s (the reorganisation of administrative units): "
            "figures for periods ending after that day are entered for the new units."
        ) % {"unit": unit.name, "until": _day(unit.valid_to)})  # fmt: skip
    if unit.valid_from is not None and end < unit.valid_from:
        raise MapError(NOT_YET, _(
            "%(unit)s exists from %(since)s: figures for periods ending before that day are "
            "entered for the old units (before the reorganisation)."
        ) % {"unit": unit.name, "since": _day(unit.valid_from)})  # fmt: skip


def check_year(unit: OrgUnit, year: int) -> None:
    """Plans: the unit must exist on some day of the year."""
    if not _dated(unit):
        return
    first, last = datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
    if unit.valid_to is not None and unit.valid_to < first:
        raise MapError(CLOSED, _(
            "%(unit)s existed until %(until)s: plans for %(year)s are set for the new units."
        ) % {"unit": unit.name, "until": _day(unit.valid_to), "year": year})  # fmt: skip
    if unit.valid_from is not None and unit.valid_from > last:
        raise MapError(NOT_YET, _(
            "%(unit)s exists from %(since)s: plans for %(year)s are set for the old units."
        ) % {"unit": unit.name, "since": _day(unit.valid_from), "year": year})  # fmt: skip


# Re-aggregation between the maps -----------------------------------------------------------
#
# A figure kept on a unit of one map (a value entered for LC24118 in 2024, an activity organised
# by a new commune) is counted in a unit of the other map by the share of it that lies there:
# - exact (share 1 or 0) where the crosswalk says the unit went whole into the other (a province
#   into its new province, an old commune wholly inside one new commune) or came whole from it,
#   and for villages, which carry both their communes;
# - otherwise apportioned by the register's residents of the unit's villages on the period's last
#   day (statistics.store): the residents of those villages lying in the other unit ÷ all its
#   villages' residents, and labelled an estimate with this method;
# - where the villages have no residents registered, by the number of communes the crosswalk
#   links (an old district whose 12 communes went to 3 new communes, 4 of them to this one: 4/12),
#   also labelled.
# Organisations belong to their parent's place; a unit of the same map not containing the figure
# counts none of it.

EXACT, POPULATION, COMMUNES = "exact", "population", "communes"
LEGACY_DAY = datetime.date(2025, 6, 30)  # the old map's last day
ADMIN_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


def method_label(method: str, day: datetime.date) -> str:
    if method == POPULATION:
        return _(
            "Estimate: figures of the other map apportioned by the residents of the villages "
            "on %(day)s (population share)"
        ) % {"day": _day(day)}
    if method == COMMUNES:
        return _(
            "Estimate: figures of the other map apportioned by the number of communes of the "
            "reorganisation (no residents registered)"
        )
    return ""


def _inside(path: str, container: str) -> bool:
    return path.startswith(container)


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


class Remapper:
    """Shares of figures kept under one map's paths in units of the other, for one day."""

    def __init__(self, day: datetime.date):
        self.day = day
        self._units: dict[str, OrgUnit | None] = {}
        self._links: dict[int, list[str]] = {}
        self._villages: dict[int, list[tuple[str, str, int]]] = {}

    def load(self, paths) -> None:
        uids = {p.strip("/").split("/")[-1] for p in paths} - set(self._units)
        found = OrgUnit.objects.filter(uid__in=uids).select_related("parent", "legacy_commune")
        for unit in found:
            self._units[unit.uid] = unit
        for uid in uids:
            self._units.setdefault(uid, None)

    def unit_at(self, path: str) -> OrgUnit | None:
        uid = path.strip("/").split("/")[-1]
        if uid not in self._units:
            self.load([path])
        return self._units[uid]

    def share(self, path: str, target: OrgUnit) -> tuple[float, str]:
        """(fraction, method) of what is kept at `path` that lies in `target`."""
        if _inside(path, target.path):
            return 1.0, EXACT
        source = self.unit_at(path)
        if source is None:
            return 0.0, EXACT
        if source.level == Level.VILLAGE:
            legacy = source.legacy_commune.path if source.legacy_commune_id else ""
            inside = target.is_legacy and legacy and _inside(legacy, target.path)
            return (1.0 if inside else 0.0), EXACT
        if source.level == Level.ORGANISATION:
            parent = source.parent
            if parent is None or parent.level not in ADMIN_LEVELS:
                return 0.0, EXACT
            source = parent
        if source.level not in ADMIN_LEVELS or source.is_legacy == target.is_legacy:
            return 0.0, EXACT
        if target.level not in ADMIN_LEVELS:
            return 0.0, EXACT
        links = self._links_of(source)
        if links and all(_inside(p, target.path) for p in links):
            return 1.0, EXACT
        if not any(_related(p, target.path) for p in links):
            return 0.0, EXACT
        villages = self._villages_of(source)
        total = sum(n for _c, _l, n in villages)
        if total:
            side = 1 if target.is_legacy else 0
            here = sum(v[2] for v in villages if _inside(v[side], target.path))
            if here in (0, total):
                return (1.0 if here else 0.0), EXACT
            return here / total, POPULATION
        communes = self._commune_links(source)
        if not communes:
            return 0.0, EXACT
        here = sum(1 for p in communes if _inside(p, target.path))
        return here / len(communes), COMMUNES

    def _links_of(self, unit: OrgUnit) -> list[str]:
        """The other map's units the crosswalk links to the unit, at its own level (an old
        district: the new communes its communes went to)."""
        if unit.pk not in self._links:
            if unit.is_legacy:
                links = UnitSuccession.objects.filter(old=unit).values_list("new__path", flat=True)
            else:
                links = UnitSuccession.objects.filter(new=unit, old__level=unit.level).values_list(
                    "old__path", flat=True
                )
            self._links[unit.pk] = list(links)
        return self._links[unit.pk]

    def _commune_links(self, unit: OrgUnit) -> list[str]:
        """Commune-to-commune links under the unit, as paths of the other map's communes."""
        links = UnitSuccession.objects.filter(old__level=Level.COMMUNE, new__level=Level.COMMUNE)
        if unit.is_legacy:
            return list(links.filter(old__path__startswith=unit.path)
                        .values_list("new__path", flat=True))  # fmt: skip
        return list(links.filter(new__path__startswith=unit.path)
                    .values_list("old__path", flat=True))  # fmt: skip

    def _villages_of(self, unit: OrgUnit) -> list[tuple[str, str, int]]:
        """(current path, old commune's path, residents on the day) of the unit's villages."""
        if unit.pk not in self._villages:
            from danso.statistics import store

            where = ({"legacy_commune__path__startswith": unit.path} if unit.is_legacy
                     else {"path__startswith": unit.path})  # fmt: skip
            villages = OrgUnit.objects.filter(level=Level.VILLAGE, **where)
            rows = list(villages.values_list("pk", "path", "legacy_commune__path"))
            ids = [pk for pk, _p, _l in rows]
            counted = store.counts(villages, ids, [("residents", self.day)]) if ids else {}
            residents = counted.get(("residents", self.day), {})
            self._villages[unit.pk] = [
                (path, legacy or "", int(residents.get(pk, {}).get("residents", 0)))
                for pk, path, legacy in rows
            ]
        return self._villages[unit.pk]


def other_map_roots(units) -> list[str]:
    """Where figures of the other map may lie for these units: the new provinces an old unit's
    province went into, the old provinces a new unit's province came from."""
    provinces = set()
    for unit in units:
        parts = unit.path.strip("/").split("/")
        if len(parts) > 1:
            provinces.add(parts[1])
    roots = set()
    for link in UnitSuccession.objects.filter(
        Q(old__uid__in=provinces) | Q(new__uid__in=provinces), old__level=Level.PROVINCE
    ).values_list("old__uid", "old__path", "new__uid", "new__path"):
        old_uid, old_path, new_uid, new_path = link
        if old_uid in provinces:
            roots.add(new_path)
        if new_uid in provinces:
            roots.add(old_path)
    return sorted(roots)


def by_row(by_path: dict, items, day: datetime.date) -> tuple[dict, dict]:
    """Values keyed by path added up into each row (UnitItem: key, units), a path counted once
    per row, and shares of the other map's paths: ({row key: {value key: Decimal}}, {row key:
    method} for the rows that hold an estimate)."""
    from decimal import Decimal

    remapper = Remapper(day)
    remapper.load(by_path)
    out, methods = {}, {}
    for item in items:
        merged = defaultdict(Decimal)
        worst = EXACT
        for path, values in by_path.items():
            fraction, method = 0.0, EXACT
            for unit in item.units:
                part, how = remapper.share(path, unit)
                if part:
                    fraction += part
                    if how != EXACT:
                        method = how
            fraction = min(fraction, 1.0)
            if not fraction:
                continue
            if method != EXACT:
                worst = method if worst == EXACT or method == COMMUNES else worst
            for key, value in values.items():
                merged[key] += value if fraction == 1.0 else value * Decimal(str(fraction))
        out[item.key] = merged
        if worst != EXACT:
            methods[item.key] = worst
    return out, methods


# Activities by the places they reached ---------------------------------------------------------


def places_in(paths: list[str]):
    """Units an activity may name as places that lie in the area of `paths`: units under them,
    villages whose old commune is under them (an old unit's area), and old units whose every
    successor lies inside (an old commune wholly inside the user's commune)."""
    from django.db.models import Exists, OuterRef

    from danso.accounts.scope import path_q

    if not paths:
        return OrgUnit.objects.none()
    links = UnitSuccession.objects.filter(old=OuterRef("pk"))
    inside = links.filter(path_q(paths, "new__path"))
    outside = links.exclude(path_q(paths, "new__path"))
    return OrgUnit.objects.filter(
        path_q(paths) | path_q(paths, "legacy_commune__path") | (Exists(inside) & ~Exists(outside))
    )


def reached_in(paths: list[str], activities=None):
    """Activities with a place in the area, whoever organised them (a province mobile trip or
    a partner's session in the commune's villages): "hoạt động trên địa bàn"."""
    from .models import Activity

    activities = Activity.objects.all() if activities is None else activities
    through = Activity.places.through.objects.filter(orgunit__in=places_in(paths))
    return activities.filter(pk__in=through.values("activity_id"))


def visible_activities(user, activities):
    """Activities organised in the user's area or reaching it (read only for the latter)."""
    from danso.accounts.scope import path_q, scope_paths

    paths = scope_paths(user)
    if not paths:
        return activities.none()
    reached = reached_in(paths).values("pk")
    return activities.filter(path_q(paths, "ou_path") | Q(pk__in=reached))


def activities_at(items, start: datetime.date, end: datetime.date, roots: list[str]) -> dict:
    """{row key: {kind: number of activities}}: activities begun in the span that reached a
    place lying wholly in the row's units, in either map (a village for its old commune too,
    an old commune for the new one it went into whole); each activity once per row."""
    from .models import Activity

    through = Activity.places.through.objects.filter(
        activity__start_date__range=(start, end)
    ).filter(_any_root(roots))
    rows = list(through.values_list("activity_id", "activity__kind", "orgunit__path"))
    remapper = Remapper(end)
    remapper.load({path for _a, _k, path in rows})
    out = {}
    for item in items:
        seen, counts = set(), defaultdict(int)
        for activity, kind, path in rows:
            if activity in seen:
                continue
            if any(remapper.share(path, unit)[0] == 1.0 for unit in item.units):
                seen.add(activity)
                counts[kind] += 1
        out[item.key] = counts
    return out


def _any_root(roots: list[str]) -> Q:
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(orgunit__path__startswith=root)
    return q
