"""The report page: choose a form, a unit and a period; see, print or export it."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso import heartbeat
from danso.accounts.scope import (
    can_approve_report,
    can_open,
    can_submit_report,
    get_visible_unit_or_404,
    home_unit,
    scoped,
)
from danso.analysis.periods import same_period_last_year
from danso.analysis.six_month import six_month_summary
from danso.analysis.year_over_year import compare
from danso.orgunits.groups import chosen_group
from danso.programmes.entry import data_sets_for
from danso.statistics import cycle, jobs, precompute
from danso.statistics.compute import child_columns
from danso.statistics.export import report_xlsx
from danso.statistics.forms import FORMS, check_period
from danso.statistics.lists import LISTS, list_rows, list_xlsx
from danso.statistics.models import ReportJob, Submission
from danso.statistics.periods import Period, PeriodError
from danso.statistics.report import build, built, kept, label_of, readiness

from .wide import screen_table


@login_required
def report_page(request):
    form_code = request.GET.get("bieu", "01-DSH")
    form = FORMS.get(form_code)
    if form is None:
        raise Http404
    home = home_unit(request.user)
    uid = request.GET.get("dv") or (home.uid if home else "")
    period_id = request.GET.get("ky", "")
    context = {"forms": FORMS.values(), "form": form, "uid": uid, "period_id": period_id,
               "name_lists": LISTS.values()}  # fmt: skip
    if uid and period_id:
        unit = get_visible_unit_or_404(request.user, uid)
        try:
            period = Period.parse(period_id)
            # A quarterly form for S1/S2: the derived six-month summary, outside the cycle.
            derived = six_month_summary(form, period)
            form = derived or form
            check_period(form, period)
        except PeriodError as err:
            context["error"] = str(err)
        else:
            export = request.GET.get("xuat") == "xlsx"
            report = kept(form, unit, period)  # added up before, nothing changed since
            ready = readiness(unit, period) if report is None else None
            big = ready is not None and ready.missing_villages > jobs.BACKGROUND_VILLAGES
            if big and not export and not derived and precompute.counts_soon(period):
                # The keeper is counting this quarter for every province: wait for it.
                return _pending(request, unit, ready, f"{form.code} – {period.label}")
            if request.headers.get("HX-Request") and not big:  # a waiting page's poll
                return HttpResponse(headers={"HX-Refresh": "true"})
            if not export and not derived and big:
                job = ReportJob.objects.create(
                    form_code=form.code,
                    unit=unit,
                    ou_path=unit.path,
                    period=period.id,
                    created_by=request.user,
                )
                jobs.run_report.enqueue(job.pk)
                return redirect("report_job", pk=job.pk)
            report = report or built(form, unit, period)
            if export:
                response = HttpResponse(
                    report_xlsx(report),
                    content_type="application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                )
                name = f"{form.code}-{unit.uid}-{period.id}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            context["report"] = report
            if request.GET.get("cungky"):  # beside the same period of the year before
                before = same_period_last_year(period)
                context["previous_year"] = {
                    "period": before, "rows": compare(report, build(form, unit, before)),
                }  # fmt: skip
            context["lines"] = [(row, label_of(row), unit_label, cells)
                                for row, unit_label, cells in report.rows]  # fmt: skip
            context["derived"] = bool(derived)
            turned = request.GET.get("xoay") == "1"
            context.update(screen_table(report, context["lines"], request.GET.get("cot", ""),
                                        turned))  # fmt: skip
            if not derived:
                context.update(_cycle_context(request.user, form, unit, period))
            if context.get("can_submit") and unit.level == "commune":
                context["preparation"] = cycle.preparation_warnings(form, unit, period)
    template = "statistics/print.html" if request.GET.get("in") else "statistics/report.html"
    return render(request, template, context)


def _cycle_context(user, form, unit, period) -> dict:
    """The submissions of a form (or name list) for a unit and period, and what the user may
    do with them."""
    submissions = Submission.objects.filter(
        form_code=form.code, unit=unit, period=period.id
    ).order_by("-version")
    context = {
        "submissions": submissions,
        "can_submit": can_submit_report(user, unit),
        "can_approve": can_approve_report(user, unit),
        "deadline": cycle.deadline(form, period),
        # Completeness of the level above when the user may open it, else of this unit.
        "parent_uid": unit.parent.uid if unit.parent_id and can_open(user, unit.parent) else "",
    }
    if any(s.status == Submission.Status.APPROVED for s in submissions):
        context["late_changes"] = cycle.changes_after_approval(unit, period)
    return context


def _page_of(form, uid, period_id) -> str:
    """Where a form's figures for a unit and period are seen."""
    if hasattr(form, "entry_url"):  # a data set: its entry form
        return form.entry_url(uid, period_id)
    page = "name_list" if form.code in LISTS else "report"
    return f"{reverse(page)}?{urlencode({'bieu': form.code, 'dv': uid, 'ky': period_id})}"


def _back(form_code, uid, period_id):
    return redirect(_page_of(cycle.form_of(form_code), uid, period_id))


@login_required
@require_POST
def report_submit(request):
    form_code, uid, period_id = (request.POST.get(k, "") for k in ("bieu", "dv", "ky"))
    unit = get_visible_unit_or_404(request.user, uid)
    form = cycle.form_of(form_code)
    if form is None:
        raise Http404
    # Data sets are submitted by whoever enters them (partner staff too).
    may = form.can_submit if hasattr(form, "can_submit") else can_submit_report
    if not may(request.user, unit):
        raise PermissionDenied
    try:
        submission = cycle.submit(form_code, unit, Period.parse(period_id), request.user)
        messages.success(request, _("Submitted as version %(v)s.") % {"v": submission.version})
    except (cycle.CycleError, PeriodError) as err:
        messages.error(request, getattr(err, "message", str(err)))
    return _back(form_code, uid, period_id)


@login_required
@require_POST
def report_review(request, pk):
    submission = get_object_or_404(scoped(request.user, Submission.objects.all()), pk=pk)
    form = cycle.form_of(submission.form_code)
    hidden = getattr(form, "sensitive", False) and not request.user.can_access_sensitive
    if hidden or not can_approve_report(request.user, submission.unit):
        raise PermissionDenied
    try:
        if request.POST.get("action") == "approve":
            cycle.approve(submission, request.user)
            messages.success(request, _("Approved; the period is now locked."))
        else:
            cycle.send_back(submission, request.user, request.POST.get("comment", ""))
            messages.success(request, _("Returned to the unit."))
    except cycle.CycleError as err:
        messages.error(request, err.message)
    return _back(submission.form_code, submission.unit.uid, submission.period)


@login_required
def completeness(request):
    form_code = request.GET.get("bieu", "01-DSH")
    form = cycle.form_of(form_code)
    if form is None or (
        getattr(form, "sensitive", False) and not request.user.can_access_sensitive
    ):
        raise Http404
    home = home_unit(request.user)
    unit = get_visible_unit_or_404(request.user, request.GET.get("dv") or home.uid)
    period_id = request.GET.get("ky", "")
    forms = [*FORMS.values(), *LISTS.values(), *data_sets_for(request.user)]
    context = {"forms": forms, "form": form, "unit": unit, "period_id": period_id}
    context.update(chosen_group(request))  # ?nhom=: only the units of an org-unit group
    if period_id:
        try:
            period = Period.parse(period_id)
            check_period(form, period)
        except PeriodError as err:
            context["error"] = str(err)
        else:
            units = getattr(form, "reporting_units", child_columns)(unit)
            units = [u for u in units if context["in_group"](u)]
            if hasattr(form, "completeness"):  # a data set: also how many cells are filled
                rows = form.completeness(units, period)
            else:
                rows = cycle.completeness(form_code, unit, period, units)
            for row in rows:
                row["link"] = _page_of(form, row["unit"].uid, period.id)
            context.update(rows=rows, period=period, due=cycle.deadline(form, period))
    return render(request, "statistics/completeness.html", context)


@login_required
def dashboard(request):
    from django.utils import timezone

    from danso.analysis.views import pinned_for
    from danso.statistics.dashboard import board

    home = home_unit(request.user)
    if home is None:
        raise Http404
    unit = get_visible_unit_or_404(request.user, request.GET.get("dv") or home.uid)
    figures = board(unit, timezone.localdate())
    if figures.pending:  # counted in the background: say so, the page refreshes itself
        return _pending(request, unit, figures.pending, _("Dashboard"))
    if request.headers.get("HX-Request"):  # a waiting page's poll: the figures are ready
        return HttpResponse(headers={"HX-Refresh": "true"})
    group = chosen_group(request)  # ?nhom=: rank only the units of an org-unit group
    ranked = [r for r in figures.ranking if group["in_group"](r["unit"])]
    return render(request, "statistics/dashboard.html", {
        "unit": unit, "quarter": figures.quarters[-1], "series": figures.series,
        "ranking": ranked, "pinned": pinned_for(request.user), **group,
    })  # fmt: skip


def _pending(request, unit, ready, title: str):
    """ "Đang tính…": the unit's counts are being computed in the background; the page asks
    again every few seconds (htmx) and reloads itself when they are ready."""
    context = {"unit": unit, "ready": ready, "title": title}
    template = (
        "statistics/_pending.html" if request.headers.get("HX-Request")
        else "statistics/pending.html"
    )  # fmt: skip
    return render(request, template, context)


@login_required
def name_list(request):
    """The health facilities' name lists (01-, 02-, 03-DS/CSYT), on screen and in Excel."""
    chosen = LISTS.get(request.GET.get("bieu", "03-DS/CSYT"))
    if chosen is None:
        raise Http404
    home = home_unit(request.user)
    unit = get_visible_unit_or_404(request.user, request.GET.get("dv") or home.uid)
    period_id = request.GET.get("ky", "")
    context = {"unit": unit, "period_id": period_id, "list": chosen, "lists": LISTS.values()}
    if period_id:
        try:
            period = Period.parse(period_id)
            check_period(chosen, period)
        except PeriodError as err:
            context["error"] = str(err)
        else:
            rows = list_rows(chosen, unit, period)
            if request.GET.get("xuat") == "xlsx":
                response = HttpResponse(
                    list_xlsx(chosen, unit, period, rows),
                    content_type="application/vnd.openxmlformats-officedocument"
                    ".spreadsheetml.sheet",
                )
                name = f"{chosen.code.replace('/', '-')}-{unit.uid}-{period.id}.xlsx"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
            context.update(rows=rows, period=period, form=chosen, uid=unit.uid)
            context.update(_cycle_context(request.user, chosen, unit, period))
    return render(request, "statistics/name_list.html", context)


def _cautions(row: dict) -> list:
    """A kept job's cautions (jobs kept before cautions existed have none)."""
    return row.get("cautions") or [None] * len(row["values"])


@login_required
def report_job(request, pk):
    """A background report: a progress bar while it runs, then the table."""
    from django.core.cache import cache

    job = get_object_or_404(
        scoped(request.user, ReportJob.objects.filter(created_by=request.user)), pk=pk
    )
    heartbeat.check(job)
    running = job.status in (ReportJob.Status.QUEUED, ReportJob.Status.RUNNING)
    done, total = cache.get(jobs.progress_key(job.pk), (0, 5)) if running else (5, 5)
    context = {"job": job, "running": running, "done": done, "total": total,
               "percent": round(100 * done / total)}  # fmt: skip
    if job.result:
        context["result"] = job.result
        context["rows"] = [
            (
                r,
                list(
                    zip(r["values"], r["numerators"], r["denominators"], _cautions(r), strict=True)
                ),
            )
            for r in job.result["rows"]
        ]
    template = (
        "statistics/_job.html" if request.headers.get("HX-Request") else ("statistics/job.html")
    )
    return render(request, template, context)
