"""Creating units below a commune: villages one at a time or from a CSV file.

Both the web forms and the API call these functions, so the rules (who may create, which codes
are valid, what an import rejects) are written once. Errors carry a machine-readable code and a
Vietnamese message.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import GROUP_OF_TYPE, VILLAGE_TYPES, Level, OrgUnit, UnitSuccession


@dataclass
class UnitError(Exception):
    code: str
    message: str
    field: str = ""
    row: int | None = None

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


def _clean_code(code: str) -> str:
    code = (code or "").strip()
    if not code:
        raise UnitError("required", _("The code is required."), "code")
    if len(code) > 20 or not all(ch.isalnum() or ch in "-_." for ch in code):
        raise UnitError(
            "invalid_code",
            _("The code may only hold letters, digits, '-', '_' or '.', at most 20."),
            "code",
        )
    return code


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise UnitError("required", _("The name is required."), "name")
    if len(name) > 200:
        raise UnitError("too_long", _("The name is longer than 200 characters."), "name")
    return name


def _clean_address(address: str) -> str:
    address = " ".join((address or "").split())
    if len(address) > 300:
        raise UnitError("too_long", _("The address is longer than 300 characters."), "address")
    return address


def legacy_communes_for(commune: OrgUnit):
    """The pre-2025 communes that went (wholly or partly) into a current commune."""
    old_ids = UnitSuccession.objects.filter(new=commune, old__level=Level.COMMUNE).values("old")
    return OrgUnit.objects.filter(pk__in=old_ids).order_by("name")


def _resolve_legacy(commune: OrgUnit, legacy_code: str) -> OrgUnit:
    candidates = list(legacy_communes_for(commune))
    legacy_code = (legacy_code or "").strip()
    if not legacy_code:
        if len(candidates) == 1:
            return candidates[0]
        raise UnitError(
            "legacy_commune_required",
            _(
                "This commune was formed from several old communes: say which one the village "
                "belonged to before 1 July 2025."
            ),
            "legacy_commune",
        )
    for old in candidates:
        if legacy_code in (old.code, old.uid):
            return old
    raise UnitError(
        "legacy_commune_not_predecessor",
        _("Old commune %(code)s is not one of the communes merged into %(name)s.")
        % {"code": legacy_code, "name": commune.name},
        "legacy_commune",
    )


def create_village(
    commune: OrgUnit,
    *,
    code: str,
    name: str,
    unit_type: str,
    legacy_commune: str = "",
    user=None,
) -> OrgUnit:
    if commune.level != Level.COMMUNE or commune.is_legacy:
        raise UnitError(
            "not_a_commune", _("Villages are created under a current commune."), "parent"
        )
    if unit_type not in VILLAGE_TYPES:
        raise UnitError("invalid_unit_type", _("Unknown village type."), "unit_type")
    code, name = _clean_code(code), _clean_name(name)
    _check_code_free(commune, code)
    legacy = _resolve_legacy(commune, legacy_commune)
    return _save_child(commune, Level.VILLAGE, code, name, unit_type, user, legacy_commune=legacy)


def create_organisation(
    parent: OrgUnit, *, code: str, name: str, unit_type: str, address: str = "", user=None
) -> OrgUnit:
    if unit_type not in GROUP_OF_TYPE:
        raise UnitError("invalid_unit_type", _("Unknown organisation type."), "unit_type")
    if parent.level in (Level.VILLAGE, Level.ORGANISATION) or parent.is_legacy:
        raise UnitError(
            "invalid_parent",
            _(
                "An organisation is attached to the nation, a current province or a current "
                "commune."
            ),
            "parent",
        )
    code, name = _clean_code(code), _clean_name(name)
    _check_code_free(parent, code)
    address = _clean_address(address)
    return _save_child(parent, Level.ORGANISATION, code, name, unit_type, user, address=address)


def _check_code_free(parent: OrgUnit, code: str) -> None:
    if OrgUnit.objects.filter(uid=f"{parent.uid}-{code}").exists():
        raise UnitError(
            "duplicate_code",
            _("Code %(code)s is already used in %(parent)s.")
            % {"code": code, "parent": parent.name},
            "code",
        )


def _save_child(parent, level, code, name, unit_type, user, **extra) -> OrgUnit:
    """Save a checked child unit; its uid is the parent's uid and its code."""
    unit = OrgUnit(
        uid=f"{parent.uid}-{code}",
        code=code,
        name=name,
        short_name=name,
        level=level,
        unit_type=unit_type,
        parent=parent,
        valid_from=parent.valid_from,
        created_by=user,
        **extra,
    )
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError as exc:  # a concurrent request took the code
        raise UnitError("duplicate_code", _("This code is already used."), "code") from exc
    return unit


VILLAGE_CSV_COLUMNS = ["code", "name", "unit_type", "legacy_commune"]
VILLAGE_CSV_TEMPLATE = (
    "code,name,unit_type,legacy_commune\n01,Thôn 1,thon,\n02,Tổ dân phố 2,to_dan_pho,\n"
)


@dataclass
class ImportResult:
    created: list[OrgUnit] = field(default_factory=list)
    errors: list[UnitError] = field(default_factory=list)


def import_villages(commune: OrgUnit, data: bytes, user=None) -> ImportResult:
    """All-or-nothing import: every row is checked, and if any is wrong nothing is created and
    every rejected row is reported with its column and reason."""
    result = ImportResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(
            UnitError("encoding", _("The file is not UTF-8 encoded text (CSV)."), "", 0)
        )
        return result
    from danso.exchange.tables import check_cells, wide_csv_fields

    # A field over Python's csv limit (128 KiB) is read, then refused as its row's problem.
    with wide_csv_fields(text):
        reader = csv.DictReader(io.StringIO(text))
        fieldnames = reader.fieldnames or []
        rows = list(enumerate(reader, start=2))
    missing = [c for c in ("code", "name", "unit_type") if c not in fieldnames]
    if missing:
        result.errors.append(
            UnitError(
                "missing_columns",
                _("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)},
                "",
                1,
            )
        )
        return result
    seen: dict[str, int] = {}
    columns = {"code": (OrgUnit, "code"), "name": (OrgUnit, "name")}
    with transaction.atomic():
        for line, row in rows:
            if cells := check_cells(row, columns):
                result.errors += [UnitError(code, message, column, line)
                                  for column, code, message in cells]  # fmt: skip
                continue
            code = (row.get("code") or "").strip()
            if code in seen:
                result.errors.append(
                    UnitError(
                        "duplicate_in_file",
                        _("Code %(code)s also appears on row %(row)s.")
                        % {"code": code, "row": seen[code]},
                        "code",
                        line,
                    )
                )
                continue
            seen[code] = line
            try:
                result.created.append(
                    create_village(
                        commune,
                        code=code,
                        name=row.get("name", ""),
                        unit_type=(row.get("unit_type") or "").strip(),
                        legacy_commune=row.get("legacy_commune", ""),
                        user=user,
                    )
                )
            except UnitError as err:
                err.row = line
                result.errors.append(err)
        if result.errors:
            transaction.set_rollback(True)
            result.created = []
    return result
