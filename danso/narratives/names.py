"""Unit names as they were at the period: before 1 July 2025 the old units (communes in their
districts), with the current unit in brackets ("xã Ea Lai, huyện M'Đrắk (nay thuộc xã
M'Drắk)"); from then on the current names.

"nay là" when the old unit became the new one alone, "nay thuộc" when it was merged with
others or split between several.
"""

import datetime
from collections import defaultdict

from danso.orgunits.models import REFORM_DATE, Level, OrgUnit, UnitSuccession

from .wording import in_sentence, join


def _links(units: list[OrgUnit]) -> tuple[dict, dict]:
    """Old → new successors of old units, and new → old predecessors (same level) of the new
    units among them and of those successors, in two queries."""
    ids = [u.pk for u in units]
    successors, predecessors = defaultdict(list), defaultdict(list)
    links = UnitSuccession.objects.filter(old__in=ids).select_related("new", "old")
    for link in links:
        if link.new.level == link.old.level or link.old.level == Level.PROVINCE:
            successors[link.old_id].append(link.new)
    news = {n.pk for group in successors.values() for n in group} | set(ids)
    for link in UnitSuccession.objects.filter(new__in=news).select_related("old", "new"):
        if link.old.level == link.new.level:
            predecessors[link.new_id].append(link.old)
    return successors, predecessors


def _with_district(unit: OrgUnit, parents: dict) -> str:
    parent = parents.get(unit.parent_id)
    if unit.level == Level.COMMUNE and parent is not None and parent.level == Level.DISTRICT:
        return f"{in_sentence(unit.name)}, {in_sentence(parent.name)}"
    return in_sentence(unit.name)


def names_at(units, day: datetime.date) -> dict[str, str]:
    """uid → the unit's name in a sentence on `day` (lower-case type word)."""
    units = list(units)
    if day >= REFORM_DATE:
        return {u.uid: _current(u) for u in units}
    successors, predecessors = _links(units)
    parent_ids = {u.parent_id for u in units}
    parent_ids |= {o.parent_id for group in predecessors.values() for o in group}
    parents = OrgUnit.objects.in_bulk(parent_ids - {None})
    found = {}
    for unit in units:
        if unit.level == Level.ORGANISATION:
            found[unit.uid] = unit.name  # a proper name: "Hội Kế hoạch hóa gia đình tỉnh …"
        elif unit.level == Level.NATION:
            found[unit.uid] = in_sentence(unit.name)
        elif unit.level == Level.VILLAGE:
            found[unit.uid] = _village_before(unit)
        elif unit.is_legacy:
            found[unit.uid] = _old(unit, successors[unit.pk], predecessors, parents)
        else:
            found[unit.uid] = _new_before(unit, predecessors[unit.pk], parents)
    return found


def name_at(unit: OrgUnit, day: datetime.date) -> str:
    return names_at([unit], day)[unit.uid]


def _current(unit: OrgUnit) -> str:
    if unit.level == Level.ORGANISATION:
        return unit.name
    if unit.level == Level.VILLAGE and unit.parent_id:
        return f"{in_sentence(unit.name)}, {in_sentence(unit.parent.name)}"
    return in_sentence(unit.name)


def _old(unit, successors, predecessors, parents) -> str:
    own = _with_district(unit, parents)
    if not successors:
        return own
    news = sorted(successors, key=lambda n: n.code)
    alone = len(news) == 1 and len(predecessors.get(news[0].pk, [])) <= 1
    if alone and news[0].name == unit.name:
        return own
    verb = "nay là" if alone else "nay thuộc"
    return f"{own} ({verb} {join([in_sentence(n.name) for n in news])})"


def _new_before(unit, olds, parents) -> str:
    """A current unit for a period before the reform: the old units it was made of, grouped
    by their district ("thị trấn Ea Súp, xã Ea Lê và xã Cư M'Lan, huyện Ea Súp (nay là xã Ea
    Súp)")."""
    if not olds:
        return in_sentence(unit.name)
    olds = sorted(olds, key=lambda o: o.code)
    if len(olds) == 1 and olds[0].name == unit.name:
        return in_sentence(unit.name)
    by_district: dict[str, list[str]] = {}
    for old in olds:
        parent = parents.get(old.parent_id)
        district = in_sentence(parent.name) if parent and parent.level == Level.DISTRICT else ""
        by_district.setdefault(district, []).append(in_sentence(old.name))
    parts = [f"{join(names)}, {d}" if d else join(names) for d, names in by_district.items()]
    return f"{'; '.join(parts)} (nay là {in_sentence(unit.name)})"


def _village_before(village: OrgUnit) -> str:
    old = village.legacy_commune
    if old is None:
        return _current(village)
    now = village.parent
    if now is not None and now.name != old.name:
        now_name = in_sentence(now.name)
        return f"{in_sentence(village.name)}, {in_sentence(old.name)} (nay thuộc {now_name})"
    return f"{in_sentence(village.name)}, {in_sentence(old.name)}"


def places_by_district(units, day: datetime.date) -> list[tuple[str, list[str]]]:
    """Places grouped by their old district (before the reform) or by their current province
    (after), each with its name at the day: [("huyện M'Đrắk", ["xã Ea Lai (nay thuộc …)",
    …]), …]; the group is left out of each place's own name."""
    units = sorted(units, key=lambda u: u.path)
    names = names_at(units, day)
    parents = OrgUnit.objects.in_bulk({u.parent_id for u in units} - {None})
    groups: dict[str, list[str]] = {}
    for unit in units:
        parent = parents.get(unit.parent_id)
        group = ""
        name = names[unit.uid]
        if parent is not None and unit.level == Level.COMMUNE and parent.level == Level.DISTRICT:
            group = in_sentence(parent.name)
            name = name.replace(f", {group}", "", 1)
        elif unit.level == Level.VILLAGE:
            commune = unit.legacy_commune if day < REFORM_DATE else parent
            group = name.split(", ", 1)[1] if ", " in name else in_sentence(commune.name)
            name = in_sentence(unit.name)
        groups.setdefault(group, []).append(name)
    return list(groups.items())
