"""Statistical reports computed from the register: /api/v1/reports/{form}?ou=…&pe=…"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from danso.accounts.scope import get_visible_unit_or_404
from danso.analysis.six_month import DERIVED_NOTE, six_month_summary
from danso.statistics.export import report_csv
from danso.statistics.forms import FORMS, WrongPeriodType
from danso.statistics.periods import Period, PeriodError
from danso.statistics.report import as_json, build

from .schemas import ErrorOut, ReportOut

router = Router(tags=["reports"])


def _wrong_period(err: WrongPeriodType) -> Status:
    """400 for a period of a kind the form is not made for (e.g. 02-DSX for a month)."""
    message = str(err)
    return Status(
        400, {"detail": message, "errors": [{"field": "pe", "code": err.code, "message": message}]}
    )


def make_report(user, form_code: str, ou: str, pe: str):
    form = FORMS.get(form_code)
    if form is None:
        raise HttpError(404, _("Unknown form; known: %(forms)s") % {"forms": ", ".join(FORMS)})
    # Visible units lie wholly in the user's area (legacy ones too, see accounts.scope).
    unit = get_visible_unit_or_404(user, ou)
    try:
        period = Period.parse(pe)
    except PeriodError as err:
        raise HttpError(422, str(err)) from err
    # A quarterly form for S1/S2: the six-month summary, a derived local report (as on the
    # report page), never submitted through the reporting cycle.
    return build(six_month_summary(form, period) or form, unit, period)


def report_json(report) -> dict:
    """as_json with the mark of a derived report (the six-month summary of a quarterly form)."""
    derived = DERIVED_NOTE in report.form.notes
    return {**as_json(report), "derived": derived, "note": DERIVED_NOTE if derived else ""}


@router.get("/reports/{form_code}", response={200: ReportOut, 400: ErrorOut})
def get_report(request, form_code: str, ou: str, pe: str, format: str = "json"):
    """A form for an org unit (`ou`, e.g. P66, C24211, LD646) and a DHIS2 period (`pe`:
    202406, 2024Q2, 2024S1, 2024) of a kind the form is made for (else 400,
    `wrong_period_type`). A quarterly form (01-DSH, 02-DSX) asked for a half-year (`2025S1`,
    `2025S2`) gives its six-month summary (sơ kết 6 tháng): `derived` is true and `note` says
    it is a local report summed up from the quarters, not a form of the circular.
    `format=csv` returns CSV (a derived one with the header
    `X-Danso-Derived-Report: six-month-summary`). Every figure is computed from the accepted
    changes in the register at the moment of the request (`as_of`)."""
    try:
        report = make_report(request.auth, form_code, ou, pe)
    except WrongPeriodType as err:
        return _wrong_period(err)
    if format == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{form_code}-{ou}-{pe}.csv"'
        if DERIVED_NOTE in report.form.notes:  # the table has no title: the header marks it
            response["X-Danso-Derived-Report"] = "six-month-summary"
        return response
    return report_json(report)


@router.get("/lists", response={200: dict, 400: ErrorOut})
def get_name_list(request, form: str, ou: str, pe: str):
    """A health facility's name list (`form`: 01-DS/CSYT, 02-DS/CSYT, 03-DS/CSYT) for an org
    unit and a DHIS2 period of a kind the list is made for (else 400, `wrong_period_type`):
    the columns and one row per accepted service case."""
    from danso.statistics.lists import LISTS, list_rows

    chosen = LISTS.get(form)
    if chosen is None:
        raise HttpError(404, _("Unknown list; known: %(forms)s") % {"forms": ", ".join(LISTS)})
    unit = get_visible_unit_or_404(request.auth, ou)
    try:
        period = Period.parse(pe)
    except PeriodError as err:
        raise HttpError(422, str(err)) from err
    try:
        rows = list_rows(chosen, unit, period)
    except WrongPeriodType as err:
        return _wrong_period(err)
    return {
        "form": chosen.code, "title": chosen.title, "provisional": chosen.provisional,
        "ou": unit.uid, "pe": period.id, "columns": [c.header for c in chosen.columns],
        "rows": rows,
    }  # fmt: skip
