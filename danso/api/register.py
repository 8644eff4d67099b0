"""Register endpoints: households, persons, slips and their changes, as-of state, timelines."""

import datetime
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from danso.accounts.scope import can_record, can_review, get_visible_unit_or_404, scoped
from danso.concurrency import StaleEdit, etag, parse_if_match
from danso.limits import Id, NoNulText, number, text
from danso.orgunits.models import Level
from danso.register import codes, services
from danso.register.inputs import UnknownReference, build_change, scoped_sources
from danso.register.models import Event, EventKind, Household, HouseholdPoverty, Person, Slip
from danso.register.projection import state_as_of
from danso.register.queries import households_as_of, missing_slips, timeline
from danso.register.validation import RECORDABLE_KINDS
from danso.text import fold

from .errors import ErrorItem, ErrorsOut
from .schemas import StaleOut, stale_answer

router = Router(tags=["register"])


def coded(*code_lists: codes.CodeList, blank: bool = False):
    """The codes of register.codes lists as a type, so that the OpenAPI document lists the
    allowed values (and their labels in the description); `blank` also allows ""."""
    values = tuple(dict.fromkeys(code for cl in code_lists for code in cl.codes))
    description = "; ".join(
        f"{cl.name}: " + ", ".join(f"{code} {label}" for code, label in cl.codes.items())
        for cl in code_lists
    )
    return Annotated[Literal[values + (("",) if blank else ())], Field(description=description)]


Sex = coded(codes.SEX)
Relationship = coded(codes.RELATIONSHIP)
Ethnicity = coded(codes.ETHNICITY)
Education = coded(codes.EDUCATION, blank=True)
MaritalStatus = coded(codes.MARITAL_STATUS)
ResidenceKind = coded(codes.RESIDENCE_KIND)
HouseholdKind = coded(codes.HOUSEHOLD_KIND)
Poverty = coded(codes.POVERTY)
Method = coded(codes.METHOD, blank=True)
# A birth's place is a place of delivery; any other change's place, a service place.
Place = coded(codes.PLACE_OF_DELIVERY, codes.SERVICE_PLACE, blank=True)
Outcome = coded(codes.PREGNANCY_OUTCOME, blank=True)
RecordableKind = Literal[tuple(k for k in EventKind.values if k in RECORDABLE_KINDS)]


class ProblemOut(ErrorItem):
    severity: str = "error"


class ProblemsOut(ErrorsOut):
    errors: list[ProblemOut]


class HouseholdIn(Schema):
    village: str
    number: text(Household, "number")
    address: text(Household, "address") = ""
    kind: HouseholdKind = codes.FAMILY_HOUSEHOLD


class PovertyIn(Schema):
    year: number(HouseholdPoverty, "year", int)
    status: Poverty


class HouseholdOut(Schema):
    id: int
    version: int
    village: str
    number: str
    address: str
    kind: HouseholdKind
    head_name: str
    poverty: dict[int, Poverty]

    @staticmethod
    def resolve_village(obj) -> str:
        return obj.village.uid

    @staticmethod
    def resolve_poverty(obj) -> dict[int, Poverty]:
        return {p.year: p.status for p in obj.poverty.all()}


class PersonOut(Schema):
    id: int
    household: int
    village: str
    subject_code: str
    full_name: str
    sex: Sex
    date_of_birth: datetime.date
    relationship: Relationship
    ethnicity: Ethnicity
    education: Education
    marital_status: MaritalStatus
    residence_kind: ResidenceKind
    citizen_id: str
    spouse: int | None
    died_on: datetime.date | None
    left_on: datetime.date | None
    is_pending: bool

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id

    @staticmethod
    def resolve_spouse(obj) -> int | None:
        return obj.spouse_id

    @staticmethod
    def resolve_village(obj) -> str:
        return obj.ou_path.strip("/").split("/")[-1]


class EventOut(Schema):
    id: int
    kind: EventKind
    occurred_on: datetime.date
    recorded_at: datetime.datetime
    recorded_by: str | None
    slip: int | None
    household: int
    person: int
    other_person: int | None
    method: Method
    place: Place
    outcome: Outcome
    birth_order: int | None
    is_child_marriage: bool
    is_consanguineous: bool
    is_accepted: bool
    is_superseded: bool
    supersedes: int | None
    reason: str
    data: dict

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        return obj.recorded_by.username if obj.recorded_by_id else None

    @staticmethod
    def resolve_household(obj) -> int:
        return obj.household_id

    @staticmethod
    def resolve_person(obj) -> int:
        return obj.person_id

    @staticmethod
    def resolve_other_person(obj) -> int | None:
        return obj.other_person_id

    @staticmethod
    def resolve_slip(obj) -> int | None:
        return obj.slip_id

    @staticmethod
    def resolve_supersedes(obj) -> int | None:
        return obj.supersedes_id


class PersonDataIn(Schema):
    full_name: text(Person, "full_name") = ""
    sex: coded(codes.SEX, blank=True) = ""
    date_of_birth: datetime.date | None = None
    relationship: coded(codes.RELATIONSHIP, blank=True) = ""
    ethnicity: coded(codes.ETHNICITY, blank=True) = ""
    education: Education = ""
    marital_status: coded(codes.MARITAL_STATUS, blank=True) = ""
    residence_kind: coded(codes.RESIDENCE_KIND, blank=True) = ""
    citizen_id: text(Person, "citizen_id") = ""
    subject_code: text(Person, "subject_code") = ""
    phone: text(Person, "phone") = ""
    prior_live_births: number(Person, "prior_live_births", int) = 0


class ChangeIn(Schema):
    kind: RecordableKind
    occurred_on: datetime.date
    household: Id
    person: Id | None = None
    person_data: PersonDataIn | None = None
    other_person: Id | None = Field(
        None, description="the mother of a birth; the spouse of a marriage, registration or move in"
    )
    method: Method = ""
    place: Place = ""
    outcome: Outcome = ""
    birth_order: number(Event, "birth_order", int) | None = None
    is_consanguineous: bool = False
    data: dict = {}


class SlipOut(Schema):
    id: int
    village: str
    period: str
    status: str
    comment: str
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    events: int

    @staticmethod
    def resolve_village(obj) -> str:
        return obj.village.uid

    @staticmethod
    def resolve_events(obj) -> int:
        return obj.events.count()


class CorrectionIn(Schema):
    reason: text(Event, "reason")
    change: ChangeIn | None = None


class ReviewIn(Schema):
    comment: NoNulText = ""


def _in_scope(request, model, pk: int):
    """The row, or 404 whether it does not exist or lies outside the caller's area."""
    return get_object_or_404(scoped(request.auth, model.objects.all()), pk=pk)


def _problems(problems) -> Status:
    errors = [p.as_dict() for p in problems]
    return Status(422, {"detail": _("Refused"), "code": "invalid", "errors": errors})


# A search longer than the folded name column cannot match (and a query of many words would
# otherwise become as many conditions).
NameSearch = text(Person, "search_name")


@router.get("/households", response=list[HouseholdOut])
@paginate
def list_households(
    request, village: str | None = None, q: text(Household, "search_text") | None = None
):
    households = scoped(
        request.auth, Household.objects.select_related("village").prefetch_related("poverty")
    )
    if village:
        households = households.filter(village=get_visible_unit_or_404(request.auth, village))
    if q:
        households = households.filter(search_text__contains=fold(q))
    return households


@router.post("/households", response={201: HouseholdOut, 422: ProblemsOut})
def create_household(request, payload: HouseholdIn):
    village = get_visible_unit_or_404(request.auth, payload.village)
    if not can_record(request.auth, village.path):
        raise HttpError(403, _("You may not add households here"))
    try:
        household = services.create_household(
            village,
            number=payload.number,
            address=payload.address,
            kind=payload.kind,
            user=request.auth,
        )
    except services.RegisterError as err:
        return _problems(err.problems)
    return Status(201, household)


@router.get("/households/{household_id}", response=HouseholdOut)
def get_household(request, household_id: Id, response: HttpResponse):
    """The household; `ETag` is the version of its poverty statuses (If-Match when setting)."""
    household = _in_scope(request, Household, household_id)
    response["ETag"] = etag(household)
    return household


@router.put("/households/{household_id}/poverty",
            response={200: HouseholdOut, 409: StaleOut, 422: ProblemsOut})  # fmt: skip
def set_poverty(request, household_id: Id, payload: PovertyIn, response: HttpResponse):
    """Poverty status for a year: 0 neither, 1 poor, 2 near-poor. Send If-Match with the
    household's ETag: 409 `stale_version`, with the statuses as they stand, when someone set
    one meanwhile."""
    household = _in_scope(request, Household, household_id)
    if not can_record(request.auth, household.ou_path):
        raise HttpError(403, _("You may not change this household"))
    try:
        services.set_poverty(household, payload.year, payload.status,
                             parse_if_match(request.headers.get("If-Match")))  # fmt: skip
    except services.RegisterError as err:
        return _problems(err.problems)
    except StaleEdit as err:
        current = HouseholdOut.from_orm(_in_scope(request, Household, household_id)).dict()
        return stale_answer(err, current)
    response["ETag"] = etag(household)
    return household


@router.get("/households/{household_id}/members", response=list[dict])
def household_members(request, household_id: Id, as_of: datetime.date | None = None):
    """Who lived in the household on a date (today by default), with each person's state."""
    household = _in_scope(request, Household, household_id)
    day = as_of or datetime.date.today()
    return households_as_of([household], day)[household.pk]


@router.get("/households/{household_id}/timeline", response=list[EventOut])
def household_timeline(request, household_id: Id):
    household = _in_scope(request, Household, household_id)
    return timeline(household=household)


@router.get("/persons", response=list[PersonOut])
@paginate
def list_persons(
    request,
    q: NameSearch | None = Query(None, description="name, with or without diacritics"),
    citizen_id: str | None = None,
    village: str | None = None,
    household: Id | None = None,
):
    persons = scoped(request.auth, Person.objects.all())
    if q:
        persons = persons.named(q)
    if citizen_id:
        persons = persons.identified_by(citizen_id)
    if village:
        persons = persons.filter(village=get_visible_unit_or_404(request.auth, village))
    if household:
        persons = persons.filter(household_id=household)
    return persons.order_by("ou_path", "household_id", "date_of_birth")


@router.get("/persons/{person_id}", response=PersonOut)
def get_person(request, person_id: Id):
    return _in_scope(request, Person, person_id)


@router.get("/persons/{person_id}/state", response=dict)
def person_state(request, person_id: Id, as_of: datetime.date):
    """The person's state on a past date, from accepted changes up to that date."""
    person = _in_scope(request, Person, person_id)
    state = state_as_of(person, as_of)
    return {**state, "date_of_birth": str(state.get("date_of_birth", "")), "as_of": as_of}


@router.get("/persons/{person_id}/timeline", response=list[EventOut])
def person_timeline(request, person_id: Id):
    person = _in_scope(request, Person, person_id)
    return timeline(person=person)


@router.get("/slips", response=list[SlipOut])
@paginate
def list_slips(
    request,
    village: str | None = None,
    period: str | None = None,
    status: Slip.Status | None = None,
):
    slips = scoped(request.auth, Slip.objects.select_related("village"))
    if village:
        slips = slips.filter(village=get_visible_unit_or_404(request.auth, village))
    if period:
        slips = slips.filter(period=period)
    if status:
        slips = slips.filter(status=status)
    return slips


@router.post(
    "/villages/{village_uid}/slips/{period}/events",
    response={201: list[EventOut], 422: ProblemsOut},
)
def record_changes(request, village_uid: str, period: str, payload: list[ChangeIn]):
    """Record changes on a village's slip for a month (YYYYMM). All or nothing: if any change
    is refused, none is kept and every problem is returned with its index."""
    village = get_visible_unit_or_404(request.auth, village_uid)
    if village.level != Level.VILLAGE or not can_record(request.auth, village.path):
        raise HttpError(403, _("You may not record changes here"))
    if len(period) != 6 or not period.isdigit() or not 1 <= int(period[4:]) <= 12:
        raise HttpError(422, _("period must be a month: YYYYMM"))
    households, persons = scoped_sources(request.auth)
    changes, problems = [], []
    for index, item in enumerate(payload):
        try:
            changes.append(build_change(item.dict(), households, persons))
        except UnknownReference as err:
            err.problem.index = index
            problems.append(err.problem)
    if problems:
        return _problems(problems)
    try:
        with transaction.atomic():  # a refused batch leaves no empty slip behind
            slip = services.slip_for(village, period)
            # the persons were read just now by build_change
            events, _warnings = services.record(slip, changes, user=request.auth, fresh=True)
    except services.RegisterError as err:
        return _problems(err.problems)
    return Status(201, events)


def _slip(request, slip_id: Id) -> Slip:
    return _in_scope(request, Slip, slip_id)


@router.post("/slips/{slip_id}/submit", response={200: SlipOut, 422: ProblemsOut})
def submit_slip(request, slip_id: Id):
    slip = _slip(request, slip_id)
    if not can_record(request.auth, slip.ou_path):
        raise HttpError(403, _("You may not submit this slip"))
    return _review(services.submit, slip, request.auth)


@router.post("/slips/{slip_id}/accept", response={200: SlipOut, 422: ProblemsOut})
def accept_slip(request, slip_id: Id):
    slip = _slip(request, slip_id)
    if not can_review(request.auth, slip.ou_path):
        raise HttpError(403, _("Only the commune officer reviews slips"))
    return _review(services.accept, slip, request.auth)


@router.post("/slips/{slip_id}/return", response={200: SlipOut, 422: ProblemsOut})
def return_slip(request, slip_id: Id, payload: ReviewIn):
    slip = _slip(request, slip_id)
    if not can_review(request.auth, slip.ou_path):
        raise HttpError(403, _("Only the commune officer reviews slips"))
    return _review(services.send_back, slip, request.auth, payload.comment)


def _review(action, slip, user, *args):
    try:
        action(slip, user, *args)
    except services.RegisterError as err:
        return _problems(err.problems)
    slip.refresh_from_db()
    return slip


@router.post("/events/{event_id}/correct", response={201: EventOut, 422: ProblemsOut})
def correct_event(request, event_id: Id, payload: CorrectionIn):
    """Supersede an event with a corrected one, or cancel it (no `change`), with a reason."""
    event = _in_scope(request, Event, event_id)
    allowed = can_review if event.is_accepted else can_record
    if not allowed(request.auth, event.ou_path):
        raise HttpError(403, _("You may not correct this entry"))
    change = None
    if payload.change:
        try:
            change = build_change(payload.change.dict(), *scoped_sources(request.auth))
        except UnknownReference as err:
            return _problems([err.problem])
    try:
        return Status(201, services.correct(event, change, payload.reason, request.auth))
    except services.RegisterError as err:
        return _problems(err.problems)


@router.get("/communes/{commune_uid}/missing-slips", response=list[dict])
def missing(request, commune_uid: str, period: str):
    """Villages of a commune that have not handed in the month's slip."""
    commune = get_visible_unit_or_404(request.auth, commune_uid)
    return [
        {"uid": v.uid, "name": v.name, "status": status}
        for v, status in missing_slips(commune, period)
    ]
