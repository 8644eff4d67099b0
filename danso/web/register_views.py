"""Pages of the household register: a village's households, a household's members and
history, the collaborator's slip, the commune officer's review queue, a person's timeline."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso.accounts.scope import (
    can_record,
    can_review,
    get_visible_unit_or_404,
    in_commune_of,
    path_in_scope,
    scoped,
)
from danso.concurrency import StaleEdit
from danso.orgunits.models import Level
from danso.register import codes, services
from danso.register.inputs import UnknownReference, build_change, scoped_sources
from danso.register.models import Event, Household, Person, Slip
from danso.register.projection import add_months, state_as_of
from danso.register.queries import households_as_of, missing_slips, timeline
from danso.text import fold

from .register_forms import (
    KIND_FIELDS,
    ChangeForm,
    CorrectionForm,
    HouseholdForm,
    PovertyForm,
    ReviewForm,
)
from .stale import redrawn


def _day(value: str | None) -> datetime.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value or "", fmt).date()
        except ValueError:
            continue
    return timezone.localdate()


def _period(value: str | None) -> str:
    if value and len(value) == 6 and value.isdigit() and 1 <= int(value[4:]) <= 12:
        return value
    return services.period_of(timezone.localdate())


@login_required
def village_register(request, uid):
    village = get_visible_unit_or_404(request.user, uid)
    if village.level != Level.VILLAGE:
        raise PermissionDenied
    form = HouseholdForm(request.POST or None)
    if request.method == "POST":
        if not can_record(request.user, village.path):
            raise PermissionDenied
        if form.is_valid():
            try:
                household = services.create_household(
                    village, user=request.user, **form.cleaned_data
                )
            except services.RegisterError as err:
                for p in err.problems:
                    form.add_error(p.field if p.field in form.fields else None, p.message)
            else:
                messages.success(request, _("Created %(name)s.") % {"name": household})
                return redirect("household", pk=household.pk)
    households = (
        Household.objects.filter(village=village)
        .annotate(
            members=Count(
                "persons", filter=Q(persons__died_on__isnull=True, persons__left_on__isnull=True)
            )
        )
        .order_by("number")  # a grouped query ignores Meta.ordering: pages must be stable
    )
    query = request.GET.get("q", "").strip()
    if query:
        households = households.filter(search_text__contains=fold(query))
    period = services.period_of(timezone.localdate())
    slip = Slip.objects.filter(village=village, period=period).first()
    return render(
        request,
        "register/village.html",
        {
            "unit": village,
            "form": form,
            "page": Paginator(households, 100).get_page(request.GET.get("page")),
            "query": query,
            "slip": slip,
            "period": period,
            "can_record": can_record(request.user, village.path),
        },
    )


def _household(request, pk) -> Household:
    households = scoped(request.user, Household.objects.select_related("village"))
    return get_object_or_404(households, pk=pk)


@login_required
def household_detail(request, pk):
    household = _household(request, pk)
    day = _day(request.GET.get("ngay"))
    members = households_as_of([household], day)[household.pk]
    pending = household.persons.filter(is_pending=True)
    return render(
        request,
        "register/household.html",
        {
            "household": household,
            "unit": household.village,
            "members": members,
            "day": day,
            "pending": pending,
            "events": timeline(household=household),
            "poverty": household.poverty.order_by("year"),
            "poverty_form": PovertyForm(initial={"year": day.year, "version": household.version}),
            "can_record": can_record(request.user, household.ou_path),
        },
    )


@login_required
@require_POST
def household_poverty(request, pk):
    household = _household(request, pk)
    if not can_record(request.user, household.ou_path):
        raise PermissionDenied
    form = PovertyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_poverty(household, data["year"], data["status"], data["version"])
            messages.success(request, _("Saved."))
        except StaleEdit as err:
            return _poverty_stale(request, household.pk, form, err)
        except services.RegisterError as err:
            for p in err.problems:
                messages.error(request, p.message)
    else:
        messages.error(request, _("Enter a year and a status."))
    return redirect("household", pk=household.pk)


def _poverty_stale(request, pk, form, err):
    """409: the household page with the statuses saved meanwhile and the form as typed."""
    household = _household(request, pk)
    day = timezone.localdate()
    typed = PovertyForm(redrawn(request.POST, household.version))
    current = [(str(p.year), p.get_status_display()) for p in household.poverty.order_by("year")]
    return render(
        request,
        "register/household.html",
        {
            "household": household,
            "unit": household.village,
            "members": households_as_of([household], day)[household.pk],
            "day": day,
            "pending": household.persons.filter(is_pending=True),
            "events": timeline(household=household),
            "poverty": household.poverty.order_by("year"),
            "poverty_form": typed,
            "can_record": True,
            "stale": {"message": err.message, "current": current},
        },
        status=409,
    )


@login_required
def record_change(request, pk):
    household = _household(request, pk)
    if not can_record(request.user, household.ou_path):
        raise PermissionDenied
    period = _period(request.POST.get("period") or request.GET.get("period"))
    # The month's slip is created with its first change, not by opening the form.
    slip = Slip.objects.filter(village=household.village, period=period).first() or Slip(
        village=household.village, period=period
    )
    members = household.persons.filter(died_on__isnull=True, left_on__isnull=True)
    commune_households = in_commune_of(household.village, Household.objects).select_related(
        "village"
    )[:500]
    # A worklist's link opens the form with the entry that closes its item chosen.
    initial = {k: request.GET[k] for k in ("kind", "person", "method") if request.GET.get(k)}
    if initial:
        initial["occurred_on"] = timezone.localdate()
    form = ChangeForm(
        request.POST or None,
        initial=initial,
        household=household,
        members=members,
        households=commune_households,
        spouses=_spouse_candidates(request.user, household),
    )
    if request.method == "POST" and form.is_valid():
        payload = form.payload()
        _fill_old_values(payload, members)
        try:
            change = build_change(payload, *scoped_sources(request.user))
            with transaction.atomic():  # a refused first change leaves no empty slip behind
                slip = slip if slip.pk else services.slip_for(household.village, period)
                _events, warnings = services.record(slip, [change], user=request.user)
        except UnknownReference as err:
            form.add_error(form.field_for(err.problem.field), err.problem.message)
        except services.RegisterError as err:
            for p in err.problems:
                form.add_error(form.field_for(p.field), p.message)
        else:
            for w in warnings:
                messages.warning(request, w.message)
            messages.success(
                request,
                _("Recorded on the slip of %(month)s.") % {"month": f"{period[4:]}/{period[:4]}"},
            )
            return redirect("household", pk=household.pk)
    return render(
        request,
        "register/change_form.html",
        {
            "household": household,
            "unit": household.village,
            "form": form,
            "slip": slip,
            "period": period,
            "kind_fields": KIND_FIELDS,
        },
    )


def _spouse_candidates(user, household: Household):
    """Who may be offered as a spouse besides the household's members: unmarried people aged
    15 and over in the other households of the user's area (child marriages are recorded too).
    A spouse from further away is named by number and linked at the slip's review."""
    born_by = add_months(timezone.localdate(), -15 * 12)
    persons = in_commune_of(household.village, scoped(user, Person.objects))
    persons = persons.exclude(household=household)
    return (
        persons.filter(died_on__isnull=True, left_on__isnull=True, date_of_birth__lte=born_by)
        .exclude(marital_status=codes.MARRIED)
        .select_related("village", "household")
        .order_by("ou_path", "household__number", "date_of_birth")
    )


def _fill_old_values(payload: dict, members) -> None:
    """The form asks only for the new value; the old one is what the register holds."""
    changes = payload.get("data", {}).get("changes")
    if not changes or not payload.get("person"):
        return
    person = next((p for p in members if p.pk == payload["person"]), None)
    for name, pair in changes.items():
        old = getattr(person, name, None)
        if name == "date_of_birth":
            old = old.isoformat() if old else None
            pair[1] = _day(pair[1]).isoformat()
        if name in codes.PERSON_CODE_LISTS:  # a code or its label ("Ê-đê")
            pair[1] = codes.PERSON_CODE_LISTS[name].code_for(pair[1]) or pair[1]
        pair[0] = old


@login_required
def slip_detail(request, pk):
    slip = get_object_or_404(scoped(request.user, Slip.objects.select_related("village")), pk=pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        allowed = can_record if action == "submit" else can_review
        if not allowed(request.user, slip.ou_path):
            raise PermissionDenied
        try:
            if action == "submit":
                services.submit(slip, request.user)
                messages.success(request, _("The slip was submitted to the commune."))
            elif action == "accept":
                n = services.accept(slip, request.user)
                messages.success(request, _("Accepted: %(n)s changes now count.") % {"n": n})
            elif action == "return" and form.is_valid():
                services.send_back(slip, request.user, form.cleaned_data["comment"])
                messages.success(request, _("The slip was sent back."))
        except services.RegisterError as err:
            for p in err.problems:
                messages.error(request, p.message)
        return redirect("slip", pk=slip.pk)
    events = slip.events.select_related("person", "household", "other_person", "recorded_by")
    return render(
        request,
        "register/slip.html",
        {
            "slip": slip,
            "unit": slip.village,
            "events": events,
            "form": form,
            "can_record": can_record(request.user, slip.ou_path),
            "can_review": can_review(request.user, slip.ou_path),
        },
    )


@login_required
def review_queue(request, uid):
    commune = get_visible_unit_or_404(request.user, uid)
    if commune.level != Level.COMMUNE:
        raise PermissionDenied
    period = _period(request.GET.get("ky"))
    slips = (
        Slip.objects.filter(village__parent=commune, period=period)
        .select_related("village", "submitted_by")
        .annotate(n=Count("events"))
    )
    return render(
        request,
        "register/review.html",
        {
            "unit": commune,
            "period": period,
            "slips": slips,
            "missing": missing_slips(commune, period),
            "can_review": can_review(request.user, commune.path),
        },
    )


@login_required
def person_detail(request, pk):
    person = get_object_or_404(
        scoped(request.user, Person.objects.select_related("household", "village")), pk=pk
    )
    day = _day(request.GET.get("ngay"))
    state = state_as_of(person, day)
    # The spouse may live in another village of the commune, outside a collaborator's scope:
    # named, but linked only when in scope.
    spouse = Person.objects.select_related("village").filter(pk=state["spouse"]).first()
    # Each entry is cancelled where it was made: a person who moved in keeps the entries of
    # the sending commune in their history, and only that commune's officers may cancel them
    # (cancel_event answers 404 to anyone else), so the link is offered per entry.
    events = list(timeline(person=person))
    cancellable = {
        e.pk for e in events
        if (can_review if e.is_accepted else can_record)(request.user, e.ou_path)
    }  # fmt: skip
    return render(
        request,
        "register/person.html",
        {
            "person": person,
            "unit": person.village,
            "day": day,
            "state": state,
            "spouse": spouse,
            "spouse_in_scope": spouse and path_in_scope(request.user, spouse.ou_path),
            "events": events,
            "correction_form": CorrectionForm(),
            "cancellable": cancellable,
        },
    )


@login_required
@require_POST
def cancel_event(request, pk):
    event = get_object_or_404(scoped(request.user, Event.objects.all()), pk=pk)
    allowed = can_review if event.is_accepted else can_record
    if not allowed(request.user, event.ou_path):
        raise PermissionDenied
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
    else:
        try:
            services.correct(event, None, form.cleaned_data["reason"], request.user)
            messages.success(request, _("The entry was cancelled; it stays in the history."))
        except services.RegisterError as err:
            for p in err.problems:
                messages.error(request, p.message)
    return redirect("person", pk=event.person_id)


@login_required
def person_search(request):
    query = request.GET.get("q", "").strip()
    persons = scoped(request.user, Person.objects.select_related("household", "village"))
    if query.isdigit():
        persons = persons.identified_by(query)
    elif query:
        persons = persons.named(query)
    else:
        persons = persons.none()
    return render(
        request,
        "register/person_search.html",
        {
            "query": query,
            "persons": persons.order_by("search_name")[:100],
        },
    )
