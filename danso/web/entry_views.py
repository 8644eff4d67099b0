"""Aggregate data entry: choose a data set, a unit and a period; type the figures; submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import can_approve_report, get_visible_unit_or_404, home_unit
from danso.programmes import entry
from danso.programmes.models import DataSet
from danso.statistics import cycle
from danso.statistics.models import Submission
from danso.statistics.periods import Period, PeriodError


def _data_set_or_404(user, code: str) -> DataSet:
    return get_object_or_404(entry.data_sets_for(user), code=code)


@login_required
def entry_start(request):
    """The data sets the user's units report, each unit with its latest period to enter."""
    rows = []
    for data_set in entry.data_sets_for(request.user):
        units = entry.units_for(request.user, data_set)
        if units:
            rows.append((data_set, units, entry.today_period(data_set)))
    home = home_unit(request.user)
    return render(request, "programmes/entry_start.html", {"rows": rows, "home": home})


def _typed(post) -> tuple[dict, dict]:
    """Cells "v:<element>:<option combo>" and comments "c:<element>:<option combo>"."""
    typed, comments = {}, {}
    for name, value in post.items():
        kind, _sep, key = name.partition(":")
        element, _sep, coc = key.partition(":")
        if kind == "v" and coc:
            typed[(element, coc)] = value
        elif kind == "c" and coc:
            comments[(element, coc)] = value
    return typed, comments


@login_required
def data_entry(request, code, uid, period_id):
    data_set = _data_set_or_404(request.user, code)
    unit = get_visible_unit_or_404(request.user, uid)
    if not entry.can_view(request.user, data_set, unit) or not data_set.is_assigned_to(unit):
        raise Http404
    try:
        period = Period.parse(period_id)
        entry.check_period(data_set, period, unit)
    except (PeriodError, entry.EntryError) as err:
        messages.error(request, getattr(err, "message", str(err)))
        return redirect("entry_start")
    typed, errors, stale = None, None, None
    if request.method == "POST":
        typed, comments = _typed(request.POST)
        expected = entry.parse_tag(request.POST.get("version"))
        try:
            errors = entry.save(request.user, data_set, unit, period, typed, comments,
                                expected=expected)  # fmt: skip
        except entry.StaleForm as err:
            stale = err
            messages.error(request, err.message)
        except entry.EntryError as err:
            messages.error(request, err.message)
            return redirect(data_set.entry_url(uid, period.id))
        if not errors and not stale:
            messages.success(request, _("Figures saved."))
            return redirect(data_set.entry_url(uid, period.id))
        if errors:
            messages.error(request, _("Nothing was saved: correct the cells marked below."))
    messages_by_cell = {key: err.message for key, err in (errors or {}).items()}
    form = entry.build_form(data_set, unit, period, typed, messages_by_cell)
    if stale:
        _mark_meanwhile(form, typed)
    submissions = Submission.objects.filter(
        form_code=data_set.code, unit=unit, period=period.id
    ).order_by("-version")
    context = {
        "form": data_set,
        "entry": form,
        "unit": unit,
        "uid": unit.uid,
        "period": period,
        "period_id": period.id,
        "previous": period.previous(),
        "can_enter": entry.can_enter(request.user, data_set, unit) and not form.locked,
        "submissions": submissions,
        "can_submit": data_set.can_submit(request.user, unit) and period.end < timezone.localdate(),
        "can_approve": can_approve_report(request.user, unit),
        "deadline": cycle.deadline(data_set, period),
        "parent_uid": unit.parent.uid if unit.parent_id else "",
        "version": entry.form_version(data_set, unit, period),
        "stale": stale,
    }
    status = 409 if stale else 400 if errors else 200
    return render(request, "programmes/entry_form.html", context, status=status)


def _mark_meanwhile(form, typed: dict) -> None:
    """Cells whose figure saved meanwhile differs from what this user typed: the page shows
    that figure beside the typed one."""
    for row in form.rows:
        if row.fed:
            continue
        for cell in row.cells:
            raw = typed.get((row.element.code, cell.option_combo.code), "")
            try:
                mine = entry.parse_value(row.element, raw)
            except entry.EntryError:
                mine = raw
            cell.meanwhile = mine != cell.value


@login_required
def entry_pick(request):
    """The "other period" box of the start page."""
    code, uid, period_id = (request.GET.get(k, "").strip() for k in ("ds", "dv", "ky"))
    if not (code and uid and period_id):
        return redirect("entry_start")
    return redirect(_data_set_or_404(request.user, code).entry_url(uid, period_id))
