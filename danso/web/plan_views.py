"""Plan pages: a unit's plan for a year (targets with their original and revised values, the
allocation to the units below) and the progress dashboard with its Excel export."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso.accounts.scope import can_set_plan, get_visible_unit_or_404, home_unit, scoped
from danso.concurrency import parse_tag
from danso.orgunits.groups import chosen_group
from danso.programmes import metrics, plans, progress
from danso.programmes.models import Plan, Target
from danso.programmes.plans import PlanError, Share
from danso.programmes.progress_export import progress_xlsx

from .plan_forms import AllocationForm, ReviseForm, TargetForm


def _refuse(request, err: PlanError) -> None:
    if err.code == plans.FORBIDDEN:
        raise PermissionDenied(err.message)
    messages.error(request, err.message)


def _target(user, pk: int) -> Target:
    """The target, or 404 outside the user's area or on a sensitive figure without the
    permission."""
    targets = scoped(user, Target.objects.select_related("plan__unit"), "plan__ou_path")
    target = get_object_or_404(targets, pk=pk)
    metric = metrics.find(target.metric)
    if metric is None or (metric.sensitive and not user.can_access_sensitive):
        raise Http404
    return target


def _may_revise(user, target: Target) -> bool:
    above = target.allocated_from.plan.unit if target.allocated_from_id else target.plan.unit
    return can_set_plan(user, target.plan.unit) and can_set_plan(user, above)


@login_required
def plan_home(request):
    home = home_unit(request.user)
    if home is None:
        raise Http404
    return redirect("plan", uid=home.uid, year=timezone.localdate().year)


@login_required
def plan_page(request, uid, year):
    """The plan and, for those who may set it, the form to add a target (POST)."""
    unit = get_visible_unit_or_404(request.user, uid)
    can_edit = plans.may_set(request.user, unit)
    from danso.orgunits.models import OrgUnitGroup

    groups = list(OrgUnitGroup.objects.filter(members__path__startswith=unit.path).distinct()
                  .order_by("name")) if unit.level in ("nation", "province") else []  # fmt: skip
    form = TargetForm(request.POST or None, user=request.user, groups=groups)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.set_target(request.user, unit, year, data["metric"], data["value"],
                                 data["value_max"], data["direction"],
                                 form.groups.get(data.get("group") or ""))  # fmt: skip
            except PlanError as err:
                _refuse(request, err)
            else:
                messages.success(request, _("Target added."))
                return redirect("plan", uid=unit.uid, year=year)
    plan = Plan.objects.filter(unit=unit, year=year, group__isnull=True).first()
    lines = plans.lines(plan, request.user) if plan else []
    rows = [(line, plans.allocation(line.current), _may_revise(request.user, line.current))
            for line in lines]  # fmt: skip
    group_plans = [(p.group, plans.lines(p, request.user)) for p in Plan.objects.filter(
        unit=unit, year=year, group__isnull=False).select_related("group")]  # fmt: skip
    return render(request, "programmes/plan.html", {
        "unit": unit, "year": year, "plan": plan, "rows": rows, "form": form,
        "group_plans": group_plans,
        "can_edit": can_edit, "matrix": _matrix([alloc for _l, alloc, _m in rows]),
        "revise_form": ReviseForm(),
    })  # fmt: skip


def _matrix(allocations: list[plans.Allocation]) -> list[tuple]:
    """Units below with at least one allocated target: (unit, one target or None per
    allocation), in the order of the units."""
    units = {}
    for alloc in allocations:
        for unit, target in alloc.rows:
            if target is not None:
                units.setdefault(unit.pk, unit)
    by_unit = [{u.pk: t for u, t in alloc.rows} for alloc in allocations]
    ordered = sorted(units.values(), key=lambda u: (u.level, u.code))
    return [(unit, [cells.get(unit.pk) for cells in by_unit]) for unit in ordered]


@login_required
@require_POST
def target_revise(request, pk):
    target = _target(request.user, pk)
    form = ReviseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            revised = plans.revise(request.user, target, data["value"], data["value_max"],
                                   data["reason"])  # fmt: skip
        except plans.StaleTarget as err:
            # The revision is a small inline form: what was typed is given back in the message.
            typed = plans.range_text(data["value"], data["value_max"])
            messages.error(request, err.message + " " + _(
                "You had typed: %(value)s (%(reason)s).") % {"value": typed,
                                                            "reason": data["reason"]})  # fmt: skip
            return redirect("plan", uid=target.plan.unit.uid, year=target.plan.year)
        except PlanError as err:
            _refuse(request, err)
        else:
            messages.success(request, _("Revised; the original target is kept.") + " "
                             + plans.target_text(revised))  # fmt: skip
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("plan", uid=target.plan.unit.uid, year=target.plan.year)


@login_required
def target_allocate(request, pk):
    """Every unit directly below with its share; those who may set the plan allocate (POST)."""
    target = _target(request.user, pk)
    parent = target.plan.unit
    can_edit = can_set_plan(request.user, parent)
    result = plans.allocation(target)
    units = [unit for unit, _t in result.rows]
    initial = {f"u_{u.uid}": plans.show(t.value) for u, t in result.rows if t is not None}
    initial["version"] = plans.allocation_version(target)
    form = AllocationForm(request.POST or None, units=units, initial=initial)
    stale, status = None, 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            shares = [Share(unit, value) for unit, value in form.shares()]
            expected = parse_tag(form.cleaned_data["version"])
            try:
                result = plans.allocate(request.user, target, shares, form.cleaned_data["reason"],
                                        expected)  # fmt: skip
            except plans.StaleTarget as err:
                # Redrawn with what was typed, the shares saved meanwhile beside each field,
                # and the current tag, so that saving again replaces them knowingly.
                stale, status = err, 409
                result = plans.allocation(target)
                data = request.POST.copy()
                data["version"] = plans.allocation_version(target)
                form = AllocationForm(data, units=units, initial=initial)
                form.is_valid()
            except PlanError as err:
                _refuse(request, err)
            else:
                messages.success(request, _("Allocation saved."))
                if result.warning:
                    messages.warning(request, result.warning["message"])
                return redirect("target_allocate", pk=target.pk)
    # Units already allocated first: a province has a hundred communes to scroll through.
    rows = sorted(result.rows, key=lambda row: row[1] is None)
    fields = [(unit, t, form[f"u_{unit.uid}"]) for unit, t in rows]
    return render(request, "programmes/allocation.html", {
        "target": target, "unit": parent, "result": result, "form": form, "fields": fields,
        "can_edit": can_edit, "metric": result.metric,
        "stale": {"message": stale.message, "current": None} if stale else None,
    }, status=status)  # fmt: skip


def _day(value: str | None) -> datetime.date | None:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value or "", fmt).date()
        except ValueError:
            continue
    return None


@login_required
def progress_page(request):
    """Progress of the plans of a unit's subtree at a date; `xuat=xlsx` for Excel."""
    home = home_unit(request.user)
    if home is None:
        raise Http404
    unit = get_visible_unit_or_404(request.user, request.GET.get("dv") or home.uid)
    today = timezone.localdate()
    day = _day(request.GET.get("ngay"))
    if request.GET.get("ngay") and day is None:
        messages.error(request, _("Not a date (dd/mm/yyyy)."))
    asked = request.GET.get("nam", "")
    year = day.year if day else (int(asked) if asked.isdigit() else today.year)
    day = day or progress.as_of_default(year, today)
    found = progress.progress(unit, year, day, request.user)
    group = chosen_group(request)  # ?nhom=: the units below narrowed to an org-unit group
    found = [p for p in found if p.unit.pk == unit.pk or group["in_group"](p.unit)]
    lagging = progress.lagging(found)
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(
            progress_xlsx(unit, year, day, found, lagging),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="tien-do-{unit.uid}-{day}.xlsx"'
        return response
    own = next((p for p in found if p.unit.pk == unit.pk and not p.plan.group_id), None)
    # The unit's plans for org-unit groups ("the communes of the ethnic-minority areas"): their
    # targets are shown with the unit's own, named after the group.
    for grouped in (p for p in found if p.unit.pk == unit.pk and p.plan.group_id):
        own = own or progress.UnitProgress(unit, grouped.plan)
        own.rows.extend(grouped.rows)
    children = [p for p in found if p.unit.parent_id == unit.pk and not p.plan.group_id]
    columns = _columns([own, *children] if own else children)
    rows = [(p, _cells(p, columns)) for p in children]
    return render(request, "programmes/progress.html", {
        "unit": unit, "year": year, "day": day, "own": own, "lagging": lagging,
        "children": rows, "columns": columns, "elapsed": progress.elapsed_share(day) * 100,
        "charts": _charts(own, rows, columns),
        "plan_url": reverse("plan", args=[unit.uid, year]), **group,
    })  # fmt: skip


def _columns(found) -> list[metrics.Metric]:
    """The metrics of the table of units below, the unit's own targets first."""
    seen = {}
    for unit_progress in found:
        for row in unit_progress.rows:
            seen.setdefault(row.metric.code, row.metric)
    return list(seen.values())


def _cells(unit_progress, columns) -> list:
    by_code = {r.metric.code: r for r in unit_progress.rows}
    return [by_code.get(m.code) for m in columns]


def _percent(row):
    return None if row is None or row.percent is None else round(row.percent, 1)


def _charts(own, rows, columns) -> dict:
    """Chart.js data: % of each of the unit's targets, and % of each target by unit below."""
    mine = own.rows if own else []
    return {
        "mine": {"labels": [r.metric.name for r in mine],
                 "percent": [_percent(r) for r in mine],
                 "expected": [round(r.expected, 1) for r in mine],
                 "status": [r.status for r in mine]},
        "below": {"labels": [p.unit.name for p, _cells in rows],
                  "series": [{"label": m.name, "data": [_percent(cells[i]) for _p, cells in rows]}
                             for i, m in enumerate(columns)]},
    }  # fmt: skip


@login_required
def reallocation_page(request, uid):
    """The old units' 2025 targets proposed to the new communes of a province, to adjust and
    save (programmes/reallocation.py)."""
    from danso.programmes import maps, reallocation

    province = get_visible_unit_or_404(request.user, uid)
    if province.level != "province" or province.is_legacy:
        raise Http404
    choices = reallocation.figures(province)
    code = request.GET.get("chi-tieu") or (choices[0].code if choices else "")
    proposal = None
    try:
        proposal = reallocation.propose(province, code, request.user) if code else None
    except PlanError as err:
        _refuse(request, err)
    can_edit = can_set_plan(request.user, province)
    form, stale, status = None, None, 200
    if proposal is not None:
        units = [row.unit for row in proposal.rows]
        initial = {f"u_{r.unit.uid}": plans.show(r.current.value if r.current else r.proposed)
                   for r in proposal.rows}  # fmt: skip
        initial["version"] = reallocation.version(proposal)
        form = AllocationForm(request.POST or None, units=units, initial=initial)
        if request.method == "POST":
            if not can_edit:
                raise PermissionDenied
            if form.is_valid():
                shares = [Share(unit, value) for unit, value in form.shares()]
                try:
                    proposal = reallocation.save(
                        request.user, province, code, shares, form.cleaned_data["reason"],
                        parse_tag(form.cleaned_data["version"]),
                    )  # fmt: skip
                except reallocation.StaleReallocation as err:
                    stale, status = err, 409
                    data = request.POST.copy()
                    data["version"] = err.current_tag
                    form = AllocationForm(data, units=units, initial=initial)
                    form.is_valid()
                except PlanError as err:
                    _refuse(request, err)
                else:
                    messages.success(request, _("The new communes' 2025 targets are saved."))
                    if text := reallocation.difference_text(proposal, proposal.saved_total):
                        messages.warning(request, text)
                    url = reverse("plan_reallocation", args=[province.uid])
                    return redirect(f"{url}?chi-tieu={code}")
    rows = []
    if proposal is not None:
        rows = [(r, form[f"u_{r.unit.uid}"]) for r in proposal.rows]
    typed_total = sum((r.current.value for r in proposal.rows if r.current), 0) if proposal else 0
    return render(request, "programmes/reallocation.html", {
        "unit": province, "choices": choices, "code": code, "proposal": proposal, "rows": rows,
        "form": form, "can_edit": can_edit, "year": reallocation.YEAR,
        "estimate_label": maps.method_label(maps.POPULATION, maps.LEGACY_DAY),
        "difference": reallocation.difference_text(proposal, typed_total)
        if proposal and any(r.current for r in proposal.rows) else None,
        "stale": {"message": stale.message, "current": None} if stale else None,
    }, status=status)  # fmt: skip
