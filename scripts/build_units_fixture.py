"""Build the Vietnamese administrative-unit fixtures for danso.orgunits.

Run by hand; the output CSVs are committed, so the app never needs either package at runtime.
The two source packages need different interpreters, hence two modes, each using only the
standard library plus one package:

    # 1. build: vietnamadminunits (MIT) is the source of both trees and the crosswalk.
    python3 -m venv /tmp/vau && /tmp/vau/bin/pip install vietnamadminunits==1.0.4
    /tmp/vau/bin/python scripts/build_units_fixture.py build

    # 2. crosscheck: compare the written fixtures with vietnam-provinces (GPL, Python >= 3.12).
    #    It is only read here to check our data; none of its data is copied into the fixtures.
    python3.12 -m venv /tmp/vp && /tmp/vp/bin/pip install vietnam-provinces==2026.9.0
    /tmp/vp/bin/python scripts/build_units_fixture.py crosscheck

Files written to danso/orgunits/fixtures/:
    units_2025.csv           34 provinces + 3,321 communes (tree in force since 2025-07-01)
    units_legacy.csv         63 provinces + 696 districts + 10,035 communes (tree before it)
    crosswalk_communes.csv   old commune (or island district) -> new commune(s)
    crosswalk_provinces.csv  old province -> new province
    CROSSCHECK.md            written by the crosscheck mode

build exits non-zero, writing nothing, if any count differs from the expected figures below.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import astuple, dataclass
from importlib import metadata, resources
from pathlib import Path

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "danso" / "orgunits" / "fixtures"
UNITS_NEW_CSV = FIXTURES_DIR / "units_2025.csv"
UNITS_LEGACY_CSV = FIXTURES_DIR / "units_legacy.csv"
CROSSWALK_COMMUNES_CSV = FIXTURES_DIR / "crosswalk_communes.csv"
CROSSWALK_PROVINCES_CSV = FIXTURES_DIR / "crosswalk_provinces.csv"
CROSSCHECK_MD = FIXTURES_DIR / "CROSSCHECK.md"

UNIT_COLUMNS = ["level", "code", "name", "short_name", "unit_type", "parent_code"]
CROSSWALK_COMMUNE_COLUMNS = ["old_level", "old_code", "new_code", "is_split", "is_default"]
CROSSWALK_PROVINCE_COLUMNS = ["old_code", "new_code"]

# Type words as they prefix official names, mapped to our slugs.
PROVINCE_TYPES = {"Tỉnh": "tinh", "Thành phố": "thanh_pho"}
DISTRICT_TYPES = {"Quận": "quan", "Huyện": "huyen", "Thị xã": "thi_xa", "Thành phố": "thanh_pho"}
COMMUNE_TYPES = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran", "Đặc khu": "dac_khu"}

# Tree sizes are the official NSO figures; crosswalk figures were measured on
# vietnamadminunits 1.0.4 (see docs/admin-units.md), so a changed source fails loudly.
EXPECTED_NEW = {"province": 34, "commune": 3321, "xa": 2621, "phuong": 687, "dac_khu": 13}
EXPECTED_LEGACY = {"province": 63, "district": 696, "commune": 10035}
EXPECTED_ISLAND_DISTRICTS = 5
EXPECTED_WHOLE = 9569
EXPECTED_SPLITS = {2: 397, 3: 58, 4: 15, 5: 1}
EXPECTED_PROVINCE_GROUPS = {1: 11, 2: 17, 3: 6}


@dataclass(frozen=True)
class Unit:
    level: str
    code: str
    name: str
    short_name: str
    unit_type: str
    parent_code: str


@dataclass(frozen=True)
class CrosswalkRow:
    old_level: str
    old_code: str
    new_code: str
    is_split: int
    is_default: int


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def parse_name(raw: str, types: dict[str, str]) -> tuple[str, str, str]:
    """Split a full name into (canonical full name, short name, type slug).

    The source mixes "Thị Trấn"/"Thị trấn" and has one lower-case short name ("Xã é Tòng"),
    so the prefix is matched case-insensitively and rewritten, and the short name capitalised.
    """
    name = nfc(raw)
    for prefix, slug in types.items():
        if name.casefold().startswith(prefix.casefold() + " "):
            short = name[len(prefix) + 1 :]
            short = short[0].upper() + short[1:]
            full = f"{prefix} {short}"
            # A bare number ("1" for "Phường 1", "Quận 1") is not a usable short name.
            return full, full if short.isdigit() else short, slug
    raise ValueError(f"unknown unit type prefix in {raw!r}")


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --------------------------------------------------------------------------------------------
# build (vietnamadminunits venv)
# --------------------------------------------------------------------------------------------


class BuildChecks:
    """Collects failed expectations so one run reports all of them."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def expect(self, label: str, actual: object, expected: object) -> None:
        if actual == expected:
            print(f"  {label}: {actual}")
        else:
            print(f"  {label}: {actual} MISMATCH, expected {expected}")
            self.errors.append(f"{label}: got {actual}, expected {expected}")

    def require(self, label: str, problems: list) -> None:
        if problems:
            self.errors.append(f"{label}: {len(problems)} problem(s), e.g. {problems[:5]}")
            print(f"  {label}: FAILED {problems[:5]}")
        else:
            print(f"  {label}: ok")


@dataclass
class SourceIndex:
    """Maps the package's name slugs (its converter's keys) to GSO codes."""

    provinces: dict[str, str]  # provinceKey -> province code
    units: dict  # converter key -> code (new tree) or (level, code) (legacy tree)


def build_new_tree(rows: list[dict], notes: list[str]) -> tuple[list[Unit], SourceIndex]:
    provinces: dict[str, Unit] = {}
    communes: list[Unit] = []
    index = SourceIndex({}, {})
    for row in rows:
        province_code = row["provinceCode"]
        if province_code not in provinces:
            name, short, slug = parse_name(row["province"], PROVINCE_TYPES)
            provinces[province_code] = Unit("province", province_code, name, short, slug, "")
            index.provinces[row["provinceKey"]] = province_code
        name, short, slug = parse_name(row["ward"], COMMUNE_TYPES)
        # The name is what the NSO publishes; the wardType column disagrees with it for a few rows.
        if COMMUNE_TYPES[row["wardType"]] != slug:
            notes.append(f"2025 {row['wardCode']} {name}: wardType column says {row['wardType']}")
        communes.append(Unit("commune", row["wardCode"], name, short, slug, province_code))
        index.units[(row["provinceKey"], row["wardKey"])] = row["wardCode"]
    return list(provinces.values()) + communes, index


def build_legacy_tree(rows: list[dict], notes: list[str]) -> tuple[list[Unit], SourceIndex]:
    provinces: dict[str, Unit] = {}
    districts: dict[str, Unit] = {}
    communes: list[Unit] = []
    index = SourceIndex({}, {})
    for row in rows:
        province_code, district_code = row["provinceCode"], row["districtCode"]
        if province_code not in provinces:
            name, short, slug = parse_name(row["province"], PROVINCE_TYPES)
            provinces[province_code] = Unit("province", province_code, name, short, slug, "")
            index.provinces[row["provinceKey"]] = province_code
        if district_code not in districts:
            name, short, slug = parse_name(row["district"], DISTRICT_TYPES)
            if nfc(row["district"]) != name:
                notes.append(f"legacy {district_code} {row['district']!r} written as {name!r}")
            districts[district_code] = Unit(
                "district", district_code, name, short, slug, province_code
            )
        # Same key layout as the package's converter: province_district_ward, with the ward
        # part empty for the island districts that had no communes.
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if row["wardCode"] is None:
            index.units[key] = ("district", district_code)
            continue
        name, short, slug = parse_name(row["ward"], COMMUNE_TYPES)
        if COMMUNE_TYPES[row["wardType"]] != slug:
            notes.append(f"legacy {row['wardCode']} {name}: wardType column says {row['wardType']}")
        if nfc(row["ward"]) != name:
            notes.append(f"legacy {row['wardCode']} {row['ward']!r} written as {name!r}")
        communes.append(Unit("commune", row["wardCode"], name, short, slug, district_code))
        index.units[key] = ("commune", row["wardCode"])
    units = list(provinces.values()) + list(districts.values()) + communes
    return units, index


def build_crosswalk(
    converter: dict, old_index: SourceIndex, new_index: SourceIndex
) -> list[CrosswalkRow]:
    """Turn the package's name-keyed converter into code-keyed rows."""
    # (old level, old code) -> {new code: is default target}
    targets: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    sources: Counter = Counter()

    for province_key, new_wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_list in new_wards.items():
            for old_key in old_list:
                new_code = new_index.units[(province_key, ward_key)]
                targets[old_index.units[old_key]][new_code] = True
                sources[old_key] += 1

    for province_key, old_map in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, new_list in old_map.items():
            for target in new_list:
                new_code = new_index.units[(province_key, target["newWardKey"])]
                targets[old_index.units[old_key]][new_code] = bool(target["isDefaultNewWard"])
            sources[old_key] += 1

    duplicated = [key for key, count in sources.items() if count > 1]
    if duplicated:
        raise ValueError(f"old units listed more than once in the converter: {duplicated[:5]}")

    rows = []
    for (level, code), new_codes in targets.items():
        is_split = len(new_codes) > 1
        for new_code, is_default in new_codes.items():
            rows.append(
                CrosswalkRow(level, code, new_code, int(is_split), int(is_default or not is_split))
            )
    return sorted(rows, key=lambda r: (r.old_level, r.old_code, r.new_code))


def derive_province_crosswalk(
    crosswalk: list[CrosswalkRow], legacy: list[Unit], new: list[Unit]
) -> tuple[list[tuple[str, str]], list[str]]:
    """Old province -> new province, read off the commune crosswalk; returns (rows, anomalies)."""
    by_code_legacy = {(u.level, u.code): u for u in legacy}
    new_province_of = {u.code: u.parent_code for u in new if u.level == "commune"}
    pairs: dict[str, Counter] = defaultdict(Counter)
    for row in crosswalk:
        old_unit = by_code_legacy[(row.old_level, row.old_code)]
        if old_unit.level == "commune":
            old_unit = by_code_legacy[("district", old_unit.parent_code)]
        pairs[old_unit.parent_code][new_province_of[row.new_code]] += 1

    rows, anomalies = [], []
    for old_code, counts in sorted(pairs.items()):
        if len(counts) > 1:
            anomalies.append(f"old province {old_code} -> {dict(counts)}")
        rows.append((old_code, counts.most_common(1)[0][0]))
    return rows, anomalies


def run_build() -> int:
    from vietnamadminunits.database import get_data

    converter_file = resources.files("vietnamadminunits") / "data" / "converter_2025.json"
    converter = json.loads(converter_file.read_text(encoding="utf-8"))
    notes: list[str] = []
    new_units, new_index = build_new_tree(get_data(table="admin_units"), notes)
    legacy_units, old_index = build_legacy_tree(get_data(table="admin_units_legacy"), notes)
    crosswalk = build_crosswalk(converter, old_index, new_index)
    province_rows, province_anomalies = derive_province_crosswalk(
        crosswalk, legacy_units, new_units
    )

    checks = BuildChecks()
    print(f"vietnamadminunits {metadata.version('vietnamadminunits')}")
    print("2025 tree:")
    new_counts = Counter(u.level for u in new_units)
    new_types = Counter(u.unit_type for u in new_units if u.level == "commune")
    province_types = Counter(u.unit_type for u in new_units if u.level == "province")
    for label in ("province", "commune"):
        checks.expect(label, new_counts[label], EXPECTED_NEW[label])
    for label in ("xa", "phuong", "dac_khu"):
        checks.expect(f"commune {label}", new_types[label], EXPECTED_NEW[label])
    print(f"  province types (not checked): {dict(province_types)}")

    print("Legacy tree:")
    legacy_counts = Counter(u.level for u in legacy_units)
    for label in ("province", "district", "commune"):
        checks.expect(label, legacy_counts[label], EXPECTED_LEGACY[label])
    for level in ("district", "commune"):
        types = Counter(u.unit_type for u in legacy_units if u.level == level)
        print(f"  {level} types (not checked): {dict(types)}")

    print("Commune crosswalk:")
    targets_per_old = Counter((r.old_level, r.old_code) for r in crosswalk)
    old_levels = Counter(level for level, _ in targets_per_old)
    checks.expect("old communes mapped", old_levels["commune"], EXPECTED_LEGACY["commune"])
    checks.expect("island districts mapped", old_levels["district"], EXPECTED_ISLAND_DISTRICTS)
    split_sizes = Counter(n for n in targets_per_old.values() if n > 1)
    checks.expect("whole", sum(1 for n in targets_per_old.values() if n == 1), EXPECTED_WHOLE)
    checks.expect("split by target count", dict(sorted(split_sizes.items())), EXPECTED_SPLITS)
    defaults = Counter((r.old_level, r.old_code) for r in crosswalk if r.is_default)
    checks.require(
        "exactly one default per old unit",
        [key for key in targets_per_old if defaults[key] != 1],
    )
    reached = {r.new_code for r in crosswalk}
    checks.require(
        "every new commune has a source",
        [u.code for u in new_units if u.level == "commune" and u.code not in reached],
    )

    print("Province crosswalk:")
    checks.require("each old province maps to one new province", province_anomalies)
    checks.expect("rows", len(province_rows), EXPECTED_LEGACY["province"])
    group_sizes = Counter(Counter(new for _, new in province_rows).values())
    checks.expect("group sizes", dict(sorted(group_sizes.items())), EXPECTED_PROVINCE_GROUPS)
    # The package also ships its own province table (name-keyed); it must agree with ours.
    package_pairs = {
        (old_index.provinces[old_key], new_index.provinces[new_key])
        for new_key, old_list in converter["DICT_PROVINCE"].items()
        for old_key in old_list
    }
    checks.require(
        "agrees with the package's DICT_PROVINCE",
        sorted(package_pairs ^ set(province_rows)),
    )

    print("Integrity:")
    check_integrity(checks, new_units, legacy_units, crosswalk, province_rows)

    if notes:
        print(f"Source quirks handled ({len(notes)}):")
        for note in notes:
            print(f"  {note}")

    if checks.errors:
        print("\nBUILD FAILED, nothing written:", file=sys.stderr)
        for error in checks.errors:
            print(f"  {error}", file=sys.stderr)
        return 1

    FIXTURES_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(UNITS_NEW_CSV, UNIT_COLUMNS, sorted_units(new_units))
    write_csv(UNITS_LEGACY_CSV, UNIT_COLUMNS, sorted_units(legacy_units))
    write_csv(CROSSWALK_COMMUNES_CSV, CROSSWALK_COMMUNE_COLUMNS, [astuple(r) for r in crosswalk])
    write_csv(CROSSWALK_PROVINCES_CSV, CROSSWALK_PROVINCE_COLUMNS, province_rows)
    print(f"Wrote fixtures to {FIXTURES_DIR}")
    return 0


def sorted_units(units: list[Unit]) -> list[tuple]:
    # Codes of different levels overlap ("01" province vs "001" district), so order by level too.
    level_order = {"province": 0, "district": 1, "commune": 2}
    return [astuple(u) for u in sorted(units, key=lambda u: (level_order[u.level], u.code))]


def check_integrity(
    checks: BuildChecks,
    new_units: list[Unit],
    legacy_units: list[Unit],
    crosswalk: list[CrosswalkRow],
    province_rows: list[tuple[str, str]],
) -> None:
    for label, units in (("2025", new_units), ("legacy", legacy_units)):
        keys = Counter((u.level, u.code) for u in units)
        checks.require(f"{label}: no duplicate codes", [k for k, n in keys.items() if n > 1])
        parent_level = {"district": "province"}
        parent_level["commune"] = "district" if label == "legacy" else "province"
        checks.require(
            f"{label}: every parent_code exists",
            [
                u.code
                for u in units
                if (u.level == "province" and u.parent_code)
                or (u.level != "province" and (parent_level[u.level], u.parent_code) not in keys)
            ],
        )
        width = {"province": 2, "district": 3, "commune": 5}
        checks.require(
            f"{label}: code widths", [u.code for u in units if len(u.code) != width[u.level]]
        )
    legacy_keys = {(u.level, u.code) for u in legacy_units}
    new_communes = {u.code for u in new_units if u.level == "commune"}
    checks.require(
        "crosswalk codes exist in their trees",
        [
            astuple(r)
            for r in crosswalk
            if (r.old_level, r.old_code) not in legacy_keys or r.new_code not in new_communes
        ],
    )
    checks.require(
        "crosswalk has no duplicate pairs",
        [k for k, n in Counter((r.old_code, r.new_code) for r in crosswalk).items() if n > 1],
    )
    new_provinces = {u.code for u in new_units if u.level == "province"}
    checks.require(
        "province crosswalk codes exist",
        [
            row
            for row in province_rows
            if ("province", row[0]) not in legacy_keys or row[1] not in new_provinces
        ],
    )


# --------------------------------------------------------------------------------------------
# crosscheck (vietnam-provinces venv)
# --------------------------------------------------------------------------------------------

# Older orthography puts the tone on the first vowel of oa/oe/uy ("Hoà"); the NSO writes "Hòa".
OLD_STYLE_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip


def modern_tones(text: str) -> str:
    for old, new in OLD_STYLE_TONES.items():
        text = text.replace(old, new)
    return text


def difference_kind(ours: str, theirs: str) -> str:
    if ours.casefold() == theirs.casefold():
        return "case"
    if ours.replace("’", "'") == theirs.replace("’", "'"):
        return "apostrophe"
    if modern_tones(ours) == modern_tones(theirs):
        return "tone mark placement"
    return "other"


def md_table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def format_counts(counts: Counter) -> str:
    return ", ".join(f"{key}→{n}" for key, n in sorted(counts.items()))


def code_list(codes: set[str], names: dict[str, str]) -> str:
    return "; ".join(f"{code} {names.get(code, '?')}" for code in sorted(codes)) or "none"


class TheirData:
    """vietnam-provinces, re-keyed to our zero-padded string codes."""

    def __init__(self) -> None:
        from vietnam_provinces import Province, Ward, legacy
        from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW

        self.version = metadata.version("vietnam-provinces")
        self.provinces = {f"{p.code:02d}": p for p in Province.iter_all()}
        self.communes = {f"{w.code:05d}": w for w in Ward.iter_all()}
        self.legacy_provinces = {f"{p.code:02d}": p for p in legacy.Province.iter_all()}
        self.legacy_districts = {f"{d.code:03d}": d for d in legacy.District.iter_all()}
        self.legacy_communes = {f"{w.code:05d}": w for w in legacy.Ward.iter_all()}
        self.old_to_new = {
            f"{code:05d}": {f"{ref.code:05d}" for ref in entry.new_wards}
            for code, entry in OLD_TO_NEW.items()
        }
        # Province each conversion row claims its old commune was in: the Tiền Giang bug's cause.
        self.old_commune_province = {
            f"{code:05d}": f"{entry.old_ward.province_code:02d}"
            for code, entry in OLD_TO_NEW.items()
        }
        self.province_map = {
            old: {f"{hit.province.code:02d}" for hit in Province.search_from_legacy(code=int(old))}
            for old in self.legacy_provinces
        }


def run_crosscheck() -> int:
    theirs = TheirData()
    new = read_csv(UNITS_NEW_CSV)
    legacy = read_csv(UNITS_LEGACY_CSV)
    crosswalk = read_csv(CROSSWALK_COMMUNES_CSV)
    province_map = {row["old_code"]: row["new_code"] for row in read_csv(CROSSWALK_PROVINCES_CSV)}

    lines = [
        "# Cross-check of the administrative-unit fixtures",
        "",
        "Generated by `scripts/build_units_fixture.py crosscheck`: fixtures built from",
        "vietnamadminunits 1.0.4 (MIT) compared with "
        f"vietnam-provinces {theirs.version} (GPL, read only).",
        "",
    ]
    lines += report_counts(new, legacy, crosswalk, province_map)
    lines += report_new_tree(new, theirs)
    lines += report_legacy_tree(legacy, theirs)
    lines += report_crosswalk(new, legacy, crosswalk, theirs)
    lines += report_provinces(new, legacy, province_map, theirs)

    text = "\n".join(lines).rstrip() + "\n"
    CROSSCHECK_MD.write_text(text, encoding="utf-8", newline="\n")
    print(text)
    print(f"Wrote {CROSSCHECK_MD}")
    return 0


def report_counts(new, legacy, crosswalk, province_map) -> list[str]:
    lines = ["## Fixture counts", ""]
    rows = []
    for filename, units in (("units_2025.csv", new), ("units_legacy.csv", legacy)):
        counts = Counter((u["level"], u["unit_type"]) for u in units)
        for level in ("province", "district", "commune"):
            level_counts = {t: n for (lv, t), n in sorted(counts.items()) if lv == level}
            if level_counts:
                detail = ", ".join(f"{t} {n}" for t, n in level_counts.items())
                rows.append([filename, level, sum(level_counts.values()), detail])
    lines += md_table(["file", "level", "rows", "by unit_type"], rows)

    targets = Counter((r["old_level"], r["old_code"]) for r in crosswalk)
    by_level = Counter(level for level, _ in targets)
    splits = Counter(n for n in targets.values() if n > 1)
    groups = Counter(Counter(province_map.values()).values())
    lines += [
        f"- crosswalk_communes.csv: {len(crosswalk)} rows; {by_level['commune']} old communes"
        f" + {by_level['district']} island districts; {sum(splits.values())} split ("
        + ", ".join(f"{n} into {size}" for size, n in sorted(splits.items()))
        + f"), {sum(1 for n in targets.values() if n == 1)} whole.",
        f"- crosswalk_provinces.csv: {len(province_map)} rows; new provinces formed from "
        + ", ".join(f"{size} old: {n}" for size, n in sorted(groups.items()))
        + ".",
        "",
    ]
    return lines


def report_new_tree(new, theirs: TheirData) -> list[str]:
    lines = ["## 2025 tree", ""]
    ours = {u["code"]: u for u in new if u["level"] == "commune"}
    our_provinces = {u["code"]: u for u in new if u["level"] == "province"}
    lines.append(
        f"- Provinces: ours {len(our_provinces)}, theirs {len(theirs.provinces)}, codes shared "
        f"{len(our_provinces.keys() & theirs.provinces.keys())}."
    )
    lines.append(
        f"- Communes: ours {len(ours)}, theirs {len(theirs.communes)}, codes shared "
        f"{len(ours.keys() & theirs.communes.keys())}; only ours: "
        f"{code_list(ours.keys() - theirs.communes.keys(), {})}; only theirs: "
        f"{code_list(theirs.communes.keys() - ours.keys(), {})}."
    )
    their_types = Counter(str(w.division_type) for w in theirs.communes.values())
    lines.append(f"- Their commune types: {dict(sorted(their_types.items()))}.")
    lines.append("")

    type_rows = [
        [code, u["name"], u["unit_type"], theirs.provinces[code].name,
         theirs.provinces[code].division_type]
        for code, u in sorted(our_provinces.items())
        if code in theirs.provinces
        and (u["unit_type"] == "thanh_pho")
        != (str(theirs.provinces[code].division_type) == "thành phố trung ương")
    ]  # fmt: skip
    lines.append(f"Province type differs ({len(type_rows)}):")
    lines.append("")
    lines += md_table(["code", "ours", "our type", "theirs", "their type"], type_rows)

    # Province codes (2 digits) and commune codes (5 digits) cannot collide.
    their_units = theirs.provinces | theirs.communes
    type_differs = {row[0] for row in type_rows}
    name_rows = []
    for code, unit in sorted((our_provinces | ours).items()):
        if code not in their_units or code in type_differs:
            continue
        their_name = nfc(their_units[code].name)
        if unit["name"] != their_name:
            kind = difference_kind(unit["name"], their_name)
            name_rows.append([code, unit["name"], their_name, kind])
    lines.append(f"Name spelled differently (same code, {len(name_rows)}):")
    lines.append("")
    lines += md_table(["code", "ours", "theirs", "kind"], name_rows)
    return lines


def report_legacy_tree(legacy, theirs: TheirData) -> list[str]:
    lines = ["## Legacy tree", ""]
    ours = {lv: {u["code"]: u for u in legacy if u["level"] == lv} for lv in EXPECTED_LEGACY}
    their_sets = {
        "province": theirs.legacy_provinces,
        "district": theirs.legacy_districts,
        "commune": theirs.legacy_communes,
    }
    rows = []
    for level, their in their_sets.items():
        shared = ours[level].keys() & their.keys()
        renamed = Counter(
            difference_kind(ours[level][c]["name"], nfc(their[c].name))
            for c in shared
            if ours[level][c]["name"] != nfc(their[c].name)
        )
        rows.append([
            level, len(ours[level]), len(their), len(shared),
            len(ours[level].keys() - their.keys()), len(their.keys() - ours[level].keys()),
            ", ".join(f"{k} {n}" for k, n in sorted(renamed.items())) or "none",
        ])  # fmt: skip
    lines += md_table(
        ["level", "ours", "theirs", "shared", "only ours", "only theirs", "names differ"], rows
    )
    our_names = {c: u["name"] for c, u in ours["commune"].items()}
    their_names = {c: nfc(w.name) for c, w in theirs.legacy_communes.items()}
    only_ours = ours["commune"].keys() - theirs.legacy_communes.keys()
    only_theirs = theirs.legacy_communes.keys() - ours["commune"].keys()
    lines += [
        f"- Communes only in ours ({len(only_ours)}): {code_list(only_ours, our_names)}.",
        f"- Communes only in theirs ({len(only_theirs)}): {code_list(only_theirs, their_names)}.",
        "",
    ]
    return lines


def report_crosswalk(new, legacy, crosswalk, theirs: TheirData) -> list[str]:
    lines = ["## Commune crosswalk", ""]
    new_names = {u["code"]: u["name"] for u in new if u["level"] == "commune"}
    old_names = {u["code"]: u["name"] for u in legacy if u["level"] == "commune"}
    old_names |= {c: nfc(w.name) for c, w in theirs.legacy_communes.items() if c not in old_names}

    ours: dict[str, set[str]] = defaultdict(set)
    our_default: dict[str, str] = {}
    for row in crosswalk:
        if row["old_level"] == "commune":
            ours[row["old_code"]].add(row["new_code"])
            if row["is_default"] == "1":
                our_default[row["old_code"]] = row["new_code"]
    shared = ours.keys() & theirs.old_to_new.keys()
    differing = sorted(c for c in shared if ours[c] != theirs.old_to_new[c])

    def describe(codes: set[str], default: str = "") -> str:
        return "; ".join(
            f"{c} {new_names.get(c, '?')}" + (" (default)" if c == default else "")
            for c in sorted(codes)
        )

    their_sizes = Counter(len(v) for v in theirs.old_to_new.values())
    our_sizes = Counter(len(v) for v in ours.values())
    lines += [
        f"- Old communes mapped: ours {len(ours)}, theirs {len(theirs.old_to_new)}; "
        f"shared {len(shared)}; identical target sets {len(shared) - len(differing)}; "
        f"different {len(differing)}.",
        f"- Targets per old commune, ours: {format_counts(our_sizes)}; "
        f"theirs: {format_counts(their_sizes)}.",
    ]
    only_ours = ours.keys() - theirs.old_to_new.keys()
    only_theirs = theirs.old_to_new.keys() - ours.keys()
    neither = old_names.keys() - ours.keys() - theirs.old_to_new.keys()

    # vietnamadminunits keys its converter by names, so an extra target of ours that also
    # receives a same-named old commune points to a name mix-up rather than a real split.
    our_sources: dict[str, set[str]] = defaultdict(set)
    for old_code, new_codes in ours.items():
        for new_code in new_codes:
            our_sources[new_code].add(old_code)

    def has_namesake_extra(code: str) -> bool:
        return any(
            other != code and old_names.get(other) == old_names[code]
            for extra in ours[code] - theirs.old_to_new[code]
            for other in our_sources[extra]
        )

    namesake = {code for code in differing if has_namesake_extra(code)}
    default_only = {c for c in differing if theirs.old_to_new[c] == {our_default.get(c)}}
    default_outside = {c for c in differing if our_default.get(c) not in theirs.old_to_new[c]}
    lines += [
        f"- Mapped only by ours ({len(only_ours)}): {code_list(only_ours, old_names)}.",
        f"- Mapped only by theirs ({len(only_theirs)}): {code_list(only_theirs, old_names)}.",
        f"- Old communes (in either legacy tree) that neither maps ({len(neither)}): "
        f"{code_list(neither, old_names)}.",
        f"- Of the {len(differing)} differing: theirs is exactly our default target for "
        f"{len(default_only)}; our default is not among theirs for "
        f"{code_list(default_outside, old_names)}.",
        f"- For {len(namesake)} of them an extra target of ours also receives a same-named old "
        "commune: likely a name-key mix-up in vietnamadminunits, so `is_split=1` there is suspect.",
        "",
        f"Old communes whose target sets differ ({len(differing)}; ours marks the default):",
        "",
    ]
    rows = [
        [
            code,
            old_names.get(code, "?"),
            describe(ours[code], our_default.get(code, "")),
            describe(theirs.old_to_new[code]),
            "yes" if code in namesake else "",
        ]
        for code in differing
    ]
    lines += md_table(["old code", "old name", "ours", "theirs", "namesake"], rows)
    return lines


def report_provinces(new, legacy, province_map, theirs: TheirData) -> list[str]:
    lines = ["## Province crosswalk", ""]
    names = {("new", u["code"]): u["short_name"] for u in new if u["level"] == "province"}
    names |= {("old", u["code"]): u["short_name"] for u in legacy if u["level"] == "province"}
    differing = [
        [old, names[("old", old)], f"{new} {names[('new', new)]}",
         ", ".join(f"{c} {names[('new', c)]}" for c in sorted(theirs.province_map.get(old, ())))]
        for old, new in sorted(province_map.items())
        if theirs.province_map.get(old) != {new}
    ]  # fmt: skip
    their_groups: dict[str, set[str]] = defaultdict(set)
    for old, targets in theirs.province_map.items():
        for target in targets:
            their_groups[target].add(old)
    lines.append(
        "- Group sizes (old provinces per new one), ours: "
        + format_counts(Counter(Counter(province_map.values()).values()))
        + "; theirs: "
        + format_counts(Counter(len(group) for group in their_groups.values()))
        + "."
    )
    tien_giang_ok = province_map.get("82") == "82"
    lines.append(
        f"- Tiền Giang (old 82): ours → {province_map.get('82')} "
        f"{names.get(('new', province_map.get('82', '')), '?')} only: "
        f"{'yes' if tien_giang_ok else 'NO'}; theirs → "
        f"{', '.join(sorted(theirs.province_map.get('82', ())))}."
    )
    # Where their conversion rows label an old commune with a province other than its real one.
    district_province = {u["code"]: u["parent_code"] for u in legacy if u["level"] == "district"}
    commune_province = {
        u["code"]: district_province[u["parent_code"]] for u in legacy if u["level"] == "commune"
    }
    mislabelled = [
        f"{code} (in province {commune_province[code]}, labelled {label})"
        for code, label in sorted(theirs.old_commune_province.items())
        if code in commune_province and commune_province[code] != label
    ]
    lines.append(
        f"- Their conversion rows with a wrong old-province label ({len(mislabelled)}): "
        + ("; ".join(mislabelled) or "none")
        + "."
    )
    lines += ["", f"Old provinces mapped differently ({len(differing)}):", ""]
    lines += md_table(["old code", "old name", "ours", "theirs"], differing)
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["build", "crosscheck"])
    args = parser.parse_args()
    return run_build() if args.mode == "build" else run_crosscheck()


if __name__ == "__main__":
    sys.exit(main())
