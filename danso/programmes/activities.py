"""Recording activities: the checks and the writes that the web pages and the API share.

An activity is written whole (participants, services, places, attachments) in one transaction.
Every problem found is reported at once, each with a stable code for the API and a Vietnamese
message for the forms, in the register's `Problem` shape. Activities count in the data elements
they feed (aggregate.fed_values), so their figures are never typed in a second time.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import can_record, reachable_places, scoped, visible_units
from danso.concurrency import claim
from danso.orgunits.models import Level, OrgUnit
from danso.register.validation import Problem

from . import attachments
from .models import (
    Activity,
    ActivityKind,
    ActivityMeasure,
    ActivityParticipants,
    ActivityService,
    Club,
    DataElement,
    FundingSource,
    Service,
    Sex,
    TargetGroup,
)

PLACE_LEVELS = (Level.COMMUNE, Level.VILLAGE, Level.ORGANISATION)


class ActivityError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class ActivityInput:
    """An activity as the form or the API gives it: units by uid, the club by id."""

    kind: str
    start_date: datetime.date | None
    organiser: str
    end_date: datetime.date | None = None  # the start date when empty: a one-day activity
    title: str = ""
    places: list[str] = field(default_factory=list)
    participants: list[tuple[str, str, int]] = field(default_factory=list)  # group, sex, n
    services: list[tuple[str, int]] = field(default_factory=list)  # service, clients
    club: int | None = None
    cost: Decimal | None = None
    funding_source: str = ""
    notes: str = ""


def organiser_choices(user):
    """Units a user may record activities for without searching: the units they hold and the
    villages and organisations right below them."""
    held = user.org_units.all()
    below = Q(parent__in=held, level__in=[Level.VILLAGE, Level.ORGANISATION])
    return OrgUnit.objects.filter(Q(pk__in=held) | below).order_by("path")


def editable_organiser(user, uid: str, problems: list[Problem]) -> OrgUnit | None:
    """The organising unit if the user may record for it; otherwise a problem is added."""
    unit = visible_units(user).filter(uid=uid or "").first()
    if unit is None:
        problems.append(
            Problem("organiser", "unknown_unit", _("No such organising unit in your scope."))
        )
    elif not can_record(user, unit.path):
        problems.append(
            Problem(
                "organiser",
                "not_editable",
                _("You may not record for %(unit)s.") % {"unit": unit.name},
            )
        )
        unit = None
    return unit


def _check_kind_and_dates(data: ActivityInput, today, problems) -> None:
    if data.kind not in ActivityKind.values:
        problems.append(Problem("kind", "unknown_kind", _("Choose the kind of activity.")))
    if data.start_date is None:
        problems.append(Problem("start_date", "required", _("Enter the start date.")))
        return
    if data.start_date > today:
        problems.append(
            Problem(
                "start_date",
                "in_future",
                _("The activity has not taken place yet: its start date is after today."),
            )
        )
    if data.end_date and data.end_date < data.start_date:
        problems.append(
            Problem("end_date", "end_before_start", _("The end date is before the start date."))
        )


def _check_places(user, organiser, uids, problems) -> list[OrgUnit]:
    if organiser is None:
        return []
    uids = list(dict.fromkeys(uids))  # a place chosen twice counts once
    found = {u.uid: u for u in reachable_places(user, organiser).filter(uid__in=uids)}
    for uid in uids:
        unit = found.get(uid)
        if unit is None:
            problems.append(
                Problem(
                    "places",
                    "unknown_place",
                    _("The place %(uid)s is not in your area.") % {"uid": uid},
                )
            )
        elif unit.level not in PLACE_LEVELS:
            problems.append(
                Problem(
                    "places",
                    "place_level",
                    _("%(name)s is not a commune, a village or an organisation.")
                    % {"name": unit.name},
                )
            )
    return [found[uid] for uid in uids if uid in found]


def _check_counts(data: ActivityInput, problems) -> None:
    seen = set()
    for index, (group, sex, count) in enumerate(data.participants):
        if group not in TargetGroup.values:
            message = _("Unknown target group.")
            problems.append(Problem("participants", "unknown_target_group", message, index=index))
        elif sex not in Sex.values:
            problems.append(Problem("participants", "unknown_sex", _("Unknown sex."), index=index))
        elif (group, sex) in seen:
            problems.append(
                Problem(
                    "participants",
                    "duplicate",
                    _("%(group)s, %(sex)s is given twice.")
                    % {"group": TargetGroup(group).label, "sex": Sex(sex).label},
                    index=index,
                )
            )
        elif count is None or count < 0:
            problems.append(
                Problem(
                    "participants",
                    "negative_count",
                    _("Participants (%(group)s, %(sex)s) cannot be negative.")
                    % {"group": TargetGroup(group).label, "sex": Sex(sex).label},
                    index=index,
                )
            )
        seen.add((group, sex))
    seen = set()
    for index, (service, clients) in enumerate(data.services):
        if service not in Service.values:
            message = _("Unknown service.")
            problems.append(Problem("services", "unknown_service", message, index=index))
        elif service in seen:
            problems.append(
                Problem(
                    "services",
                    "duplicate",
                    _("%(service)s is given twice.") % {"service": Service(service).label},
                    index=index,
                )
            )
        elif clients is None or clients < 0:
            problems.append(
                Problem(
                    "services",
                    "negative_count",
                    _("Clients of %(service)s cannot be negative.")
                    % {"service": Service(service).label},
                    index=index,
                )
            )
        seen.add(service)
    if data.cost is not None and data.cost < 0:
        problems.append(Problem("cost", "negative_cost", _("The cost cannot be negative.")))
    if data.funding_source and data.funding_source not in FundingSource.values:
        problems.append(
            Problem("funding_source", "unknown_funding_source", _("Unknown funding source."))
        )


def _check_club(user, data: ActivityInput, organiser, problems) -> Club | None:
    if data.kind != ActivityKind.CLUB_SESSION:
        if data.club:
            problems.append(
                Problem("club", "not_a_session", _("Only a club session names a club."))
            )
        return None
    club = scoped(user, Club.objects.all()).filter(pk=data.club).first() if data.club else None
    if club is None:
        problems.append(Problem("club", "required", _("Choose the club that met.")))
        return None
    if organiser and not club.ou_path.startswith(organiser.path):
        problems.append(
            Problem(
                "club",
                "club_outside_organiser",
                _("%(club)s does not belong to %(unit)s.")
                % {"club": club.name, "unit": organiser.name},
            )
        )
    start = data.start_date
    if start and club.founded_on and start < club.founded_on:
        problems.append(
            Problem("club", "club_not_founded", _("The club was founded after this session."))
        )
    if start and club.closed_on and start > club.closed_on:
        problems.append(
            Problem("club", "club_closed", _("The club had closed before this session."))
        )
    return club


def save_activity(
    user,
    data: ActivityInput,
    activity: Activity | None = None,
    uploads=(),
    remove=(),
    today=None,
    expected: int | None = None,
) -> Activity:
    """Create (no `activity`) or replace an activity with everything it holds; `remove` lists
    the ids of attachments to drop. Raises ActivityError with every problem found, StaleEdit
    when the activity was saved by someone else since version `expected` was read."""
    if not user.can_edit or (activity and not can_record(user, activity.ou_path)):
        raise PermissionDenied("You may not record this activity")
    today = today or timezone.localdate()
    problems: list[Problem] = []
    _check_kind_and_dates(data, today, problems)
    organiser = editable_organiser(user, data.organiser, problems)
    places = _check_places(user, organiser, data.places, problems)
    _check_counts(data, problems)
    club = _check_club(user, data, organiser, problems)
    kept = activity.attachments.exclude(pk__in=remove).count() if activity else 0
    problems += attachments.check_uploads(list(uploads), already=kept)
    if problems:
        raise ActivityError(problems)

    written = []
    try:
        with transaction.atomic():
            if activity:
                claim(activity, expected)
            activity = activity or Activity(created_by=user)
            activity.kind = data.kind
            title = " ".join(data.title.split())[:300]
            activity.title = title or str(ActivityKind(data.kind).label)
            activity.start_date = data.start_date
            activity.end_date = data.end_date or data.start_date
            activity.organiser = organiser
            activity.ou_path = organiser.path
            activity.club = club
            activity.cost = data.cost
            activity.funding_source = data.funding_source
            activity.notes = data.notes.strip()
            activity.save()
            activity.places.set(places)
            _replace_counts(activity, data)
            dropped = list(activity.attachments.filter(pk__in=remove))
            attachments.delete_files_on_commit(dropped)
            activity.attachments.filter(pk__in=[a.pk for a in dropped]).delete()
            attachments.store(activity, uploads, user, written)
    except BaseException:
        attachments.discard(written)
        raise
    return activity


def _replace_counts(activity: Activity, data: ActivityInput) -> None:
    """Participants and services are stored as given; empty and zero cells are not kept."""
    activity.participants.all().delete()
    activity.services.all().delete()
    ActivityParticipants.objects.bulk_create(
        ActivityParticipants(activity=activity, target_group=g, sex=s, count=n)
        for g, s, n in data.participants
        if n
    )
    ActivityService.objects.bulk_create(
        ActivityService(activity=activity, service=s, clients=n) for s, n in data.services if n
    )


def delete_activity(user, activity: Activity) -> None:
    if not can_record(user, activity.ou_path):
        raise PermissionDenied("You may not delete this activity")
    with transaction.atomic():
        attachments.delete_files_on_commit(list(activity.attachments.all()))
        activity.delete()


def add_attachments(user, activity: Activity, uploads) -> list:
    """Attach more files to a recorded activity (the API's upload)."""
    if not can_record(user, activity.ou_path):
        raise PermissionDenied("You may not change this activity")
    problems = attachments.check_uploads(list(uploads), already=activity.attachments.count())
    if problems:
        raise ActivityError(problems)
    written = []
    try:
        with transaction.atomic():
            attachments.store(activity, uploads, user, written)
    except BaseException:
        attachments.discard(written)
        raise
    return written


def remove_attachment(user, attachment) -> None:
    if not can_record(user, attachment.activity.ou_path):
        raise PermissionDenied("You may not change this activity")
    with transaction.atomic():
        attachments.delete_files_on_commit([attachment])
        attachment.delete()


def with_totals(activities):
    """Annotate people reached and clients served (subqueries: a join of both would multiply
    the rows)."""

    def total(model, column):
        rows = model.objects.filter(activity=OuterRef("pk")).values("activity")
        return Subquery(rows.annotate(n=Sum(column)).values("n"))

    return activities.annotate(
        people=total(ActivityParticipants, "count"), clients=total(ActivityService, "clients")
    )


def contributions(activity: Activity) -> list[tuple[DataElement, int]]:
    """What this activity adds to each data element it feeds, as aggregate.fed_values counts
    it, so the detail page can show where its figures go."""
    participants = sum(p.count for p in activity.participants.all())
    services = {s.service: s.clients for s in activity.services.all()}
    fed = DataElement.objects.exclude(feed_measure="").order_by("code")
    out = []
    for element in fed:
        if activity.kind not in element.feed_kinds:
            continue
        if element.feed_measure == ActivityMeasure.COUNT:
            value = 1
        elif element.feed_measure == ActivityMeasure.PARTICIPANTS:
            value = participants
        elif element.feed_service:
            value = services.get(element.feed_service, 0)
        else:
            value = sum(services.values())
        out.append((element, value))
    return out
