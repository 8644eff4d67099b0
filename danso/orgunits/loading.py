"""Load the administrative trees and the old → new crosswalk from the project's fixtures.

The fixtures are CSV files built by `scripts/build_units_fixture.py`. Loading is an idempotent
upsert keyed by uid, level by level so parents exist before their children, in bulk so the
whole country loads in seconds. Bulk writes bypass the audit log on purpose: reference data
is versioned in git, not edited by a person.
"""

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import LEGACY_VALID_TO, REFORM_DATE, ROOT_UID, Level, OrgUnit, UnitSuccession, UnitType

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Prefixes of uids: the current tree has P/C, the pre-2025 tree LP/LD/LC (codes repeat
# between the trees, e.g. Hà Nội is 01 in both).
CURRENT_PREFIX = {Level.PROVINCE: "P", Level.COMMUNE: "C"}
LEGACY_PREFIX = {Level.PROVINCE: "LP", Level.DISTRICT: "LD", Level.COMMUNE: "LC"}
PARENT_LEVEL = {Level.COMMUNE: Level.DISTRICT, Level.DISTRICT: Level.PROVINCE}
UNIT_TYPE_OF_FIXTURE = {
    # The fixture says "thanh_pho" for both centrally-run and provincial cities; the level tells.
    (Level.PROVINCE, "thanh_pho"): UnitType.CITY,
}

Progress = Callable[[str, int], None]


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    links: int = 0


def _read(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _unit(row: dict, uid: str, parent: OrgUnit, legacy: bool) -> OrgUnit:
    level = row["level"]
    unit = OrgUnit(
        uid=uid,
        code=row["code"],
        name=row["name"],
        short_name=row["short_name"],
        level=level,
        unit_type=UNIT_TYPE_OF_FIXTURE.get((level, row["unit_type"]), row["unit_type"]),
        parent=parent,
        valid_from=None if legacy else REFORM_DATE,
        valid_to=LEGACY_VALID_TO if legacy else None,
    )
    unit.refresh_derived_fields()
    return unit


UPDATABLE = [
    "code",
    "name",
    "short_name",
    "level",
    "unit_type",
    "parent",
    "path",
    "province_code",
    "search_name",
    "valid_from",
    "valid_to",
]


def _upsert(units: list[OrgUnit], summary: LoadSummary) -> dict[str, OrgUnit]:
    existing = set(
        OrgUnit.objects.filter(uid__in=[u.uid for u in units]).values_list("uid", flat=True)
    )
    summary.created += sum(1 for u in units if u.uid not in existing)
    summary.updated += len(existing)
    OrgUnit.objects.bulk_create(
        units,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["uid"],
        update_fields=UPDATABLE,
    )
    # bulk_create does not return ids on every backend when updating conflicts: reread them.
    return {u.uid: u for u in OrgUnit.objects.filter(uid__in=[u.uid for u in units])}


def _load_tree(
    rows: list[dict], prefixes: dict, root: OrgUnit, legacy: bool, summary, progress
) -> dict[tuple[str, str], OrgUnit]:
    """Load one tree top-down; returns units by (level, code)."""
    loaded: dict[tuple[str, str], OrgUnit] = {}
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        level_rows = [r for r in rows if r["level"] == level]
        if not level_rows:
            continue
        units = []
        for row in level_rows:
            if level == Level.PROVINCE:
                parent = root
            else:
                parent_level = PARENT_LEVEL[level] if legacy else Level.PROVINCE
                parent = loaded[(parent_level, row["parent_code"])]
            units.append(_unit(row, prefixes[level] + row["code"], parent, legacy))
        by_uid = _upsert(units, summary)
        for unit in by_uid.values():
            loaded[(unit.level, unit.code)] = unit
        progress(f"{'legacy' if legacy else 'current'} {level}", len(level_rows))
    return loaded


def _succession_links(current: dict, legacy: dict) -> tuple[list[UnitSuccession], int]:
    """Commune and province links from the fixtures, then the derived district links."""
    links = []
    district_targets: dict[OrgUnit, set[OrgUnit]] = defaultdict(set)
    for row in _read("crosswalk_communes.csv"):
        old = legacy[(row["old_level"], row["old_code"])]
        new = current[(Level.COMMUNE, row["new_code"])]
        links.append(
            UnitSuccession(
                old=old,
                new=new,
                is_split=row["is_split"] == "1",
                is_default=row["is_default"] == "1",
            )
        )
        if old.level == Level.COMMUNE:
            district_targets[old.parent].add(new)
    for row in _read("crosswalk_provinces.csv"):
        links.append(
            UnitSuccession(
                old=legacy[(Level.PROVINCE, row["old_code"])],
                new=current[(Level.PROVINCE, row["new_code"])],
            )
        )
    from_fixtures = len(links)
    for district, targets in district_targets.items():
        for new in targets:
            links.append(UnitSuccession(old=district, new=new, is_split=len(targets) > 1))
    return links, from_fixtures


def load_units(progress: Progress | None = None) -> LoadSummary:
    """Create or update both trees and the crosswalk. Safe to run again at any time."""
    progress = progress or (lambda label, n: None)
    summary = LoadSummary()
    with transaction.atomic():
        root, _ = OrgUnit.objects.update_or_create(
            uid=ROOT_UID,
            defaults={
                "code": "VN",
                "name": "Việt Nam",
                "short_name": "Việt Nam",
                "level": Level.NATION,
                "unit_type": UnitType.NATION,
                "parent": None,
            },
        )
        current = _load_tree(
            _read("units_2025.csv"), CURRENT_PREFIX, root, False, summary, progress
        )
        legacy = _load_tree(_read("units_legacy.csv"), LEGACY_PREFIX, root, True, summary, progress)
        links, from_fixtures = _succession_links(current, legacy)
        UnitSuccession.objects.bulk_create(
            links,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["old", "new"],
            update_fields=["is_split", "is_default"],
        )
        summary.links = len(links)
        progress("crosswalk", from_fixtures)
    return summary


def fixture_row_count() -> int:
    """Rows the loader will process, for sizing a progress bar."""
    names = [
        "units_2025.csv",
        "units_legacy.csv",
        "crosswalk_communes.csv",
        "crosswalk_provinces.csv",
    ]
    total = 0
    for name in names:
        with open(FIXTURES / name, encoding="utf-8") as f:
            total += sum(1 for _ in f) - 1
    return total
