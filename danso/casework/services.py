"""Union units, exports and erasure of the casework registries."""

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _

from danso.orgunits.models import Level, OrgUnit, UnitType
from danso.orgunits.services import UnitError, create_organisation

from . import access
from .models import (
    Child,
    DVCase,
    Erasure,
    SensitiveExport,
    Sponsor,
    Tier,
    TrustedAddress,
    UnionBranch,
)

TIER_OF_LEVEL = {Level.NATION: Tier.CENTRAL, Level.PROVINCE: Tier.PROVINCE,
                 Level.COMMUNE: Tier.COMMUNE}  # fmt: skip


@transaction.atomic
def create_union_unit(parent: OrgUnit, *, code: str, name: str, village: OrgUnit | None = None,
                      user=None) -> OrgUnit:  # fmt: skip
    """A union unit attached to the nation, a province or a commune (a partner unit of type
    "hoi_lhpn"); a village cell (chi hội) hangs under its commune and names its village."""
    if village is not None and village.parent_id != parent.pk:
        raise UnitError("invalid_village", _("The village is not in this commune."), "village")
    unit = create_organisation(parent, code=code, name=name, unit_type=UnitType.WOMENS_UNION,
                               user=user)  # fmt: skip
    tier = Tier.CELL if village is not None else TIER_OF_LEVEL.get(parent.level, Tier.COMMUNE)
    UnionBranch.objects.create(unit=unit, tier=tier, village=village)
    return unit


def ensure_union_unit(parent: OrgUnit, code: str, name: str) -> OrgUnit:
    found = parent.children.filter(code=code, unit_type=UnitType.WOMENS_UNION).first()
    if found:
        UnionBranch.objects.get_or_create(
            unit=found, defaults={"tier": TIER_OF_LEVEL.get(parent.level, Tier.COMMUNE)}
        )
        return found
    return create_union_unit(parent, code=code, name=name)


# Exports ----------------------------------------------------------------------------------

EXPORTS = {
    "children": (Child, ["code", "full_name", "birth_date", "sex", "orphaned", "cause",
                         "commune", "village", "naming", "sponsored"]),
    "cases": (DVCase, ["code", "full_name", "birth_year", "opened_on", "form", "detected_by",
                       "commune", "village", "naming", "supported", "services", "closed_on",
                       "outcome"]),
    "addresses": (TrustedAddress, ["code", "name", "host_kind", "host_name", "phone",
                                   "capacity", "established_on", "project", "commune",
                                   "village", "closed_on"]),
    "sponsors": (Sponsor, ["code", "kind", "name", "phone", "commune"]),
}  # fmt: skip
# Columns holding a name or a contact: blank unless the names option is chosen (and audited).
PERSONAL = {"full_name", "host_name", "phone", "name"}


def _cell(record, column):
    if column in ("commune", "village"):
        unit = getattr(record, column)
        return unit.name if unit else ""
    if column == "sponsored":
        return "x" if record.sponsorships.exists() else ""
    if column == "supported":
        return "x" if record.supported else ""
    if column == "services":
        return " ".join(s.service for s in record.services.all())
    value = getattr(record, column)
    return value.isoformat() if hasattr(value, "isoformat") else ("" if value is None else value)


def export_csv(user, registry: str, with_names: bool = False) -> tuple[str, int]:
    """The records the user reads, pseudonymised (codes only) unless `with_names`; names
    appear only where the person consented to being recorded by name. Every export is
    recorded (SensitiveExport, audited), with the option chosen."""
    model, columns = EXPORTS[registry]
    rows = access.readable(user, model.objects.select_related("commune", "village"))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    n = 0
    for record in rows:
        named = with_names and getattr(record, "naming", "named") == "named"
        writer.writerow(["" if (c in PERSONAL and not named) else _cell(record, c)
                         for c in columns])  # fmt: skip
        n += 1
    home = access.union_units(user).order_by("path").first()
    SensitiveExport.objects.create(user=user, registry=registry, with_names=with_names, rows=n,
                                   ou_path=home.path if home else "")  # fmt: skip
    return out.getvalue(), n


# Erasure on request -----------------------------------------------------------------------


@transaction.atomic
def erase(user, kind: str, record, reason: str) -> Erasure:
    """Delete a record on the person's request (Decree 13/2023/ND-CP, art. 16), keeping only
    that a record was erased, when and why. Counts of past periods lose it too."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise access.BreakGlassRefused(_("State the reason for the erasure."))
    if not access.can_write(user, record.ou_path):
        raise access.BreakGlassRefused(_("You may not erase this record."))
    erasure = Erasure.objects.create(
        registry=kind,
        record_code=record.code,
        ou_path=record.branch_path,
        reason=reason[:300],
        by=user,
    )
    if kind == "child":
        for sponsorship in record.sponsorships.all():
            sponsorship.delete()
    record.delete()
    return erasure
