"""Org-unit groups and group sets, kept by national administrators: saved from the editing page
(members as uids), imported from CSV (all or nothing, every bad row reported) and seeded for
the demo. The analysis uses them as `OU_GROUP-code` units and group sets as a dimension."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from danso.concurrency import claim
from danso.uids import uid_for

from .models import Level, OrgUnit, OrgUnitGroup, OrgUnitGroupSet

CODE = re.compile(r"^[A-Z0-9_]{1,50}$")
CSV_COLUMNS = ["group_code", "group_name", "unit", "group_set", "group_set_name"]
CSV_TEMPLATE = (
    ",".join(CSV_COLUMNS) + "\n"
    "DTTS,Vùng đồng bào dân tộc thiểu số,C24211,VUNG,Vùng\n"
    "DTTS,Vùng đồng bào dân tộc thiểu số,LC24214,VUNG,Vùng\n"
)


@dataclass
class GroupProblem:
    row: int  # 0 for the form or the whole file
    field: str
    code: str
    message: str


@dataclass
class ImportResult:
    problems: list[GroupProblem] = field(default_factory=list)
    groups: int = 0
    members: int = 0


def units_by_uid(text: str) -> tuple[list[OrgUnit], list[str]]:
    """The units a list of uids names (separated by spaces, commas or lines), and the uids
    that name none. Villages and organisations are not grouped: groups are of areas."""
    uids = [u for u in re.split(r"[\s,;]+", text.strip()) if u]
    found = {u.uid: u for u in OrgUnit.objects.filter(uid__in=uids).exclude(level=Level.VILLAGE)}
    return list({uid: found[uid] for uid in uids if uid in found}.values()), [
        uid for uid in uids if uid not in found
    ]


def check_code(code: str) -> str | None:
    if not CODE.match(code or ""):
        return _("A code is 1 to 50 capital letters, digits or underscores, e.g. DTTS_MN.")
    return None


@transaction.atomic
def save_group(
    group: OrgUnitGroup | None,
    *,
    code: str,
    name: str,
    short_name: str = "",
    description: str = "",
    members_text: str = "",
    expected_version: int | None = None,
) -> tuple[OrgUnitGroup | None, list]:
    """Create or change a group with its members (uids); nothing is saved if anything is wrong
    (a stale version raises StaleEdit)."""
    problems = []
    code, name = code.strip().upper(), name.strip()
    if message := check_code(code):
        problems.append(GroupProblem(0, "code", "invalid_code", message))
    elif OrgUnitGroup.objects.filter(code=code).exclude(pk=getattr(group, "pk", None)).exists():
        problems.append(
            GroupProblem(
                0, "code", "code_taken", _("Another group has the code %(code)s.") % {"code": code}
            )
        )
    if not name:
        problems.append(GroupProblem(0, "name", "required", _("This field is required.")))
    members, unknown = units_by_uid(members_text)
    if unknown:
        problems.append(GroupProblem(0, "members", "unknown_unit",
                                     _("No such org unit (or a village): %(uids)s.")
                                     % {"uids": ", ".join(unknown)}))  # fmt: skip
    if problems:
        return None, problems
    if group is None:
        group = OrgUnitGroup(uid=uid_for("organisationUnitGroup", code))
    else:
        claim(group, expected_version)
    group.code, group.name, group.short_name, group.description = (
        code, name, short_name.strip(), description.strip(),
    )  # fmt: skip
    group.save()
    group.members.set(members)
    problems = exclusive_conflicts(group.group_sets.filter(exclusive=True))
    if problems:
        transaction.set_rollback(True)
        return None, problems
    return group, []


def exclusive_conflicts(group_sets) -> list[GroupProblem]:
    """Units that are in two groups of an exclusive set (which then could not be a dimension:
    the unit would be counted twice)."""
    problems = []
    for group_set in group_sets:
        twice = (
            OrgUnit.objects.filter(unit_groups__group_sets=group_set)
            .annotate(n=Count("unit_groups", distinct=True))
            .filter(n__gt=1)
        )
        twice = [u for u in twice if u.unit_groups.filter(group_sets=group_set).count() > 1]
        if twice:
            names = ", ".join(f"{u.name} ({u.uid})" for u in twice[:10])
            problems.append(GroupProblem(0, "groups", "not_exclusive",
                _("In the exclusive set %(set)s a unit may be in one group only: %(units)s.")
                % {"set": group_set.name, "units": names}))  # fmt: skip
    return problems


@transaction.atomic
def save_group_set(group_set: OrgUnitGroupSet | None, *, code: str, name: str,
                   description: str = "", exclusive: bool = True, groups=(),
                   expected_version: int | None = None):  # fmt: skip
    problems = []
    code, name = code.strip().upper(), name.strip()
    if message := check_code(code):
        problems.append(GroupProblem(0, "code", "invalid_code", message))
    elif (OrgUnitGroupSet.objects.filter(code=code)
          .exclude(pk=getattr(group_set, "pk", None)).exists()):  # fmt: skip
        problems.append(
            GroupProblem(
                0, "code", "code_taken", _("Another set has the code %(code)s.") % {"code": code}
            )
        )
    if code in ("DX", "PE", "OU"):
        problems.append(
            GroupProblem(
                0, "code", "invalid_code", _("dx, pe and ou name the analysis's own dimensions.")
            )
        )
    if not name:
        problems.append(GroupProblem(0, "name", "required", _("This field is required.")))
    if problems:
        return None, problems
    if group_set is None:
        group_set = OrgUnitGroupSet(uid=uid_for("organisationUnitGroupSet", code))
    else:
        claim(group_set, expected_version)
    group_set.code, group_set.name, group_set.description = code, name, description.strip()
    group_set.exclusive = exclusive
    group_set.save()
    group_set.groups.set(groups)
    problems = exclusive_conflicts([group_set]) if exclusive else []
    if problems:
        transaction.set_rollback(True)
        return None, problems
    return group_set, []


def import_csv(data: bytes, replace: bool = False) -> ImportResult:
    """Groups and their members from CSV (columns: group_code, group_name, unit, and optionally
    group_set, group_set_name): groups and sets are created when new, units added to them (the
    groups named replace their members with `replace`). All or nothing: if any row is wrong,
    nothing changes and every wrong row is reported."""
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(
            GroupProblem(0, "", "encoding", _("The file is not UTF-8 encoded text (CSV)."))
        )
        return result
    from danso.exchange.tables import check_cells, wide_csv_fields

    # A field over Python's csv limit (128 KiB) is read, then refused as its row's problem.
    with wide_csv_fields(text):
        reader = csv.DictReader(io.StringIO(text))
        fieldnames = reader.fieldnames or []
        rows = list(enumerate(reader, start=2))
    missing = [c for c in CSV_COLUMNS[:3] if c not in fieldnames]
    if missing:
        result.problems.append(GroupProblem(1, "", "missing_columns",
            _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}))  # fmt: skip
        return result
    columns = {"group_code": (OrgUnitGroup, "code"), "group_name": (OrgUnitGroup, "name"),
               "group_set": (OrgUnitGroupSet, "code"),
               "group_set_name": (OrgUnitGroupSet, "name")}  # fmt: skip
    too_long = [GroupProblem(line, column, code, message) for line, row in rows
                for column, code, message in check_cells(row, columns)]  # fmt: skip
    if too_long:
        result.problems += too_long
        return result
    uids = {(r.get("unit") or "").strip() for _n, r in rows}
    units = {u.uid: u for u in OrgUnit.objects.filter(uid__in=uids).exclude(level=Level.VILLAGE)}
    existing = {g.code: g for g in OrgUnitGroup.objects.all()}
    seen: dict[tuple[str, str], int] = {}
    plan: dict[str, dict] = {}
    for line, row in rows:
        code = (row.get("group_code") or "").strip().upper()
        uid = (row.get("unit") or "").strip()
        set_code = (row.get("group_set") or "").strip().upper()
        problems = []
        if message := check_code(code):
            problems.append(GroupProblem(line, "group_code", "invalid_code", message))
        if uid not in units:
            problems.append(
                GroupProblem(
                    line,
                    "unit",
                    "unknown_unit",
                    _("No such org unit (or a village): %(uids)s.") % {"uids": uid or "—"},
                )
            )
        if code and code not in existing and code not in plan and not row.get("group_name"):
            problems.append(GroupProblem(line, "group_name", "required",
                                         _("A new group needs its name.")))  # fmt: skip
        if set_code and (message := check_code(set_code)):
            problems.append(GroupProblem(line, "group_set", "invalid_code", message))
        if (code, uid) in seen:
            problems.append(
                GroupProblem(
                    line,
                    "unit",
                    "duplicate_in_file",
                    _("The same group and unit are on row %(row)s.") % {"row": seen[(code, uid)]},
                )
            )
        if problems:
            result.problems += problems
            continue
        seen[(code, uid)] = line
        entry = plan.setdefault(code, {"name": "", "units": [], "sets": {}})
        entry["name"] = entry["name"] or (row.get("group_name") or "").strip()
        entry["units"].append(units[uid])
        if set_code:
            entry["sets"][set_code] = (row.get("group_set_name") or "").strip() or set_code
    if result.problems:
        return result
    with transaction.atomic():
        for code, entry in plan.items():
            group = existing.get(code) or OrgUnitGroup(
                uid=uid_for("organisationUnitGroup", code), code=code
            )
            if entry["name"]:
                group.name = entry["name"]
            if group.pk:
                group.version += 1
            group.save()
            if replace:
                group.members.set(entry["units"])
            else:
                group.members.add(*entry["units"])
            for set_code, set_name in entry["sets"].items():
                group_set, _new = OrgUnitGroupSet.objects.get_or_create(
                    code=set_code,
                    defaults={"uid": uid_for("organisationUnitGroupSet", set_code),
                              "name": set_name},
                )  # fmt: skip
                group_set.groups.add(group)
            result.groups += 1
            result.members += len(entry["units"])
        sets = OrgUnitGroupSet.objects.filter(exclusive=True, groups__code__in=list(plan))
        conflicts = exclusive_conflicts(sets.distinct())
        if conflicts:
            transaction.set_rollback(True)
            result.problems, result.groups, result.members = conflicts, 0, 0
    return result


# The demo's groups in Đắk Lắk. Illustrative only: the official lists (ethnic-minority and
# mountainous areas, communes with special difficulties) are decided by the Prime Minister and
# the Ethnic Committee and are to be imported from their CSV; these are picked by the Ê Đê,
# M'nông and J'rai words of the communes' names, and the urban/rural set by the unit type.
ETHNIC_WORDS = ("Ea ", "Buôn", "Cư ", "Krông", "Dliê", "M'", "Yang", "Đắk", "Ia ")
DEMO_GROUPS = {
    "DTTS": ("Vùng đồng bào dân tộc thiểu số (minh họa)", "Vùng DTTS"),
    "XA_KHO_KHAN": ("Xã đặc biệt khó khăn, vùng sâu vùng xa (minh họa)", "Xã ĐBKK"),
    "THANH_THI": ("Thành thị (phường)", "Thành thị"),
    "NONG_THON": ("Nông thôn (xã, đặc khu)", "Nông thôn"),
}


@transaction.atomic
def create_demo_groups(province: OrgUnit) -> None:
    """Groups of the province's communes for the demo (idempotent)."""
    groups = {}
    for code, (name, short) in DEMO_GROUPS.items():
        groups[code], _new = OrgUnitGroup.objects.get_or_create(
            code=code, defaults={"uid": uid_for("organisationUnitGroup", code), "name": name,
                                 "short_name": short,
                                 "description": "Dữ liệu minh họa của bản demo."},
        )  # fmt: skip
    communes = list(OrgUnit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code"))
    ethnic = [c for c in communes if any(w in c.name for w in ETHNIC_WORDS)]
    groups["DTTS"].members.add(*ethnic)
    groups["XA_KHO_KHAN"].members.add(*ethnic[::3])
    groups["THANH_THI"].members.add(*[c for c in communes if c.unit_type == "phuong"])
    groups["NONG_THON"].members.add(*[c for c in communes if c.unit_type != "phuong"])
    for code, name, members, exclusive in [
        ("KHU_VUC", "Khu vực thành thị / nông thôn", ["THANH_THI", "NONG_THON"], True),
        ("VUNG_DAC_THU", "Vùng đặc thù", ["DTTS", "XA_KHO_KHAN"], False),
    ]:
        group_set, _new = OrgUnitGroupSet.objects.get_or_create(
            code=code, defaults={"uid": uid_for("organisationUnitGroupSet", code), "name": name,
                                 "exclusive": exclusive},
        )  # fmt: skip
        group_set.groups.add(*[groups[m] for m in members])


def chosen_group(request) -> dict:
    """The group a page's list is narrowed to (`?nhom=CODE`), with the choices for its select:
    completeness, progress and the dashboard's ranking list only the group's units."""
    code = request.GET.get("nhom", "")
    group = OrgUnitGroup.objects.filter(code=code).first() if code else None
    members = set(group.members.values_list("pk", flat=True)) if group else None
    return {"unit_groups": OrgUnitGroup.objects.order_by("name"), "unit_group": group,
            "in_group": (lambda unit: members is None or unit.pk in members)}  # fmt: skip
