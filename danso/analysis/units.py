"""The org units of an analysis (its `ou` items), in DHIS2's syntax:

- a unit's uid (`P66`, `C24211`, `LD646` of the map before July 2025);
- `USER_ORGUNIT`, `USER_ORGUNIT_CHILDREN`, `USER_ORGUNIT_GRANDCHILDREN`: the user's own units
  and the units one or two levels below them;
- `LEVEL-n`: the units n levels deep (1 nation, 2 province, 3 commune — or district in the
  old map —, 4 village or old commune), or by name: `LEVEL-commune`, `LEVEL-district`…;
- `OU_GROUP-x`: the members of an org-unit group (by uid or code).

As in DHIS2, where a level or a group is named, the units named beside it are boundaries (the
level or group is taken inside them) and not shown themselves; without a boundary it is the
user's own units. Levels add up, as do groups; a level and a group together give the group's
members at that level ("the communes of the ethnic-minority areas"). Whatever is named,
only units inside the user's area are ever shown.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from danso.accounts.scope import home_unit, visible_units
from danso.orgunits.models import Level, OrgUnit, OrgUnitGroup

from .errors import AnalysisError

USER_ITEMS = {"USER_ORGUNIT": 0, "USER_ORGUNIT_CHILDREN": 1, "USER_ORGUNIT_GRANDCHILDREN": 2}
LEVEL_NAMES = {"nation": 1, "province": 2, "commune": 3, "district": 3, "village": 4}


@dataclass
class UnitItem:
    """One row or column of units: a single unit, or (a filter, a group) several added up."""

    key: str
    name: str
    units: list[OrgUnit] = field(default_factory=list)
    group: object = None  # the OrgUnitGroup of a group set's row: its group plans' targets


def depth(unit: OrgUnit) -> int:
    return unit.path.strip("/").count("/") + 1


def user_units(user) -> list[OrgUnit]:
    units = list(user.org_units.order_by("path"))
    if not units and (home := home_unit(user)) is not None:
        units = [home]
    return units


def resolve(items: list[str], user) -> list[OrgUnit]:
    """The units the items name, in tree order within each item, each once."""
    boundaries: list[OrgUnit] = []
    selections: list[tuple[str, str]] = []  # ("level", n) or ("group", OrgUnitGroup code)
    visible = visible_units(user)
    for item in items:
        if item in USER_ITEMS:
            boundaries += _below(user_units(user), USER_ITEMS[item], visible)
        elif item.startswith("LEVEL-"):
            selections.append(("level", _level(item)))
        elif item.startswith("OU_GROUP-"):
            selections.append(("group", _group(item)))
        else:
            unit = visible.filter(uid=item).first()
            if unit is None:
                raise AnalysisError(
                    "unknown_unit",
                    _("Unknown org unit “%(item)s”, or outside your area.") % {"item": item},
                    "ou",
                )
            boundaries.append(unit)
    if not selections:
        return _unique(boundaries)
    within = boundaries or user_units(user)
    inside = Q(pk__in=[])
    for unit in within:
        inside |= Q(path__startswith=unit.path)
    chosen = visible.filter(inside).exclude(level=Level.ORGANISATION)
    levels = [value for kind, value in selections if kind == "level"]
    groups = [value for kind, value in selections if kind == "group"]
    if levels:
        by_depth = Q(pk__in=[])
        for n in levels:
            by_depth |= Q(path__regex=_depth_regex(n))
        chosen = chosen.filter(by_depth)
    if groups:
        chosen = chosen.filter(unit_groups__in=groups)
    found = sorted(chosen.distinct(), key=lambda u: u.path)
    return _unique(found)


def _depth_regex(n: int) -> str:
    return r"^/" + r"[^/]+/" * n + r"$"


def _below(units: list[OrgUnit], steps: int, visible) -> list[OrgUnit]:
    for _step in range(steps):
        units = list(
            visible.filter(parent__in=units).exclude(level=Level.ORGANISATION).order_by("path")
        )
    return units


def _level(item: str) -> int:
    value = item.removeprefix("LEVEL-")
    n = LEVEL_NAMES.get(value) or (int(value) if value.isdigit() else 0)
    if not 1 <= n <= 4:
        raise AnalysisError(
            "invalid_level",
            _("Unknown level “%(item)s”: LEVEL-1 (nation) to LEVEL-4 (village), or "
              "LEVEL-province, LEVEL-district, LEVEL-commune, LEVEL-village.") % {"item": item},
            "ou",
        )  # fmt: skip
    return n


def _group(item: str) -> OrgUnitGroup:
    value = item.removeprefix("OU_GROUP-")
    group = OrgUnitGroup.objects.filter(Q(uid=value) | Q(code=value)).first()
    if group is None:
        raise AnalysisError(
            "unknown_group", _("Unknown org unit group “%(item)s”.") % {"item": value}, "ou"
        )
    return group


def _unique(units: list[OrgUnit]) -> list[OrgUnit]:
    return list({u.pk: u for u in units}.values())
