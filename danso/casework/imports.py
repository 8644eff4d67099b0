"""Importing an existing list (CSV or XLSX) into a registry: all or nothing, every bad row
reported with its line, column, code and message. Rows go through the same forms as the
pages and the API; the file is read by exchange.tables like every other import."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from danso.exchange.tables import TableError, read_table

from . import forms
from .models import CRITERIA_CODES

# Registry → (form, required columns). Children may carry their sponsor on the same row.
IMPORTS = {
    "child": (forms.ChildForm, ["place", "birth_date", "sex", "orphaned", "cause"]),
    "case": (forms.CaseForm, ["place", "opened_on", "form", "detected_by"]),
    "address": (forms.AddressForm, ["place", "name", "host_kind", "host_name",
                                    "established_on", "project"]),
    "household": (forms.AssessmentForm, ["place", "year", "head_name"]),
}  # fmt: skip
SPONSOR_COLUMNS = {"sponsor_kind": "kind", "sponsor_name": "name", "sponsor_phone": "phone"}
SPONSORSHIP_COLUMNS = {"sponsorship_kind": "kind", "start": "start",
                       "monthly_amount": "monthly_amount", "in_kind": "in_kind"}  # fmt: skip
TRUE = {"1", "x", "có", "co", "yes", "true", "đạt", "dat"}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict] = field(default_factory=list)


def _row_errors(line, form, prefix=""):
    return [{"row": line, **e, "field": prefix + e["field"]} for e in forms.errors_of(form)]


def import_table(user, registry: str, file_name: str, data: bytes) -> ImportResult:
    result = ImportResult()
    form_class, required = IMPORTS[registry]
    try:
        header, rows = read_table(file_name, data)
    except TableError as err:
        result.errors.append({"row": 0, "field": "", "code": "unreadable", "message": str(err)})
        return result
    missing = [c for c in required if c not in header]
    if missing:
        result.errors.append({"row": 1, "field": "", "code": "missing_columns",
                              "message": _("Missing columns: %(cols)s.")
                              % {"cols": ", ".join(missing)}})  # fmt: skip
        return result
    if not rows:
        result.errors.append({"row": 2, "field": "", "code": "empty",
                              "message": _("The file has no rows.")})  # fmt: skip
        return result
    with transaction.atomic():
        for line, row in rows:
            if registry == "household":
                row = {**row, **{c: "on" for c in CRITERIA_CODES
                                 if (row.get(c) or "").strip().lower() in TRUE}}  # fmt: skip
                row = {k: v for k, v in row.items()
                       if k not in CRITERIA_CODES or v == "on"}  # fmt: skip
            if registry in ("child", "case") and not row.get("naming"):
                row = {**row, "naming": "pseudonymous"}  # a code only, unless said otherwise
            form = form_class(row, user=user)
            if not form.is_valid():
                result.errors += _row_errors(line, form)
                continue
            record = form.save()
            result.created += 1
            if registry == "child" and row.get("sponsor_name"):
                result.errors += _sponsor_row(user, line, row, record)
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
    return result


def _sponsor_row(user, line, row, child) -> list[dict]:
    data = {v: row.get(k, "") for k, v in SPONSOR_COLUMNS.items()}
    sponsor = forms.SponsorForm({**data, "place": row["place"]}, user=user)
    if not sponsor.is_valid():
        return _row_errors(line, sponsor, "sponsor_")
    found = sponsor.save()
    data = {v: row.get(k, "") for k, v in SPONSORSHIP_COLUMNS.items()}
    data["monthly_amount"] = data["monthly_amount"] or "0"  # in kind only
    sponsorship = forms.SponsorshipForm({**data, "sponsor": found.pk}, user=user, child=child)
    if not sponsorship.is_valid():
        return _row_errors(line, sponsorship, "sponsorship_")
    sponsorship.save()
    return []


TEMPLATES = {
    "child": "place,naming,full_name,birth_date,sex,orphaned,cause,circumstances,consent_date,"
    "consent_by,purpose,sponsor_kind,sponsor_name,sponsor_phone,sponsorship_kind,"
    "start,monthly_amount,in_kind\n",
    "case": "place,opened_on,naming,full_name,birth_year,is_girl,form,detected_by,description,"
    "consent_date,consent_by,purpose\n",
    "address": "place,name,host_kind,host_name,phone,hours,capacity,established_on,project\n",
    "household": "place,year,head_name," + ",".join(CRITERIA_CODES) + "\n",
}
