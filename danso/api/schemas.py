from datetime import date

from ninja import Schema, Status

from danso.limits import text
from danso.orgunits.models import OrgUnit

from .errors import ErrorItem, ErrorsOut  # noqa: F401


class OrgUnitOut(Schema):
    uid: str
    code: str
    name: str
    short_name: str
    level: str
    unit_type: str
    parent: str | None
    path: str
    valid_from: date | None
    valid_to: date | None
    legacy_commune: str | None = None

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.path.strip("/").split("/")[-2] if obj.parent_id else None

    @staticmethod
    def resolve_legacy_commune(obj) -> str | None:
        return obj.legacy_commune.uid if obj.legacy_commune_id else None


class SuccessionOut(Schema):
    old: OrgUnitOut
    new: OrgUnitOut
    is_split: bool
    is_default: bool


class UnitIn(Schema):
    code: text(OrgUnit, "code")
    name: text(OrgUnit, "name")
    unit_type: str
    legacy_commune: str = ""
    address: text(OrgUnit, "address") = ""


ErrorOut = ErrorsOut  # the one error shape (danso/api/errors.py)


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    org_units: list[OrgUnitOut]
    can_access_sensitive: bool


class ReportColumnOut(Schema):
    uid: str
    name: str
    short_name: str


class ReportRowOut(Schema):
    number: str
    code: str
    label: str
    unit: str
    indent: int
    provisional: bool
    # One entry per column. A rate's numerator and denominator are the counts it divides
    # (before × factor and annualising); TFR's numerator is the sum of its annualised
    # age-specific rates and its denominator null; plain counts have both null.
    values: list[int | float | None]
    numerators: list[int | float | None]
    denominators: list[int | float | None]
    # Why an indicator should be read with caution (too few events or people behind it), or
    # null: one entry per column.
    cautions: list[str | None]


class ReportWarningOut(Schema):
    column: str
    code: str
    message: str


class ReportOut(Schema):
    form: str
    title: str
    provisional: bool
    ou: str
    pe: str
    as_of: str
    columns: list[ReportColumnOut]
    rows: list[ReportRowOut]
    warnings: list[ReportWarningOut]
    # A derived local report (the six-month summary of a quarterly form) and its note.
    derived: bool = False
    note: str = ""


class StaleOut(Schema):
    """409 `stale_version`: someone saved since the caller read the object. `current` is the
    object as it stands now, with its version (send it as If-Match to overwrite knowingly)."""

    detail: str
    code: str
    current_version: int | str | None = None
    current: dict | None = None


def stale_answer(err, current: dict | None = None, version: str | None = None):
    """The 409 of a StaleEdit, with the object as it stands (`version`: its tag, when the
    version is one of several rows)."""
    return Status(409, {"detail": err.message, "code": err.code,
                        "current_version": version or err.current_version,
                        "current": current})  # fmt: skip
