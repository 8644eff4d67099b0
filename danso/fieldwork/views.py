"""Pages of field work: a village's worklists on a day (phone and print), a commune's
inbox of people moving in and out, reconciliation with other sectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import (
    can_record,
    can_review,
    get_visible_unit_or_404,
    home_unit,
    visible_units,
)
from danso.orgunits.models import Level, OrgUnit
from danso.register.models import Event, EventKind, Household
from danso.register.services import RegisterError
from danso.statistics.periods import Period
from danso.web.register_views import _day

from . import moves
from . import reconciliation as rec
from .worklists import LISTS, worklists


@login_required
def village_worklists(request, uid):
    village = get_visible_unit_or_404(request.user, uid)
    if village.level != Level.VILLAGE:
        raise PermissionDenied
    day = _day(request.GET.get("ngay"))
    only = request.GET.get("danh-sach") if request.GET.get("danh-sach") in LISTS else None
    return render(
        request,
        "fieldwork/worklists.html",
        {
            "unit": village,
            "day": day,
            "lists": worklists(village, day, only),
            "only": only,
            "can_record": can_record(request.user, village.path),
        },
    )


@login_required
def move_inbox(request, uid):
    """A commune's expected arrivals (confirm, or join with a move in already entered) and
    its departures with the day each person arrived."""
    commune = get_visible_unit_or_404(request.user, uid)
    if commune.level != Level.COMMUNE:
        raise PermissionDenied
    reviewer = can_review(request.user, commune.path)
    if request.method == "POST":
        if not reviewer:
            raise PermissionDenied
        _move_action(request, commune)
        return redirect("move_inbox", uid=commune.uid)
    arrivals = [{"move": m, "matches": moves.matches(m)} for m in moves.expected(commune)]
    villages = OrgUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("code")
    return render(
        request,
        "fieldwork/moves.html",
        {
            "unit": commune,
            "arrivals": arrivals,
            "departures": moves.departures(commune)[:200],
            "villages": villages,
            "can_review": reviewer,
            "today": timezone.localdate(),
        },
    )


def _move_action(request, commune):
    move = Event.objects.filter(pk=request.POST.get("move_out") or None, kind=EventKind.MOVE_OUT,
                                data__destination=commune.uid).first()  # fmt: skip
    if move is None:
        raise PermissionDenied
    try:
        if request.POST.get("action") == "join":
            entry = get_object_or_404(
                Event.objects.filter(village__parent=commune), pk=request.POST.get("move_in")
            )
            moves.join(entry, move, request.user)
        else:
            # A village and a household number: a commune holds too many households to list.
            household = Household.objects.filter(
                village__parent=commune, village__uid=request.POST.get("village", ""),
                number=request.POST.get("number", "").strip(),
            ).first()  # fmt: skip
            if household is None:
                messages.error(request, _("No such household in this village."))
                return
            moves.confirm_arrival(move, household, _day(request.POST.get("arrived_on")),
                                  request.user)  # fmt: skip
    except RegisterError as err:
        for p in err.problems:
            messages.error(request, p.message)
    else:
        messages.success(request, _("Arrival recorded: %(name)s keeps one history.")
                         % {"name": move.person.full_name})  # fmt: skip


@login_required
def reconciliation_home(request):
    """Upload other sectors' counts or person-level files; links to the recent quarters."""
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        kind = request.POST.get("kind")
        if upload is None or kind not in ("counts", "persons"):
            messages.error(request, _("Choose the kind of file and the file."))
        else:
            importer = rec.import_counts if kind == "counts" else rec.import_persons
            try:
                n = importer(request.user, upload.name, upload.read())
            except rec.ImportRefused as err:
                problems = err.problems
            else:
                messages.success(request, _("Imported %(n)s rows.") % {"n": n})
                return redirect("reconciliation_home")
    home = home_unit(request.user)
    communes = visible_units(request.user).filter(level=Level.COMMUNE, valid_to__isnull=True)
    if home is not None and home.level != Level.COMMUNE:
        communes = communes.filter(path__startswith=home.path)
    quarter = Period.containing("quarter", timezone.localdate())
    quarters = [quarter.previous(), quarter]
    return render(
        request,
        "fieldwork/reconciliation_home.html",
        {
            "problems": problems,
            "communes": communes.order_by("path")[:200],
            "periods": [quarters[0].previous(), *quarters],
            "sources": rec.Source.choices,
        },
    )


@login_required
def reconciliation_page(request, uid, period):
    commune = get_visible_unit_or_404(request.user, uid)
    if commune.level != Level.COMMUNE:
        raise PermissionDenied
    try:
        chosen = rec.parse_period(period)
    except rec.RowError as err:
        raise Http404(err.problem.message) from err
    if request.method == "POST":
        try:
            rec.record_explanation(request.user, commune, chosen,
                                   request.POST.get("explanation", ""),
                                   sign=request.POST.get("action") == "sign")  # fmt: skip
        except rec.ImportRefused as err:
            for p in err.problems:
                messages.error(request, p.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("reconciliation", uid=commune.uid, period=chosen.id)
    record = rec.Reconciliation.objects.filter(commune=commune, period=chosen.id).first()
    return render(
        request,
        "fieldwork/reconciliation.html",
        {
            "unit": commune,
            "period": chosen,
            "lines": rec.lines(commune, chosen),
            "record": record,
            "people": rec.people_matches(commune, chosen),
            "can_review": can_review(request.user, commune.path),
        },
    )
