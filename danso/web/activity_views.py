"""Pages of activities and clubs: lists, the activity form (fast on a phone), details, and
attachments served only to users whose scope covers the activity."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danso.accounts.scope import (
    can_record,
    get_visible_unit_or_404,
    home_unit,
    reachable_places,
    scope_paths,
    scoped,
    visible_units,
)
from danso.concurrency import StaleEdit
from danso.programmes import clubs as club_services
from danso.programmes import maps
from danso.programmes.activities import (
    PLACE_LEVELS,
    ActivityError,
    contributions,
    delete_activity,
    organiser_choices,
    save_activity,
    with_totals,
)
from danso.programmes.models import Activity, ActivityKind, Club, ClubMember, Sex, TargetGroup
from danso.register.models import Person

from .activity_forms import (
    ActivityFilterForm,
    ActivityForm,
    AttachmentsForm,
    ClubForm,
    MemberForm,
)
from .stale import current_values, expected_version, redrawn

# Problems about these parts are shown beside them, not at the top of the form.
SECTIONS = ("places", "participants", "services", "attachments")
INLINE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


def _scoped_activity(request, pk) -> Activity:
    """Organised in the user's area, or (read only: edits check can_record) reaching it."""
    found = Activity.objects.select_related("organiser", "club")
    return get_object_or_404(maps.visible_activities(request.user, found), pk=pk)


def _scoped_club(request, pk) -> Club:
    return get_object_or_404(scoped(request.user, Club.objects.select_related("organiser")), pk=pk)


@login_required
def activity_list(request):
    user = request.user
    units = list(organiser_choices(user))
    asked = request.GET.get("unit")
    if asked and asked not in {u.uid for u in units}:
        units.append(get_visible_unit_or_404(user, asked))  # a link from a unit's page
    form = ActivityFilterForm(request.GET or None, units=units)
    activities = scoped(user, Activity.objects.select_related("organiser"))
    if form.is_valid():
        d = form.cleaned_data
        if d["where"] == "reached":  # "hoạt động trên địa bàn của tôi"
            activities = maps.reached_in(scope_paths(user), Activity.objects.select_related(
                "organiser"))  # fmt: skip
        elif d["where"] == "both":
            activities = maps.visible_activities(user, Activity.objects.select_related(
                "organiser"))  # fmt: skip
        if d["kind"]:
            activities = activities.filter(kind=d["kind"])
        if d["unit"]:
            path = next(u.path for u in units if u.uid == d["unit"])
            activities = activities.filter(ou_path__startswith=path)
        if d["date_from"]:
            activities = activities.filter(start_date__gte=d["date_from"])
        if d["date_to"]:
            activities = activities.filter(start_date__lte=d["date_to"])
    activities = with_totals(activities.annotate(n_places=Count("places")))
    activities = activities.order_by("-start_date", "-pk")  # grouping drops Meta.ordering
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/activity_list.html",
        {"form": form, "page": page, "can_edit": user.can_edit},
    )


def _place_domain(user, organiser_uid: str | None):
    """Units offered as places: those the organiser's activities may reach."""
    organiser = visible_units(user).filter(uid=organiser_uid or "").first()
    organiser = organiser or home_unit(user)
    if organiser is None:
        return visible_units(user).none(), None
    return reachable_places(user, organiser).filter(level__in=PLACE_LEVELS), organiser


@login_required
def place_search(request):
    """Places matching the typed words (htmx), or the organiser's own area when none."""
    domain, organiser = _place_domain(request.user, request.GET.get("organiser"))
    query = request.GET.get("q", "").strip()
    if query:
        places = domain.search(query)
    elif organiser is not None:
        places = domain.filter(Q(pk=organiser.pk) | Q(parent=organiser))
    else:
        places = domain.none()
    places = list(places.select_related("parent").order_by("valid_to", "path")[:30])
    chosen = set(request.GET.getlist("places"))
    return render(
        request,
        "programmes/_place_results.html",
        {
            "places": [p for p in places if p.uid not in chosen],
            "nothing_found": query and not places,  # not when every match is already chosen
        },
    )


def _activity_form(request, activity: Activity | None):
    user = request.user
    if not user.can_edit or (activity and not can_record(user, activity.ou_path)):
        raise PermissionDenied
    organisers = list(organiser_choices(user))
    if activity and activity.organiser not in organisers:
        organisers.insert(0, activity.organiser)
    # Open clubs, and the club of the session being edited even if it has closed since.
    clubs = scoped(user, Club.objects.all())
    clubs = clubs.filter(Q(closed_on__isnull=True) | Q(pk=activity.club_id if activity else None))
    if activity:
        initial = ActivityForm.initial_for(activity)
    else:
        initial = {"start_date": timezone.localdate(), "kind": request.GET.get("kind")}
        club = clubs.filter(pk=request.GET.get("club") or None).first()
        if club:
            initial.update(club=club.pk, organiser=club.organiser.uid, title=club.name)
    form = ActivityForm(request.POST or None, initial=initial, organisers=organisers, clubs=clubs)
    files = AttachmentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        chosen = request.POST.getlist("places")
    else:
        chosen = [p.uid for p in activity.places.all()] if activity else []
    section_errors = defaultdict(list)
    stale, status = None, 200
    if request.method == "POST" and form.is_valid():
        remove = [int(x) for x in request.POST.getlist("remove") if x.isdigit()]
        try:
            saved = save_activity(
                user,
                form.to_input(chosen),
                activity,
                uploads=request.FILES.getlist("files"),
                remove=remove,
                expected=expected_version(form),
            )
        except StaleEdit as err:
            activity = _scoped_activity(request, activity.pk)
            now = ActivityForm.initial_for(activity)
            stale = {"message": err.message, "current": current_values(
                ActivityForm, now, organisers=organisers, clubs=clubs)}  # fmt: skip
            stale["current"].insert(1, (_("Places"), ", ".join(
                p.name for p in activity.places.all())))  # fmt: skip
            form = ActivityForm(redrawn(request.POST, activity.version), initial=initial,
                                organisers=organisers, clubs=clubs)  # fmt: skip
            status = 409
        except ActivityError as err:
            for p in err.problems:
                if p.field in SECTIONS:
                    section_errors[p.field].append(p.message)
                else:
                    form.add_error(p.field if p.field in form.fields else None, p.message)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": saved.title})
            return redirect("activity", pk=saved.pk)
    domain, organiser = _place_domain(user, form["organiser"].value())
    return render(
        request,
        "programmes/activity_form.html",
        {
            "form": form,
            "files": files,
            "activity": activity,
            "chosen": domain.filter(uid__in=chosen).select_related("parent"),
            "organiser": organiser,
            "section_errors": section_errors,
            "sexes": Sex.choices,
            "kinds_with_services": [ActivityKind.MOBILE_TRIP, ActivityKind.COUNSELLING],
            "stale": stale,
        },
        status=status,
    )


@login_required
def activity_create(request):
    return _activity_form(request, None)


@login_required
def activity_edit(request, pk):
    return _activity_form(request, _scoped_activity(request, pk))


@login_required
def activity_detail(request, pk):
    activity = _scoped_activity(request, pk)
    participants = {(p.target_group, p.sex): p.count for p in activity.participants.all()}
    services = list(activity.services.all())
    grid = [
        (label, participants.get((g, Sex.MALE), 0), participants.get((g, Sex.FEMALE), 0))
        for g, label in TargetGroup.choices
        if (g, Sex.MALE) in participants or (g, Sex.FEMALE) in participants
    ]
    return render(
        request,
        "programmes/activity_detail.html",
        {
            "activity": activity,
            "grid": grid,
            "total_male": sum(row[1] for row in grid),
            "total_female": sum(row[2] for row in grid),
            "services": services,
            "total_clients": sum(s.clients for s in services),
            "places": activity.places.select_related("parent"),
            "attachments": activity.attachments.all(),
            "contributions": contributions(activity),
            "can_edit": can_record(request.user, activity.ou_path),
        },
    )


@login_required
@require_POST
def activity_delete(request, pk):
    activity = _scoped_activity(request, pk)
    if not can_record(request.user, activity.ou_path):
        raise PermissionDenied
    delete_activity(request.user, activity)
    messages.success(request, _("The activity was deleted."))
    return redirect("activities")


@login_required
def attachment_download(request, pk, attachment_pk):
    """A file of an activity in the user's scope; media are never served publicly."""
    activity = _scoped_activity(request, pk)
    attachment = get_object_or_404(activity.attachments, pk=attachment_pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type not in INLINE_TYPES,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Clubs ------------------------------------------------------------------------------------


def _problems_to_form(form, err: ActivityError) -> None:
    for p in err.problems:
        form.add_error(p.field if p.field in form.fields else None, p.message)


@login_required
def club_list(request):
    user = request.user
    form = ClubForm(request.POST or None, organisers=organiser_choices(user))
    if request.method == "POST":
        if not user.can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                club = club_services.save_club(user, form.to_input())
            except ActivityError as err:
                _problems_to_form(form, err)
            else:
                messages.success(request, _("Created %(name)s.") % {"name": club.name})
                return redirect("club", pk=club.pk)
    clubs = (
        scoped(user, Club.objects.select_related("organiser"))
        .annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            n_sessions=Count("sessions", distinct=True),
        )
        .order_by("name")
    )
    page = Paginator(clubs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "programmes/club_list.html",
        {"page": page, "form": form, "can_edit": user.can_edit},
    )


@login_required
def club_edit(request, pk):
    club = _scoped_club(request, pk)
    if not can_record(request.user, club.ou_path):
        raise PermissionDenied
    organisers = list(organiser_choices(request.user))
    if club.organiser not in organisers:
        organisers.insert(0, club.organiser)
    form = ClubForm(request.POST or None, initial=ClubForm.initial_for(club), organisers=organisers)
    stale, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            club_services.save_club(request.user, form.to_input(), club, expected_version(form))
        except StaleEdit as err:
            club = _scoped_club(request, pk)
            current = current_values(ClubForm, ClubForm.initial_for(club), organisers=organisers)
            stale, status = {"message": err.message, "current": current}, 409
            form = ClubForm(redrawn(request.POST, club.version), organisers=organisers)
        except ActivityError as err:
            _problems_to_form(form, err)
        else:
            messages.success(request, _("Saved."))
            return redirect("club", pk=club.pk)
    return render(request, "programmes/club_form.html",
                  {"club": club, "form": form, "stale": stale}, status=status)  # fmt: skip


@login_required
def club_detail(request, pk):
    club = _scoped_club(request, pk)
    editable = can_record(request.user, club.ou_path)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            try:
                member = club_services.save_member(request.user, club, form.to_input())
            except ActivityError as err:
                _problems_to_form(form, err)
            else:
                messages.success(request, _("Added %(name)s.") % {"name": member.full_name})
                return redirect("club", pk=club.pk)
    members = club.members.select_related("person")
    sessions = with_totals(club.sessions.all())
    return render(
        request,
        "programmes/club_detail.html",
        {
            "club": club,
            "form": form,
            "members": [m for m in members if m.left_on is None],
            "former": [m for m in members if m.left_on is not None],
            "sessions": sessions,
            "can_edit": editable,
        },
    )


@login_required
def club_person_search(request, pk):
    """Persons of the register to link a new member to (htmx)."""
    _scoped_club(request, pk)
    query = request.GET.get("q", "").strip()
    persons = scoped(request.user, Person.objects.select_related("village"))
    persons = persons.named(query).order_by("search_name")[:20] if query else persons.none()
    return render(request, "programmes/_person_results.html", {"persons": persons})


def _member(request, pk, member_pk) -> ClubMember:
    club = _scoped_club(request, pk)
    member = get_object_or_404(club.members, pk=member_pk)
    if not can_record(request.user, club.ou_path):
        raise PermissionDenied
    return member


@login_required
@require_POST
def member_leave(request, pk, member_pk):
    member = _member(request, pk, member_pk)
    try:
        club_services.leave_club(request.user, member)
    except ActivityError as err:
        for p in err.problems:
            messages.error(request, p.message)
    else:
        messages.success(request, _("%(name)s left the club.") % {"name": member.full_name})
    return redirect("club", pk=pk)


@login_required
@require_POST
def member_delete(request, pk, member_pk):
    member = _member(request, pk, member_pk)
    club_services.remove_member(request.user, member)
    messages.success(request, _("Removed %(name)s.") % {"name": member.full_name})
    return redirect("club", pk=pk)
