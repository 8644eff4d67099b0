"""Statistical reports computed from the register: /api/v1/reports/{form}?ou=…&pe=…"""

from django.http import HttpResponse
from ninja import Router
from ninja.errors import HttpError

from danso.accounts.scope import get_visible_unit_or_404
from danso.statistics.export import report_csv
from danso.statistics.forms import FORMS
from danso.statistics.periods import Period, PeriodError
from danso.statistics.report import build, label_of

router = Router(tags=["reports"])


def make_report(user, form_code: str, ou: str, pe: str):
    form = FORMS.get(form_code)
    if form is None:
        raise HttpError(404, f"Unknown form; known: {', '.join(FORMS)}")
    # Visible units lie wholly in the user's area (legacy ones too, see accounts.scope).
    unit = get_visible_unit_or_404(user, ou)
    try:
        period = Period.parse(pe)
    except PeriodError as err:
        raise HttpError(422, str(err)) from err
    return build(form, unit, period)


@router.get("/reports/{form_code}", response=dict)
def get_report(request, form_code: str, ou: str, pe: str, format: str = "json"):
    """A form for an org unit (`ou`, e.g. P66, C24211, LD646) and a DHIS2 period (`pe`:
    202406, 2024Q2, 2024S1, 2024). `format=csv` returns CSV. Every figure is computed from the
    accepted changes in the register at the moment of the request (`as_of`)."""
    report = make_report(request.auth, form_code, ou, pe)
    if format == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{form_code}-{ou}-{pe}.csv"'
        return response
    return {
        "form": report.form.code,
        "title": report.form.title,
        "provisional": report.form.provisional,
        "ou": report.figures.unit.uid,
        "pe": report.figures.period.id,
        "as_of": report.figures.as_of.isoformat(),
        "columns": [{"uid": c.uid, "name": c.name} for c in report.columns],
        "rows": [
            {
                "number": row.number,
                "code": row.code,
                "label": label_of(row),
                "unit": unit,
                "provisional": row.provisional,
                "values": [c.value for c in cells],
                "numerators": [c.numerator for c in cells],
                "denominators": [c.denominator for c in cells],
            }
            for row, unit, cells in report.rows
        ],
        "warnings": [w.__dict__ for w in report.warnings],
    }
