"""Tracker-to-aggregate: the figures of the circular's forms (statistics/forms.py), computed from
the register when asked (no batch job), as DHIS2 aggregate data: one data set per form, one data
element per figure, and a completeDataSetRegistration when the report has been approved.

- Data set: the form's code (01-DSH, 02-DSX…), uid `uid_for("formDataSet", code)`.
- Data element: `DS_` + the figure's code in capitals (DS_BIRTHS, DS_RESIDENTS…), shared by
  every form that shows the figure, as DHIS2 shares an element between data sets; uid
  `uid_for("formDataElement", code)`; default disaggregation; flows aggregate by SUM, stocks
  (on the period's last day) by LAST. Indicator rows (rates) are not exported as values: they
  are numerator ÷ denominator of these elements and DHIS2 computes them.
- Values: the unit's own column of the report. An approved report gives the figures it was
  approved with (its frozen submission, cycle.py), so that the partner receives what was
  signed, and carries its completeDataSetRegistration (date of approval, approver); any other
  period is computed live from the register.

`form_metadata()` declares the data sets (assigned to the current provinces for 01-DSH, to the
communes for the DSX forms) and elements in the metadata export with `forms`
(`export_metadata(forms=True)`, `GET /api/v1/metadata?forms=true`, `danso export metadata
--forms`), so a DHIS2 instance, or another danso, configured from that file takes these values.
"""

import json

from django.utils.translation import gettext as _

from danso.accounts.scope import visible_units
from danso.orgunits.models import OrgUnit, UnitType
from danso.statistics.definitions import ELEMENTS, INDICATOR_BY_CODE, StockElement
from danso.statistics.forms import FORMS, ReportForm, WrongPeriodType, check_period
from danso.statistics.models import Submission
from danso.statistics.periods import Period, PeriodError
from danso.uids import uid_for

from .dhis2_export import ExportError
from .dhis2_formats import write_adx, write_csv, write_json
from .dhis2_import import ID_SCHEMES
from .dhis2_metadata import DHIS2_PERIOD_TYPES, ref

REGISTER_STORED_BY = "danso:register"  # ":" is not allowed in a username: no one is so
ELEMENT_PREFIX = "DS_"
DEFAULT_COC_UID = "HllvX50cXC0"  # DHIS2's default category option combo


def element_code(figure: str) -> str:
    return ELEMENT_PREFIX + figure.upper()


def element_uid(figure: str) -> str:
    return uid_for("formDataElement", figure)


def data_set_uid(form_code: str) -> str:
    return uid_for("formDataSet", form_code)


def figures_of(form: ReportForm) -> list[str]:
    """The form's rows that are figures (not rates), in the form's order, each once."""
    seen = []
    for row in form.rows:
        if row.code not in INDICATOR_BY_CODE and row.code not in seen:
            seen.append(row.code)
    return seen


# The unit types that report each kind of form: the province's 01-DSH, the commune's DSX forms.
PROVINCE_TYPES = [UnitType.PROVINCE, UnitType.CITY]
COMMUNE_TYPES = [UnitType.COMMUNE, UnitType.WARD, UnitType.TOWNSHIP, UnitType.SPECIAL_ZONE]


def reporting_types(form: ReportForm) -> list[str]:
    return [str(t) for t in (COMMUNE_TYPES if form.code.endswith("DSX") else PROVINCE_TYPES)]


def form_metadata(default_combo_uid: str) -> dict[str, list[dict]]:
    """dataElements and dataSets for the forms, shaped as dhis2_metadata's."""
    elements, data_sets = {}, []
    for form in FORMS.values():
        for figure in figures_of(form):
            if figure in elements:
                continue
            element = ELEMENTS[figure]
            elements[figure] = {
                "id": element_uid(figure), "code": element_code(figure),
                "name": f"{element.name} (sổ A0)"[:230], "shortName": element_code(figure)[:50],
                "description": "Tính từ Sổ A0 (danso), theo biểu của Thông tư 01/2022/TT-BYT",
                "valueType": "INTEGER_ZERO_OR_POSITIVE",
                "aggregationType": "LAST" if isinstance(element, StockElement) else "SUM",
                "domainType": "AGGREGATE", "zeroIsSignificant": True,
                "categoryCombo": ref(default_combo_uid),
                "danso": {"unit": element.unit, "sensitive": False, "feedKinds": [],
                          "feedMeasure": "", "feedService": "", "registerFigure": figure},
            }  # fmt: skip
        data_sets.append({
            "id": data_set_uid(form.code), "code": form.code, "name": form.title,
            "shortName": form.title[:50], "description": form.level_note,
            "periodType": DHIS2_PERIOD_TYPES[form.period_types[0]],
            "categoryCombo": ref(default_combo_uid),
            "dataSetElements": [{"dataElement": ref(element_uid(f))} for f in figures_of(form)],
            "organisationUnits": [ref(uid) for uid in sorted(
                OrgUnit.objects.filter(unit_type__in=reporting_types(form), valid_to__isnull=True)
                .values_list("uid", flat=True))],
            "danso": {"unitTypes": reporting_types(form), "sensitive": False,
                      "deadlineWorkingDays": form.deadline_working_days, "units": [],
                      "sections": [], "registerForm": form.code},
        })  # fmt: skip
    return {"dataElements": list(elements.values()), "dataSets": data_sets}


def approved_submission(form_code: str, unit: OrgUnit, period: Period) -> Submission | None:
    latest = (Submission.objects.filter(form_code=form_code, unit=unit, period=period.id)
              .select_related("reviewed_by").order_by("-version").first())  # fmt: skip
    if latest is not None and latest.status == Submission.Status.APPROVED:
        return latest
    return None


def _number(value) -> str:
    if value is None:
        return ""
    if float(value) == int(value):
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


class FormExport:
    """One form's figures for a unit and period, and its registration if approved."""

    def __init__(self, user, form_code: str, unit_uid: str, period_id: str,
                 id_scheme: str = "code"):  # fmt: skip
        self.form = FORMS.get(form_code)
        if self.form is None:
            raise ExportError(_("Unknown identifiers: %(ids)s.") % {"ids": form_code})
        if id_scheme not in ID_SCHEMES:
            raise ExportError(_("Unknown identifiers: %(ids)s.") % {"ids": id_scheme})
        try:
            self.period = Period.parse(period_id)
            check_period(self.form, self.period)
        except (WrongPeriodType, PeriodError) as err:
            raise ExportError(str(err)) from err
        units = visible_units(user) if user is not None else OrgUnit.objects.all()
        self.unit = units.filter(uid=unit_uid).first()
        if self.unit is None:
            raise ExportError(_("No org unit %(id)s in your area.") % {"id": unit_uid})
        self.uid = id_scheme == "uid"
        self.approved = approved_submission(self.form.code, self.unit, self.period)
        self.values = self._approved_values() if self.approved else self._computed_values()

    def _approved_values(self) -> dict[str, float]:
        frozen = self.approved.values
        column = next((i for i, c in enumerate(frozen.get("columns", []))
                       if c.get("uid") == self.unit.uid), 0)  # fmt: skip
        return {row["code"]: row["values"][column] for row in frozen.get("rows", [])
                if row["code"] not in INDICATOR_BY_CODE}  # fmt: skip

    def _computed_values(self) -> dict[str, float]:
        from danso.statistics.report import build

        report = build(self.form, self.unit, self.period)
        column = next(i for i, c in enumerate(report.columns) if c.uid == self.unit.uid)
        return {row.code: cells[column].value for row, _unit, cells in report.rows
                if row.code not in INDICATOR_BY_CODE}  # fmt: skip

    @property
    def data_set_id(self) -> str:
        return data_set_uid(self.form.code) if self.uid else self.form.code

    def records(self) -> list:
        from .dhis2_formats import Record

        coc = DEFAULT_COC_UID if self.uid else "default"
        return [
            Record(data_set=self.data_set_id,
                   data_element=element_uid(f) if self.uid else element_code(f),
                   period=self.period.id, org_unit=self.unit.uid, category_option_combo=coc,
                   value=_number(self.values.get(f, 0)), stored_by=REGISTER_STORED_BY)
            for f in figures_of(self.form) if self.values.get(f) is not None
        ]  # fmt: skip

    def registrations(self) -> list[dict]:
        if self.approved is None:
            return []
        when = self.approved.reviewed_at or self.approved.submitted_at
        return [{
            "dataSet": self.data_set_id, "period": self.period.id,
            "organisationUnit": self.unit.uid, "attributeOptionCombo": (
                DEFAULT_COC_UID if self.uid else "default"),
            "completed": True, "date": when.date().isoformat() if when else None,
            "storedBy": self.approved.reviewed_by.username if self.approved.reviewed_by else "",
        }]  # fmt: skip

    def write(self, fmt: str) -> bytes:
        records = self.records()
        if fmt == "csv":
            return write_csv(records)  # DHIS2's CSV has no registrations
        if fmt == "adx":
            complete = {}
            for r in self.registrations():
                complete[(r["dataSet"], r["organisationUnit"], r["period"])] = r["date"]
            return write_adx(records, complete=complete)
        document = json.loads(write_json(records, self.data_set_id))
        document.update(period=self.period.id, orgUnit=self.unit.uid)
        registrations = self.registrations()
        if registrations:
            document["completeDate"] = registrations[0]["date"]
            document["completeDataSetRegistrations"] = registrations
        return json.dumps(document, ensure_ascii=False, indent=1).encode()


def export_form(user, form_code: str, unit_uid: str, period_id: str, fmt: str = "json",
                id_scheme: str = "code") -> bytes:  # fmt: skip
    """The form's figures as a dataValueSet (JSON, CSV) or ADX message; ExportError when the
    form, period or unit is not one the user may ask for."""
    return FormExport(user, form_code, unit_uid, period_id, id_scheme).write(fmt)
