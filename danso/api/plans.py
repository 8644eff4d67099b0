"""Plans, targets and progress: /api/v1/plans/{ou}/{year}, /api/v1/targets/{id}/…,
/api/v1/progress. Refusals carry machine-readable codes (403 `forbidden`, else 422)."""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from danso.accounts.scope import get_visible_unit_or_404, scoped
from danso.concurrency import parse_tag
from danso.limits import Id, Year, number, text
from danso.programmes import metrics, plans, progress
from danso.programmes.models import Plan, Target
from danso.programmes.plans import PlanError, Share

from .schemas import ErrorOut, StaleOut, stale_answer

router = Router(tags=["plans"])


# A target as its column holds it (DecimalField(18, 2)).
TargetValue = number(Target, "value")


class TargetIn(Schema):
    metric: str
    value: TargetValue
    value_max: TargetValue | None = None
    direction: str = ""  # at_least or at_most; empty: the usual one for the figure
    # An org-unit group's code: the target of its members inside the unit as one area.
    group: str | None = None


class ReviseIn(Schema):
    value: TargetValue
    value_max: TargetValue | None = None
    reason: text(Target, "reason")


class ShareIn(Schema):
    ou: str
    value: TargetValue
    value_max: TargetValue | None = None


class AllocateIn(Schema):
    allocations: list[ShareIn]
    reason: text(Target, "reason") = ""


class TargetOut(Schema):
    id: int
    ou: str
    year: int
    metric: str
    value: float
    value_max: float | None
    direction: str
    revision: int
    reason: str
    allocated_from: int | None
    created_at: datetime.datetime
    created_by: str | None

    @staticmethod
    def resolve_ou(obj) -> str:
        return obj.plan.unit.uid

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.plan.year

    @staticmethod
    def resolve_allocated_from(obj) -> int | None:
        return obj.allocated_from_id

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


class LineOut(Schema):
    metric: str
    metric_name: str
    kind: str  # count, stock or rate
    measure: str  # what is counted: Người, Chuyến, %…
    original: TargetOut
    current: TargetOut
    revisions: list[TargetOut]


class PlanOut(Schema):
    ou: str
    year: int
    targets: list[LineOut]


class WarningOut(Schema):
    code: str
    message: str
    allocated: float
    target: float
    difference: float  # negative: short of the target; positive: over it


class ShareOut(Schema):
    ou: str
    name: str
    target_id: Id | None
    value: float | None
    value_max: float | None


class AllocationOut(Schema):
    target: TargetOut
    total: float | None
    rows: list[ShareOut]
    warnings: list[WarningOut]


class ProgressRowOut(Schema):
    ou: str
    metric: str
    metric_name: str
    kind: str
    direction: str
    target: float
    target_max: float | None
    revision: int
    actual: float | None
    through: datetime.date | None
    percent: float | None  # actual ÷ target × 100
    expected: float  # % of the target expected by the date
    status: str  # green, amber, red, none
    met: bool


class UnitProgressOut(Schema):
    ou: str
    name: str
    targets: list[ProgressRowOut]


class ProgressOut(Schema):
    ou: str
    year: int
    as_of: datetime.date
    elapsed_share: float  # % of the year elapsed at the end of as_of
    units: list[UnitProgressOut]


def _refused(err: PlanError) -> Status:
    return Status(403 if err.code == plans.FORBIDDEN else 422,
                  {"detail": err.message, "code": err.code, "errors": [err.as_dict()]})  # fmt: skip


def _stale(err) -> Status:
    current = TargetOut.from_orm(err.current).dict()
    return stale_answer(err, current, err.current_tag)


def _target(request, target_id: Id) -> Target:
    """The target, or 404 outside the caller's area or on a sensitive figure without the
    permission."""
    targets = scoped(request.auth, Target.objects.select_related("plan__unit"), "plan__ou_path")
    target = get_object_or_404(targets, pk=target_id)
    metric = metrics.find(target.metric)
    if metric and metric.sensitive and not request.auth.can_access_sensitive:
        raise Http404
    return target


def _line(line: plans.Line) -> dict:
    m = line.metric
    return {"metric": m.code, "metric_name": m.name, "kind": m.kind, "measure": m.unit,
            "original": line.original, "current": line.current,
            "revisions": line.revisions}  # fmt: skip


def _allocation(result: plans.Allocation) -> dict:
    rows = [
        {"ou": unit.uid, "name": unit.name, "target_id": t.pk if t else None,
         "value": t.value if t else None, "value_max": t.value_max if t else None}
        for unit, t in result.rows
    ]  # fmt: skip
    return {"target": result.target, "total": result.total, "rows": rows,
            "warnings": [result.warning] if result.warning else []}  # fmt: skip


@router.get("/plans/{ou}/{year}", response=PlanOut)
def get_plan(request, ou: str, year: Year):
    """A unit's plan for a year: each target with its original and current revision and the
    whole history (empty when the unit has no plan)."""
    unit = get_visible_unit_or_404(request.auth, ou)
    plan = Plan.objects.filter(unit=unit, year=year, group__isnull=True).first()
    lines = plans.lines(plan, request.auth) if plan else []
    return {"ou": unit.uid, "year": year, "targets": [_line(line) for line in lines]}


@router.post("/plans/{ou}/{year}/targets", response={201: TargetOut, 403: ErrorOut, 422: ErrorOut})
def set_target(request, ou: str, year: Year, payload: TargetIn):
    """Add a target (`metric`: a data element code, a register figure or an indicator code)
    to the unit's plan for the year; a range is `value`–`value_max`. With `group` (an org-unit
    group's code), to the unit's plan for that group: its members inside the unit as one planned
    area (422 `unknown_group`, `no_members`)."""
    unit = get_visible_unit_or_404(request.auth, ou)
    try:
        group = None
        if payload.group:
            from danso.orgunits.models import OrgUnitGroup

            group = OrgUnitGroup.objects.filter(code=payload.group).first()
            if group is None:
                raise PlanError("unknown_group", _("Unknown org unit group “%(item)s”.")
                                % {"item": payload.group}, "group")  # fmt: skip
        target = plans.set_target(request.auth, unit, year, payload.metric, payload.value,
                                  payload.value_max, payload.direction, group)  # fmt: skip
    except PlanError as err:
        return _refused(err)
    return Status(201, target)


@router.post("/targets/{target_id}/revise",
             response={201: TargetOut, 403: ErrorOut, 409: StaleOut, 422: ErrorOut})  # fmt: skip
def revise_target(request, target_id: Id, payload: ReviseIn):
    """A mid-year revision (a reason is required): a new revision; the original stays. The
    target's id is its version: revising a target revised since answers 409 `stale_version`
    with the current revision in `current`."""
    target = _target(request, target_id)
    try:
        revised = plans.revise(request.auth, target, payload.value, payload.value_max,
                               payload.reason)  # fmt: skip
    except plans.StaleTarget as err:
        return _stale(err)
    except PlanError as err:
        return _refused(err)
    return Status(201, revised)


@router.get("/targets/{target_id}/allocation", response=AllocationOut)
def get_allocation(request, target_id: Id, response: HttpResponse):
    """The target's allocation to the units directly below, with the add-up warning; `ETag`
    tags it (If-Match when allocating)."""
    target = _target(request, target_id)
    response["ETag"] = f'"{plans.allocation_version(target)}"'
    return _allocation(plans.allocation(target))


@router.post("/targets/{target_id}/allocate",
             response={200: AllocationOut, 403: ErrorOut, 409: StaleOut,
                       422: ErrorOut})  # fmt: skip
def allocate_target(request, target_id: Id, payload: AllocateIn, response: HttpResponse):
    """Allocate the target to units directly below. Counts that do not add up to the target
    are kept and reported in `warnings` with the difference; rates are not added up. With
    If-Match (the allocation's ETag): 409 `stale_version` when the allocation or the target
    changed since."""
    target = _target(request, target_id)
    shares = [
        Share(get_visible_unit_or_404(request.auth, s.ou), s.value, s.value_max)
        for s in payload.allocations
    ]
    expected = parse_tag(request.headers.get("If-Match"))
    try:
        result = plans.allocate(request.auth, target, shares, payload.reason, expected)
    except plans.StaleTarget as err:
        return _stale(err)
    except PlanError as err:
        return _refused(err)
    response["ETag"] = f'"{plans.allocation_version(target)}"'
    return _allocation(result)


def _as_of(year: int | None, as_of: datetime.date | None) -> tuple[int, datetime.date]:
    today = timezone.localdate()
    year = year or (as_of.year if as_of else today.year)
    return year, as_of or progress.as_of_default(year, today)


def _row(row: progress.TargetProgress) -> dict:
    t = row.target
    return {"ou": row.unit.uid, "metric": row.metric.code, "metric_name": row.metric.name,
            "kind": row.metric.kind, "direction": t.direction, "target": t.value,
            "target_max": t.value_max, "revision": t.revision, "actual": row.actual,
            "through": row.through, "percent": row.percent, "expected": row.expected,
            "status": row.status, "met": row.met}  # fmt: skip


def _date_refused() -> Status:
    err = PlanError("date_outside_year", _("The date must lie in the plan's year."), "as_of")
    return _refused(err)


@router.get("/progress", response={200: ProgressOut, 422: ErrorOut})
def get_progress(request, ou: str, year: Year | None = None, as_of: datetime.date | None = None):
    """Progress of every current target of the plans of the unit's subtree at `as_of` (today
    by default): actual from 1 January, % of the target, % expected by then, status colour."""
    unit = get_visible_unit_or_404(request.auth, ou)
    year, day = _as_of(year, as_of)
    if day.year != year:
        return _date_refused()
    found = progress.progress(unit, year, day, request.auth)
    return {"ou": unit.uid, "year": year, "as_of": day,
            "elapsed_share": progress.elapsed_share(day) * 100,
            "units": [{"ou": p.unit.uid, "name": p.unit.name, "targets": [_row(r) for r in p.rows]}
                      for p in found]}  # fmt: skip


@router.get("/progress/lagging", response={200: list[ProgressRowOut], 422: ErrorOut})
def get_lagging(request, ou: str, year: Year | None = None, as_of: datetime.date | None = None):
    """The red targets of the unit's subtree at `as_of`, the furthest behind first."""
    unit = get_visible_unit_or_404(request.auth, ou)
    year, day = _as_of(year, as_of)
    if day.year != year:
        return _date_refused()
    return [_row(r) for r in progress.lagging(progress.progress(unit, year, day, request.auth))]


# 2025 plans of the old map reallocated to the new communes (programmes/reallocation.py) ------


class ReallocationRowOut(Schema):
    ou: str
    name: str
    proposed: float
    method: str  # exact, population (residents on 30/06/2025) or communes
    current: float | None


class ReallocationOut(Schema):
    ou: str
    year: int
    metric: str
    source_level: str
    old_total: float
    saved_total: float
    estimate: str | None  # the method's label when any row is apportioned
    difference: float
    version: str
    rows: list[ReallocationRowOut]


class ReallocateIn(Schema):
    metric: text(Target, "metric")
    shares: list[ShareIn]
    reason: text(Target, "reason") = ""


def _reallocation(proposal) -> dict:
    from danso.programmes import maps, reallocation

    return {
        "ou": proposal.province.uid, "year": reallocation.YEAR, "metric": proposal.metric.code,
        "source_level": proposal.source_level, "old_total": float(proposal.total),
        "saved_total": float(proposal.saved_total),
        "estimate": maps.method_label(maps.POPULATION, maps.LEGACY_DAY)
        if proposal.estimated else None,
        "difference": float(proposal.difference()), "version": reallocation.version(proposal),
        "rows": [{"ou": r.unit.uid, "name": r.unit.name, "proposed": float(r.proposed),
                  "method": r.method,
                  "current": float(r.current.value) if r.current else None}
                 for r in proposal.rows],
    }  # fmt: skip


def _province(request, ou: str):
    unit = get_visible_unit_or_404(request.auth, ou)
    if unit.level != "province" or unit.is_legacy:
        raise Http404
    return unit


@router.get("/plans/{ou}/2025/reallocation", response={200: ReallocationOut, 403: ErrorOut,
                                                       404: ErrorOut, 422: ErrorOut})  # fmt: skip
def get_reallocation(request, ou: str, metric: str):
    """What each new commune of the province is proposed of the old units' 2025 targets of a
    counted figure (exact, or apportioned by the residents of the villages on 30/06/2025:
    `method`), with what is saved; `version` to send back when saving."""
    from danso.programmes import reallocation

    try:
        return _reallocation(reallocation.propose(_province(request, ou), metric, request.auth))
    except PlanError as err:
        return _refused(err)


@router.post("/plans/{ou}/2025/reallocation",
             response={200: ReallocationOut, 403: ErrorOut, 404: ErrorOut, 409: StaleOut,
                       422: ErrorOut})  # fmt: skip
def save_reallocation(request, ou: str, payload: ReallocateIn):
    """Save the shares as the new communes' 2025 targets (a revision where one changes). The
    saved total may differ from the old one (`difference`, never refused). With If-Match (the
    `version` read): 409 `stale_version` when the old or the new targets changed since."""
    from danso.programmes import reallocation

    province = _province(request, ou)
    shares = [Share(get_visible_unit_or_404(request.auth, s.ou), s.value, s.value_max)
              for s in payload.shares]  # fmt: skip
    try:
        saved = reallocation.save(request.auth, province, payload.metric, shares, payload.reason,
                                  parse_tag(request.headers.get("If-Match")))  # fmt: skip
    except reallocation.StaleReallocation as err:
        return stale_answer(err, None, err.current_tag)
    except PlanError as err:
        return _refused(err)
    return _reallocation(saved)
