"""/api/v1/requests: ad hoc data requests from the level above (create, list, read, answer,
completeness). Answering is also the data-entry API of the request's data set
(/dataEntry/{code}/{ou}/{pe}), since a request is a data set."""

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from danso.accounts.scope import get_visible_unit_or_404
from danso.api.dataentry import CellErrorOut, CellIn, cells_refused, entry_refused
from danso.api.errors import ErrorsOut
from danso.programmes import entry
from danso.statistics import cycle

from . import services

router = Router(tags=["data requests"])


class AdhocElementIn(Schema):
    """An existing data element (`code`) or a new one (`name`, with its unit of count, value
    type and disaggregation, a category combo's code)."""

    code: str = Field("", max_length=50)
    name: str = Field("", max_length=300)
    unit: str = Field("Người", max_length=30)
    value_type: str = Field("INTEGER_ZERO_OR_POSITIVE", max_length=30)
    category_combo: str = Field("default", max_length=50)


class AdhocRequestIn(Schema):
    title: str = Field(..., max_length=300)
    note: str = Field("", max_length=5000)
    period: str = Field(..., max_length=10, description="the period asked, e.g. 2026Q3")
    deadline: datetime.date
    units: list[str] = Field(..., description="uids, or a boundary with LEVEL-commune / "
                                              "OU_GROUP-code, as in /analytics")  # fmt: skip
    elements: list[AdhocElementIn]


class AdhocElementOut(Schema):
    code: str
    name: str
    unit: str
    category_combo: str
    option_combos: list[str]


class AdhocRequestOut(Schema):
    code: str
    title: str
    note: str
    period: str
    deadline: datetime.date
    requester_unit: str
    created_at: datetime.datetime
    units: list[str]  # the units asked in the caller's area
    elements: list[AdhocElementOut]


class AdhocUnitStateOut(Schema):
    uid: str
    name: str
    state: str  # not_yet, missing, submitted, approved, late, returned
    submitted_at: datetime.datetime | None
    filled: int
    expected: int


class AdhocSummaryOut(Schema):
    asked: int
    answered: int
    on_time: int
    late: int
    returned: int
    missing: int
    not_yet: int


class AdhocTotalOut(Schema):
    dataElement: str
    categoryOptionCombo: str
    value: float | None


class AdhocCompletenessOut(Schema):
    code: str
    period: str
    deadline: datetime.date
    summary: AdhocSummaryOut
    units: list[AdhocUnitStateOut]
    totals: list[AdhocTotalOut]


class AdhocAnswerIn(Schema):
    values: list[CellIn]
    submit: bool = True


class AdhocAnswerOut(Schema):
    code: str
    orgUnit: str
    state: str
    version: int | None = None
    is_late: bool = False


class AdhocErrorsOut(ErrorsOut):
    errors: list[CellErrorOut] = []


def _out(request_obj, user) -> dict:
    elements = [
        {"code": e.code, "name": e.name, "unit": e.unit, "category_combo": e.category_combo.code,
         "option_combos": [c.code for c in entry.option_combos(e)]}
        for _s, e in entry.elements_of(request_obj.data_set)
    ]  # fmt: skip
    return {
        "code": request_obj.code, "title": request_obj.title, "note": request_obj.note,
        "period": request_obj.period, "deadline": request_obj.deadline,
        "requester_unit": request_obj.requester_unit.uid, "created_at": request_obj.created_at,
        "units": [u.uid for u in services.asked_units(request_obj, user)], "elements": elements,
    }  # fmt: skip


def _find(user, code: str):
    found = services.visible(user).filter(code=code).first()
    if found is None:
        raise services.DataRequest.DoesNotExist
    return found


@router.post("/requests", response={201: AdhocRequestOut, 403: ErrorsOut, 422: ErrorsOut})
def create_request(request, payload: AdhocRequestIn):
    """Send a request to the units below (province, central officers, administrators): the
    period asked must be over, the deadline not past; `units` as in /analytics. Refusals:
    422 with every problem (`unknown_element`, `unknown_category_combo`,
    `invalid_value_type`, `no_units`, `unknown_unit`, `period_not_over`, `deadline_past`…);
    403 `forbidden` for other roles."""
    user = request.auth
    if not services.may_request(user):
        detail = _("Only province and central officers send data requests.")
        return Status(403, {"detail": detail, "code": "forbidden"})
    try:
        created = services.create(
            user, title=payload.title, note=payload.note, period=payload.period,
            deadline=payload.deadline, units=payload.units,
            elements=[e.dict() for e in payload.elements],
        )  # fmt: skip
    except services.RequestError as err:
        detail = _("The request was not sent: correct what is listed.")
        return Status(422, {"detail": detail, "code": "invalid",
                            "errors": [p.as_dict() for p in err.problems]})  # fmt: skip
    return Status(201, _out(created, user))


@router.get("/requests", response=list[AdhocRequestOut])
def list_requests(request, received: bool = False, sent: bool = False):
    """The requests sent from the caller's area and those addressed to its units (`sent`,
    `received` to keep one kind), the newest first."""
    user = request.auth
    found = services.visible(user)
    rows = []
    for r in found[:500]:
        is_sent = services.is_requester(r, user)
        if (sent and not is_sent) or (received and is_sent):
            continue
        rows.append(_out(r, user))
    return rows


@router.get("/requests/{code}", response={200: AdhocRequestOut, 404: ErrorsOut})
def get_request(request, code: str):
    """One request (404 when neither sent from nor addressed to the caller's area)."""
    try:
        return _out(_find(request.auth, code), request.auth)
    except services.DataRequest.DoesNotExist:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})


@router.get("/requests/{code}/completeness",
            response={200: AdhocCompletenessOut, 404: ErrorsOut})  # fmt: skip
def request_completeness(request, code: str):
    """Who answered (on time, late), who has not, and the totals of the answers per data
    element and disaggregation cell: over the units asked that lie in the caller's area."""
    user = request.auth
    try:
        found = _find(user, code)
    except services.DataRequest.DoesNotExist:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    done = services.completeness(found, user)
    answers = services.answers(found, user)
    return {
        "code": found.code, "period": found.period, "deadline": found.deadline,
        "summary": done["summary"],
        "units": [{"uid": r["unit"].uid, "name": r["unit"].name, "state": r["state"],
                   "submitted_at": r["submission"].submitted_at if r["submission"] else None,
                   "filled": r["filled"], "expected": r["expected"]} for r in done["rows"]],
        "totals": [{"dataElement": e.code, "categoryOptionCombo": c.code,
                    "value": None if v is None else float(v)}
                   for (e, c), v in zip(answers["columns"], answers["totals"], strict=True)],
    }  # fmt: skip


@router.post(
    "/requests/{code}/answers/{ou}",
    response={200: AdhocAnswerOut, 201: AdhocAnswerOut, 403: ErrorsOut, 404: ErrorsOut,
              409: ErrorsOut, 422: AdhocErrorsOut},
)  # fmt: skip
def answer_request(request, code: str, ou: str, payload: AdhocAnswerIn):
    """A unit asked answers: its cells are saved all or nothing with the data entry's rules
    (422 lists every refused cell), then submitted (`submit`, default true; 201). 404 for a
    unit outside the caller's area or not asked; 403 for a role that does not enter; 409
    `locked` (approved) or a cycle refusal (`already_approved`)."""
    user = request.auth
    try:
        found = _find(user, code)
    except services.DataRequest.DoesNotExist:
        return Status(404, {"detail": _("Not found."), "code": "not_found"})
    unit = get_visible_unit_or_404(user, ou)
    if not found.data_set.is_assigned_to(unit):
        detail = _("This unit is not asked by the request.")
        return Status(404, {"detail": detail, "code": "not_asked"})
    typed = {(c.dataElement, c.categoryOptionCombo): c.value or "" for c in payload.values}
    comments = {(c.dataElement, c.categoryOptionCombo): c.comment for c in payload.values}
    try:
        errors = services.answer(user, found, unit, typed, comments, submit=payload.submit)
    except entry.EntryError as err:
        return entry_refused(err)
    except cycle.CycleError as err:
        return Status(409, {"detail": err.message, "code": err.code})
    if errors:
        return cells_refused(errors)
    state = services.state_of(found, unit)
    submission = state["submission"]
    return Status(201 if payload.submit else 200, {
        "code": found.code, "orgUnit": unit.uid, "state": state["state"],
        "version": submission.version if submission else None,
        "is_late": bool(submission and submission.is_late),
    })  # fmt: skip
