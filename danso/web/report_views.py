"""The report page: choose a form, a unit and a period; see, print or export it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from danso.accounts.scope import get_visible_unit_or_404, home_unit
from danso.statistics.export import report_xlsx
from danso.statistics.forms import FORMS
from danso.statistics.periods import Period, PeriodError
from danso.statistics.report import build, label_of


@login_required
def report_page(request):
    form_code = request.GET.get("bieu", "01-DSH")
    form = FORMS.get(form_code)
    if form is None:
        raise Http404
    home = home_unit(request.user)
    uid = request.GET.get("dv") or (home.uid if home else "")
    period_id = request.GET.get("ky", "")
    context = {"forms": FORMS.values(), "form": form, "uid": uid, "period_id": period_id}
    if uid and period_id:
        unit = get_visible_unit_or_404(request.user, uid)
        try:
            period = Period.parse(period_id)
        except PeriodError as err:
            context["error"] = str(err)
        else:
            report = build(form, unit, period)
            if request.GET.get("xuat") == "xlsx":
                response = HttpResponse(
                    report_xlsx(report),
                    content_type="application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                )
                name = f"{form.code}-{unit.uid}-{period.id}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            context["report"] = report
            context["lines"] = [(row, label_of(row), unit_label, cells)
                                for row, unit_label, cells in report.rows]  # fmt: skip
    template = "statistics/print.html" if request.GET.get("in") else "statistics/report.html"
    return render(request, template, context)
