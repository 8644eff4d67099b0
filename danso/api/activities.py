"""Activities and clubs: list, record, read, replace and delete, within the caller's scope.

Writes go through programmes.activities and programmes.clubs, so the API refuses exactly what the
forms refuse, with the same codes: 422 ErrorsOut {"detail", "code", "errors": [...]}.
"""

import datetime
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from danso.accounts.scope import get_visible_unit_or_404, scope_paths, scoped
from danso.concurrency import StaleEdit, etag, parse_if_match
from danso.limits import Id, NoNulText, number, text
from danso.programmes import activities, clubs, maps
from danso.programmes.models import (
    Activity,
    ActivityKind,
    ActivityParticipants,
    ActivityService,
    Club,
    ClubMember,
    FundingSource,
    Service,
    Sex,
    TargetGroup,
)

from .register import ProblemsOut
from .schemas import StaleOut, stale_answer

router = Router(tags=["activities"])


def choice(choices, blank: bool = False):
    """A code list as a type, so the OpenAPI document lists the codes (with their labels in
    the description); `blank` also allows "". A code outside the list is a 422 `invalid_code`."""
    values = tuple(choices.values) + (("",) if blank else ())
    description = "; ".join(f"{c.value} {c.label}" for c in choices)
    return Annotated[Literal[values], Field(description=description)]


TargetGroupCode = choice(TargetGroup)
SexCode = choice(Sex)
ServiceCode = choice(Service)
FundingSourceCode = choice(FundingSource, blank=True)


class ParticipantsIO(Schema):
    target_group: TargetGroupCode
    sex: SexCode
    count: number(ActivityParticipants, "count", int, floor=False)


class ServiceIO(Schema):
    service: ServiceCode
    clients: number(ActivityService, "clients", int, floor=False)


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return f"/api/v1/activities/{obj.activity_id}/attachments/{obj.pk}"


class ActivityIn(Schema):
    kind: str  # checked by the service, so an unknown kind is refused like any other problem
    title: text(Activity, "title") = ""
    start_date: datetime.date
    end_date: datetime.date | None = None
    organiser: str
    places: list[str] = []
    participants: list[ParticipantsIO] = []
    services: list[ServiceIO] = []
    club: Id | None = None
    cost: number(Activity, "cost", int) | None = None
    funding_source: FundingSourceCode = ""
    notes: NoNulText = ""

    def to_input(self) -> activities.ActivityInput:
        data = self.dict()
        data["participants"] = [(p.target_group, p.sex, p.count) for p in self.participants]
        data["services"] = [(s.service, s.clients) for s in self.services]
        return activities.ActivityInput(**data)


class ActivityOut(Schema):
    id: int
    version: int
    kind: str
    title: str
    start_date: datetime.date
    end_date: datetime.date
    organiser: str
    places: list[str]
    participants: list[ParticipantsIO]
    services: list[ServiceIO]
    club: int | None
    cost: int | None
    funding_source: str
    notes: str
    attachments: list[AttachmentOut]
    created_by: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_organiser(obj) -> str:
        return obj.organiser.uid

    @staticmethod
    def resolve_places(obj) -> list[str]:
        return [p.uid for p in obj.places.all()]

    @staticmethod
    def resolve_participants(obj) -> list:
        return list(obj.participants.all())

    @staticmethod
    def resolve_services(obj) -> list:
        return list(obj.services.all())

    @staticmethod
    def resolve_club(obj) -> int | None:
        return obj.club_id

    @staticmethod
    def resolve_cost(obj) -> int | None:
        return None if obj.cost is None else int(obj.cost)

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


class ClubIn(Schema):
    organiser: str
    name: text(Club, "name")
    topic: text(Club, "topic") = ""
    founded_on: datetime.date | None = None
    closed_on: datetime.date | None = None


class ClubOut(Schema):
    id: int
    version: int
    organiser: str
    name: str
    topic: str
    founded_on: datetime.date | None
    closed_on: datetime.date | None
    members: int
    sessions: int

    @staticmethod
    def resolve_organiser(obj) -> str:
        return obj.organiser.uid

    @staticmethod
    def resolve_members(obj) -> int:
        return obj.members.filter(left_on__isnull=True).count()

    @staticmethod
    def resolve_sessions(obj) -> int:
        return obj.sessions.count()


class MemberIn(Schema):
    full_name: text(ClubMember, "full_name") = ""
    sex: str = ""
    birth_year: number(ClubMember, "birth_year", int) | None = None
    person: Id | None = None
    joined_on: datetime.date | None = None
    left_on: datetime.date | None = None


class MemberOut(Schema):
    id: int
    full_name: str
    sex: str
    birth_year: int | None
    person: int | None
    joined_on: datetime.date
    left_on: datetime.date | None

    @staticmethod
    def resolve_person(obj) -> int | None:
        return obj.person_id


def _run(write, *args, status=200, **kwargs):
    """Call a service: its problems become a 422, a refused role or unit a 403."""
    try:
        result = write(*args, **kwargs)
    except activities.ActivityError as err:
        return Status(
            422,
            {
                "detail": _("Refused"),
                "code": "invalid",
                "errors": [p.as_dict() for p in err.problems],
            },
        )
    except PermissionDenied as err:
        raise HttpError(403, str(err)) from err
    return Status(status, result) if status != 200 else result


def _activities(request, reached: bool = True):
    """Organised in the caller's area and (unless `reached` is False) those reaching it, which
    are read only (writes check can_record on the organiser)."""
    found = Activity.objects.select_related("organiser", "created_by").prefetch_related(
        "places", "participants", "services", "attachments"
    )
    return maps.visible_activities(request.auth, found) if reached else scoped(request.auth, found)


def _activity(request, activity_id: Id) -> Activity:
    """The activity, or 404 whether it does not exist or lies outside the caller's area."""
    return get_object_or_404(_activities(request), pk=activity_id)


def _club(request, club_id: Id) -> Club:
    return get_object_or_404(scoped(request.auth, Club.objects.select_related("organiser")),
                             pk=club_id)  # fmt: skip


@router.get("/activities", response=list[ActivityOut])
@paginate
def list_activities(
    request,
    kind: ActivityKind | None = None,
    unit: str | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    club: Id | None = None,
    where: Literal["organised", "reached", "both"] = "organised",
):
    """Activities organised in the caller's area, newest first; `unit` takes its subtree,
    `start`/`end` bound the start date (both included). `where=reached`: the activities held
    in the caller's area (a place there: a village, a commune, an old commune wholly inside, an
    organisation), whoever organised them; `both` adds them to those organised."""
    found = _activities(request, reached=False)
    if where == "reached":
        found = maps.reached_in(scope_paths(request.auth), _activities(request))
    elif where == "both":
        found = _activities(request)
    if kind:
        found = found.filter(kind=kind)
    if unit:
        found = found.filter(ou_path__startswith=get_visible_unit_or_404(request.auth, unit).path)
    if start:
        found = found.filter(start_date__gte=start)
    if end:
        found = found.filter(start_date__lte=end)
    if club:
        found = found.filter(club_id=club)
    return found


@router.post("/activities", response={201: ActivityOut, 422: ProblemsOut})
def create_activity(request, payload: ActivityIn):
    return _run(activities.save_activity, request.auth, payload.to_input(), status=201)


def _stale(err: StaleEdit, current, schema) -> Status:
    return stale_answer(err, schema.from_orm(current).dict())


@router.get("/activities/{activity_id}", response=ActivityOut)
def get_activity(request, activity_id: Id, response: HttpResponse):
    """The activity; `ETag` is its version, to send back as If-Match when replacing it."""
    activity = _activity(request, activity_id)
    response["ETag"] = etag(activity)
    return activity


@router.put("/activities/{activity_id}",
            response={200: ActivityOut, 409: StaleOut, 422: ProblemsOut})  # fmt: skip
def replace_activity(request, activity_id: Id, payload: ActivityIn, response: HttpResponse):
    """Replace the activity with the payload (attachments are kept). Send If-Match with the
    ETag read: 409 `stale_version`, with the activity as it stands, when someone saved it
    meanwhile (nothing of the payload is saved)."""
    activity = _activity(request, activity_id)
    expected = parse_if_match(request.headers.get("If-Match"))
    try:
        result = _run(activities.save_activity, request.auth, payload.to_input(), activity,
                      expected=expected)  # fmt: skip
    except StaleEdit as err:
        return _stale(err, _activity(request, activity_id), ActivityOut)
    if result is not activity:
        return result
    saved = _activity(request, activity_id)
    response["ETag"] = etag(saved)
    return saved


@router.delete("/activities/{activity_id}", response={204: None})
def delete_activity(request, activity_id: Id):
    _run(activities.delete_activity, request.auth, _activity(request, activity_id))
    return Status(204, None)


@router.post(
    "/activities/{activity_id}/attachments", response={201: list[AttachmentOut], 422: ProblemsOut}
)
def upload_attachments(request, activity_id: Id, files: list[UploadedFile] = File(...)):  # noqa: B008
    """Photos, PDF or office documents (multipart, field `files`), up to 10 MB each."""
    activity = _activity(request, activity_id)
    return _run(activities.add_attachments, request.auth, activity, files, status=201)


@router.get("/activities/{activity_id}/attachments/{attachment_id}")
def download_attachment(request, activity_id: Id, attachment_id: Id):
    attachment = get_object_or_404(_activity(request, activity_id).attachments, pk=attachment_id)
    try:
        opened = attachment.file.open("rb")
    except FileNotFoundError:  # the row outlived its file (a restore without the media folder)
        raise Http404 from None
    return FileResponse(opened, as_attachment=True, filename=attachment.name,
                        content_type=attachment.content_type)  # fmt: skip


@router.delete("/activities/{activity_id}/attachments/{attachment_id}", response={204: None})
def delete_attachment(request, activity_id: Id, attachment_id: Id):
    attachment = get_object_or_404(_activity(request, activity_id).attachments, pk=attachment_id)
    _run(activities.remove_attachment, request.auth, attachment)
    return Status(204, None)


# Clubs ------------------------------------------------------------------------------------


@router.get("/clubs", response=list[ClubOut], tags=["clubs"])
@paginate
def list_clubs(request, unit: str | None = None):
    found = scoped(request.auth, Club.objects.select_related("organiser"))
    if unit:
        found = found.filter(ou_path__startswith=get_visible_unit_or_404(request.auth, unit).path)
    return found


@router.post("/clubs", response={201: ClubOut, 422: ProblemsOut}, tags=["clubs"])
def create_club(request, payload: ClubIn):
    return _run(clubs.save_club, request.auth, clubs.ClubInput(**payload.dict()), status=201)


@router.get("/clubs/{club_id}", response=ClubOut, tags=["clubs"])
def get_club(request, club_id: Id, response: HttpResponse):
    """The club; `ETag` is its version, to send back as If-Match when replacing it."""
    club = _club(request, club_id)
    response["ETag"] = etag(club)
    return club


@router.put("/clubs/{club_id}", response={200: ClubOut, 409: StaleOut, 422: ProblemsOut},
            tags=["clubs"])  # fmt: skip
def replace_club(request, club_id: Id, payload: ClubIn, response: HttpResponse):
    """Replace the club. With If-Match: 409 `stale_version` and the club as it stands when
    someone saved it meanwhile."""
    club = _club(request, club_id)
    expected = parse_if_match(request.headers.get("If-Match"))
    try:
        result = _run(clubs.save_club, request.auth, clubs.ClubInput(**payload.dict()), club,
                      expected=expected)  # fmt: skip
    except StaleEdit as err:
        return _stale(err, _club(request, club_id), ClubOut)
    if isinstance(result, Club):
        response["ETag"] = etag(result)
    return result


@router.delete("/clubs/{club_id}", response={204: None, 422: ProblemsOut}, tags=["clubs"])
def delete_club(request, club_id: Id):
    """Only a club without sessions; one that met is closed instead (closed_on)."""
    result = _run(clubs.delete_club, request.auth, _club(request, club_id))
    return result if isinstance(result, Status) else Status(204, None)


@router.get("/clubs/{club_id}/sessions", response=list[ActivityOut], tags=["clubs"])
def club_sessions(request, club_id: Id):
    return _activities(request).filter(club=_club(request, club_id))


@router.get("/clubs/{club_id}/members", response=list[MemberOut], tags=["clubs"])
def list_members(request, club_id: Id):
    """Members, current and former (those with `left_on`)."""
    return _club(request, club_id).members.all()


@router.post(
    "/clubs/{club_id}/members", response={201: MemberOut, 422: ProblemsOut}, tags=["clubs"]
)
def add_member(request, club_id: Id, payload: MemberIn):
    club = _club(request, club_id)
    member = clubs.MemberInput(**payload.dict())
    return _run(clubs.save_member, request.auth, club, member, status=201)


@router.put(
    "/clubs/{club_id}/members/{member_id}",
    response={200: MemberOut, 422: ProblemsOut},
    tags=["clubs"],
)
def replace_member(request, club_id: Id, member_id: Id, payload: MemberIn):
    club = _club(request, club_id)
    member = get_object_or_404(club.members, pk=member_id)
    data = clubs.MemberInput(**payload.dict())
    return _run(clubs.save_member, request.auth, club, data, member)


@router.delete("/clubs/{club_id}/members/{member_id}", response={204: None}, tags=["clubs"])
def delete_member(request, club_id: Id, member_id: Id):
    """Delete a member entered by mistake; one who leaves gets `left_on` instead."""
    member = get_object_or_404(_club(request, club_id).members, pk=member_id)
    _run(clubs.remove_member, request.auth, member)
    return Status(204, None)
