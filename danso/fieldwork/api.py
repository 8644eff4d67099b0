"""/api/v1/villages/{uid}/worklists: a village's worklists on a day (see worklists.py), and
the move inbox and reconciliation of a commune (moves.py, reconciliation.py)."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from danso.accounts.scope import can_review, get_visible_unit_or_404, scoped, visible_units
from danso.api.register import ProblemsOut
from danso.orgunits.models import Level
from danso.register.models import Event, EventKind, Household
from danso.register.services import RegisterError

from . import moves
from . import reconciliation as rec
from .worklists import LISTS, worklists

router = Router(tags=["fieldwork"])


class ItemOut(Schema):
    person: int | None
    full_name: str
    date_of_birth: datetime.date | None
    household: int | None
    household_number: str
    club: int | None
    club_name: str
    detail: str
    action: str
    due_on: datetime.date | None
    link: str  # the slip entry (web form) that closes the item


class WorklistOut(Schema):
    code: str
    title: str
    items: list[ItemOut]


@router.get(
    "/villages/{village_uid}/worklists",
    response={200: list[WorklistOut], 422: ProblemsOut},
)
def village_worklists(request, village_uid: str, as_of: datetime.date | None = None,
                      list_code: str | None = None):  # fmt: skip
    """The village's worklists on `as_of` (today by default); `list_code` picks one of
    free_contraception, no_method, resupply, prenatal, newborn, elderly, premarital, clubs."""
    village = get_visible_unit_or_404(request.auth, village_uid)
    if village.level != Level.VILLAGE:
        return Status(422, _refusal("village", "not_a_village", "Worklists are kept by village."))
    if list_code and list_code not in LISTS:
        return Status(422, _refusal("list_code", "invalid_code", "Unknown list."))
    day = as_of or timezone.localdate()
    return [
        {"code": wl.code, "title": str(wl.title), "items": [i.as_dict() for i in wl.items]}
        for wl in worklists(village, day, list_code)
    ]


def _refusal(field: str, code: str, message: str) -> dict:
    error = {"index": None, "field": field, "code": code, "message": message}
    return {"detail": message, "errors": [error]}


class ArrivalOut(Schema):
    move_out: int
    person: int
    full_name: str
    sex: str
    date_of_birth: datetime.date
    citizen_id: str
    moved_out_on: datetime.date
    origin: str  # the sending commune's identifier
    origin_name: str
    matches: list[int]  # move-ins entered as a new person that may be them


class DepartureOut(Schema):
    move_out: int
    full_name: str
    moved_out_on: datetime.date
    destination: str
    arrived_on: datetime.date | None
    arrived_in: str | None


class ArrivalIn(Schema):
    household: int
    arrived_on: datetime.date


class JoinIn(Schema):
    move_in: int


class MoveInOut(Schema):
    event: int
    person: int
    household: int
    occurred_on: datetime.date


def _officer_commune(request, uid):
    commune = get_visible_unit_or_404(request.auth, uid)
    if commune.level != Level.COMMUNE:
        raise Http404
    return commune


@router.get("/communes/{commune_uid}/expected-arrivals", response=list[ArrivalOut])
def expected_arrivals(request, commune_uid: str):
    """People who moved out of another commune towards this one and have not arrived yet."""
    commune = _officer_commune(request, commune_uid)
    return [
        {"move_out": m.pk, "person": m.person_id, "full_name": m.person.full_name,
         "sex": m.person.sex, "date_of_birth": m.person.date_of_birth,
         "citizen_id": m.person.citizen_id, "moved_out_on": m.occurred_on,
         "origin": m.village.parent.uid, "origin_name": m.village.parent.name,
         "matches": [e.pk for e in moves.matches(m)]}
        for m in moves.expected(commune)
    ]  # fmt: skip


@router.get("/communes/{commune_uid}/departures", response=list[DepartureOut])
def departures(request, commune_uid: str, since: datetime.date | None = None):
    """The commune's move-outs, and when and in which commune each person arrived."""
    commune = _officer_commune(request, commune_uid)
    return [
        {"move_out": d["event"].pk, "full_name": d["event"].person.full_name,
         "moved_out_on": d["event"].occurred_on,
         "destination": d["event"].data.get("destination", ""),
         "arrived_on": d["arrived_on"],
         "arrived_in": d["arrived_in"].uid if d["arrived_in"] else None}
        for d in moves.departures(commune, since)
    ]  # fmt: skip


def receivable_move(user, pk: int) -> Event:
    """A move out towards a commune the user reviews (404 otherwise)."""
    move = get_object_or_404(Event.objects.select_related("person", "village__parent"),
                             pk=pk, kind=EventKind.MOVE_OUT, is_superseded=False)  # fmt: skip
    commune = visible_units(user).filter(uid=move.data.get("destination", "")).first()
    if commune is None or not can_review(user, commune.path):
        raise Http404
    return move


@router.post("/moves/{move_out_id}/arrival",
             response={201: MoveInOut, 422: ProblemsOut})  # fmt: skip
def confirm_arrival(request, move_out_id: int, payload: ArrivalIn):
    """The receiving officer confirms the arrival in a household of their commune: a move in
    of the same person (one history), on the village's slip."""
    move = receivable_move(request.auth, move_out_id)
    household = get_object_or_404(scoped(request.auth, Household.objects), pk=payload.household)
    try:
        event = moves.confirm_arrival(move, household, payload.arrived_on, request.auth)
    except RegisterError as err:
        return Status(422, {"detail": "Refused", "errors": [p.as_dict() for p in err.problems]})
    return Status(201, _move_in(event))


@router.post("/moves/{move_out_id}/join", response={201: MoveInOut, 422: ProblemsOut})
def join(request, move_out_id: int, payload: JoinIn):
    """The receiving officer confirms that a move in entered as a new person is the person who
    moved out: the entry is superseded by a move in of that person."""
    move = receivable_move(request.auth, move_out_id)
    entry = get_object_or_404(scoped(request.auth, Event.objects), pk=payload.move_in)
    try:
        event = moves.join(entry, move, request.auth)
    except RegisterError as err:
        return Status(422, {"detail": "Refused", "errors": [p.as_dict() for p in err.problems]})
    return Status(201, _move_in(event))


def _move_in(event: Event) -> dict:
    return {"event": event.pk, "person": event.person_id, "household": event.household_id,
            "occurred_on": event.occurred_on}  # fmt: skip


class ReconciliationLineOut(Schema):
    source: str
    label: str
    other: int | None  # the other sector's figure (None: not imported)
    in_register: int
    difference: int | None
    reason: str


class PersonRowOut(Schema):
    citizen_id: str
    full_name: str
    date_of_birth: datetime.date | None


class MatchOut(Schema):
    in_file: int
    matched: int
    unmatched_file: list[PersonRowOut]
    unmatched_register: list[int]  # person ids
    register_without_id: list[int]


class ReconciliationOut(Schema):
    commune: str
    period: str
    lines: list[ReconciliationLineOut]
    explanation: str
    signed_off_at: datetime.datetime | None
    signed_off_by: str | None
    people: dict[str, MatchOut]


class ExplanationIn(Schema):
    explanation: str
    sign_off: bool = False


class ImportOut(Schema):
    rows: int


def _reconciliation(commune, period) -> dict:
    record = rec.Reconciliation.objects.filter(commune=commune, period=period.id).first()
    people = {
        source: {**{k: m[k] for k in ("in_file", "matched", "unmatched_file")},
                 "unmatched_register": [p.pk for p in m["unmatched_register"]],
                 "register_without_id": [p.pk for p in m["register_without_id"]]}
        for source, m in rec.people_matches(commune, period).items()
    }  # fmt: skip
    lines = [{**vars(line), "in_register": line.register, "difference": line.difference}
             for line in rec.lines(commune, period)]  # fmt: skip
    return {
        "commune": commune.uid, "period": period.id, "lines": lines,
        "explanation": record.explanation if record else "",
        "signed_off_at": record.signed_off_at if record else None,
        "signed_off_by": record.signed_off_by.username if record and record.signed_off_by else None,
        "people": people,
    }  # fmt: skip


def _period_or_refusal(value):
    try:
        return rec.parse_period(value), None
    except rec.RowError as err:
        return None, Status(422, {"detail": "Refused", "errors": [err.problem.as_dict()]})


@router.get("/communes/{commune_uid}/reconciliation",
            response={200: ReconciliationOut, 422: ProblemsOut})  # fmt: skip
def reconciliation(request, commune_uid: str, period: str):
    """Other sectors' figures beside the register's for a quarter, half-year (2025S1) or year,
    the differences, the explanation and sign-off, and the person-by-person matches."""
    commune = _officer_commune(request, commune_uid)
    chosen, refusal = _period_or_refusal(period)
    return refusal or _reconciliation(commune, chosen)


@router.post("/communes/{commune_uid}/reconciliation",
             response={200: ReconciliationOut, 422: ProblemsOut})  # fmt: skip
def explain(request, commune_uid: str, period: str, payload: ExplanationIn):
    """Save the commune's explanation; `sign_off` also signs the period off (refused while a
    difference is unexplained, or once signed off)."""
    commune = _officer_commune(request, commune_uid)
    chosen, refusal = _period_or_refusal(period)
    if refusal:
        return refusal
    try:
        rec.record_explanation(request.auth, commune, chosen, payload.explanation,
                               sign=payload.sign_off)  # fmt: skip
    except rec.ImportRefused as err:
        return Status(422, {"detail": "Refused", "errors": [p.as_dict() for p in err.problems]})
    return _reconciliation(commune, chosen)


@router.post("/reconciliation/import", response={201: ImportOut, 422: ProblemsOut})
def import_file(request, kind: str, file: UploadedFile = File(...)):  # noqa: B008
    """`kind=counts` (commune, period, source, value) or `kind=persons` (commune, period,
    source, citizen_id, full_name, date_of_birth), CSV or XLSX; all or nothing, every refused
    row in `errors` with its line as `index`."""
    if kind not in ("counts", "persons"):
        return Status(422, _refusal("kind", "invalid_code", "counts or persons."))
    importer = rec.import_counts if kind == "counts" else rec.import_persons
    try:
        rows = importer(request.auth, file.name, file.read())
    except rec.ImportRefused as err:
        return Status(422, {"detail": "Refused", "errors": [p.as_dict() for p in err.problems]})
    return Status(201, {"rows": rows})
