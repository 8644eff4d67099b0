"""Statistical reports computed from the register: /api/v1/reports/{form}?ou=…&pe=…"""

from django.http import HttpResponse
from ninja import Router
from ninja.errors import HttpError

from danso.accounts.scope import get_visible_unit_or_404
from danso.statistics.export import report_csv
from danso.statistics.forms import FORMS
from danso.statistics.periods import Period, PeriodError
from danso.statistics.report import as_json, build

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
    return as_json(report)
