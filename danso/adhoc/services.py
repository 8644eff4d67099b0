"""Ad hoc data requests: creating one (a small data set of new or existing data elements,
the units asked, the period, a deadline), the requests a unit must answer, answering through
the usual entry and the reporting cycle, and the requester's completeness and totals.

A request is a data set assigned to the units asked (`DataSet.units`), for one period: its
figures are data values like any other, entered with the data-entry form (programmes.entry:
the same parsing, refusals and lock), submitted and approved through statistics.cycle (its
deadline is the request's date, `DataSet.fixed_deadline`), and shown by the table builder
(its data elements are figures there). Everything is limited to the user's area: a unit sees
the requests addressed to units of its subtree, the requester those sent from its area, and
completeness and answers only of the units asked that lie in the user's area."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.models import Role
from danso.accounts.scope import home_unit, path_in_scope, path_q, scope_paths
from danso.limits import too_long_message
from danso.orgunits.models import Level, OrgUnit
from danso.programmes import entry
from danso.programmes.models import (
    CategoryCombo,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
    ValueType,
)
from danso.statistics import cycle
from danso.statistics.periods import Period, PeriodError
from danso.uids import uid_for

from .models import DataRequest

REQUESTING_ROLES = {Role.ADMIN, Role.CENTRAL, Role.PROVINCE}
REQUESTING_LEVELS = {Level.NATION, Level.PROVINCE}
MAX_ELEMENTS = 30
ANSWERED = ("submitted", "approved", "late")  # a returned answer is to be sent again


@dataclass
class RequestProblem:
    field: str
    code: str
    message: str
    index: int | None = None

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message,
                "index": self.index}  # fmt: skip


@dataclass
class RequestError(Exception):
    problems: list[RequestProblem] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "; ".join(p.message for p in self.problems)


def may_request(user) -> bool:
    """Province and central officers (and administrators) ask the levels below."""
    unit = home_unit(user)
    return bool(
        user.is_authenticated and user.can_edit and user.role in REQUESTING_ROLES
        and unit is not None and unit.level in REQUESTING_LEVELS
    )  # fmt: skip


def _next_code(year: int) -> str:
    taken = set(
        DataRequest.objects.filter(code__startswith=f"YC{year}").values_list("code", flat=True)
    )
    n = len(taken) + 1
    while f"YC{year}{n:04d}" in taken or DataSet.objects.filter(code=f"YC{year}{n:04d}").exists():
        n += 1
    return f"YC{year}{n:04d}"


def resolve_units(user, items: list[str]) -> list[OrgUnit]:
    """The units asked, in the analysis's syntax (uids, `LEVEL-commune`, `OU_GROUP-DTTS`
    inside the units named beside them): current units of the user's area below the village
    level's parents, never the requester's own unit. Raises RequestError."""
    from danso.analysis.errors import AnalysisError
    from danso.analysis.units import resolve

    if not items:
        raise RequestError([RequestProblem("units", "required", _("Choose the units asked."))])
    try:
        units = resolve(items, user)
    except AnalysisError as err:
        raise RequestError([RequestProblem("units", err.code, err.message)]) from err
    own = {p for p in scope_paths(user)}
    chosen = [u for u in units if not u.is_legacy and u.level != Level.VILLAGE
              and u.path not in own]  # fmt: skip
    if not chosen:
        raise RequestError([RequestProblem(
            "units", "no_units",
            _("No unit to ask: choose current units below your own (communes, provinces, "
              "organisations)."),
        )])  # fmt: skip
    return chosen


def _elements(user, code: str, items: list[dict]) -> tuple[list, list[RequestProblem]]:
    """(existing DataElement or a new unsaved one, section) for each item, and the problems."""
    problems, found = [], []
    if not items:
        problems.append(RequestProblem("elements", "required", _("Ask for at least one figure.")))
    if len(items) > MAX_ELEMENTS:
        problems.append(RequestProblem(
            "elements", "too_many",
            _("At most %(n)s figures in one request.") % {"n": MAX_ELEMENTS},
        ))  # fmt: skip
    combos = {c.code: c for c in CategoryCombo.objects.all()}
    seen = set()
    for i, item in enumerate(items[:MAX_ELEMENTS]):
        existing = (item.get("code") or "").strip()
        if existing:
            element = DataElement.objects.filter(code=existing).first()
            if element is None:
                problems.append(RequestProblem(
                    "elements", "unknown_element",
                    _("Unknown data element “%(code)s”.") % {"code": existing}, i,
                ))  # fmt: skip
            elif element.sensitive and not user.can_access_sensitive:
                problems.append(RequestProblem(
                    "elements", "sensitive",
                    _("“%(code)s” is sensitive: it needs the permission to see sensitive data.")
                    % {"code": existing}, i,
                ))  # fmt: skip
            elif element.code in seen:
                problems.append(RequestProblem(
                    "elements", "duplicate",
                    _("“%(code)s” is asked twice.") % {"code": existing}, i,
                ))  # fmt: skip
            else:
                seen.add(element.code)
                found.append(element)
            continue
        name = (item.get("name") or "").strip()
        value_type = item.get("value_type") or ValueType.INTEGER_ZERO_OR_POSITIVE
        combo = combos.get(item.get("category_combo") or CategoryCombo.DEFAULT)
        if not name:
            problems.append(RequestProblem(
                "elements", "required", _("Give the figure a name or an existing code."), i
            ))  # fmt: skip
        elif len(name) > 300:
            problems.append(RequestProblem("elements", "too_long", too_long_message(300), i))
        if value_type not in ValueType.values:
            problems.append(RequestProblem(
                "elements", "invalid_value_type",
                _("Unknown value type “%(v)s”.") % {"v": value_type}, i,
            ))  # fmt: skip
        if combo is None:
            problems.append(RequestProblem(
                "elements", "unknown_category_combo",
                _("Unknown disaggregation “%(c)s”.") % {"c": item.get("category_combo")}, i,
            ))  # fmt: skip
        unit_name = (item.get("unit") or "Người").strip()
        if len(unit_name) > 30:  # the element's unit column holds 30: refused, never cut
            problems.append(RequestProblem("elements", "too_long", too_long_message(30), i))
        element_code = f"{code}_{i + 1}"
        found.append(DataElement(
            uid=uid_for("dataElement", element_code), code=element_code, name=name[:300],
            short_name=name[:100], unit=unit_name, value_type=value_type,
            category_combo=combo, description=_("Asked by the ad hoc request %(code)s")
            % {"code": code},
        ))  # fmt: skip
    return found, problems


def _working_days(start: datetime.date, end: datetime.date) -> int:
    """How many working days after `start` `end` falls (for the entry page's wording)."""
    n = 0
    while cycle.add_working_days(start, n) < end and n < 366:
        n += 1
    return n


def create(user, *, title: str, period: str, deadline, units: list[str], elements: list[dict],
           note: str = "", today: datetime.date | None = None) -> DataRequest:  # fmt: skip
    """All or nothing: raises RequestError with every problem found."""
    today = today or timezone.localdate()
    if not may_request(user):
        raise PermissionError(_("Only province and central officers send data requests."))
    problems = []
    title, note = (title or "").strip(), (note or "").strip()
    if not title:
        problems.append(RequestProblem("title", "required", _("Give the request a title.")))
    elif len(title) > 300:
        problems.append(RequestProblem("title", "too_long", too_long_message(300)))
    if len(note) > 5000:
        problems.append(RequestProblem("note", "too_long", too_long_message(5000)))
    chosen_period = None
    try:
        chosen_period = Period.parse((period or "").strip())
    except PeriodError as err:
        problems.append(RequestProblem("period", "invalid_period", str(err)))
    if chosen_period and chosen_period.end >= today:
        problems.append(RequestProblem(
            "period", "period_not_over",
            _("Ask for a period that is over (the answers are submitted after it)."),
        ))  # fmt: skip
    if isinstance(deadline, str):
        try:
            deadline = datetime.date.fromisoformat(deadline)
        except ValueError:
            deadline = None
    if not isinstance(deadline, datetime.date):
        problems.append(RequestProblem("deadline", "invalid_date", _("Not a date (YYYY-MM-DD).")))
    elif deadline < today:
        problems.append(RequestProblem(
            "deadline", "deadline_past", _("The deadline cannot be in the past.")
        ))  # fmt: skip
    asked = []
    try:
        asked = resolve_units(user, [u.strip() for u in units if u.strip()])
    except RequestError as err:
        problems += err.problems
    code = _next_code(today.year)
    found, element_problems = _elements(user, code, elements)
    problems += element_problems
    if problems:
        raise RequestError(problems)
    requester_unit = home_unit(user)
    with transaction.atomic():
        data_set = DataSet.objects.create(
            uid=uid_for("dataSet", code), code=code, name=title,  # the note is the request's
            description="Báo cáo đột xuất theo yêu cầu của cấp trên",  # metadata, as the others
            period_type=chosen_period.type, unit_types=[],
            sensitive=any(e.sensitive for e in found),
            deadline_working_days=_working_days(chosen_period.end, deadline),
        )  # fmt: skip
        data_set.units.set(asked)
        for order, element in enumerate(found):
            if element.pk is None:
                element.save()
            DataSetElement.objects.create(data_set=data_set, data_element=element,
                                          sort_order=order)  # fmt: skip
        return DataRequest.objects.create(
            code=code, data_set=data_set, title=title, note=note, period=chosen_period.id,
            deadline=deadline, requester=user, requester_unit=requester_unit,
            ou_path=requester_unit.path, units_asked=list(units),
        )  # fmt: skip


def visible(user):
    """Requests sent from the user's area or addressed to a unit of it."""
    paths = scope_paths(user)
    sent = path_q(paths, "ou_path")
    addressed = path_q(paths, "data_set__units__path")
    found = DataRequest.objects.filter(sent | addressed).distinct()
    if not user.can_access_sensitive:
        found = found.filter(data_set__sensitive=False)
    return found.select_related("data_set", "requester_unit", "requester")


def asked_units(request: DataRequest, user) -> list[OrgUnit]:
    """The units asked that lie in the user's area, in tree order."""
    return [u for u in request.data_set.units.order_by("path") if path_in_scope(user, u.path)]


def is_requester(request: DataRequest, user) -> bool:
    return path_in_scope(user, request.ou_path)


def state_of(request: DataRequest, unit: OrgUnit, today: datetime.date | None = None) -> dict:
    """A unit's answer: its latest submission and the same states as completeness."""
    today = today or timezone.localdate()
    period = Period.parse(request.period)
    submission = cycle.latest(request.code, unit, period)
    if submission is None:
        state = "missing" if today > request.deadline else "not_yet"
    else:
        state = "late" if submission.is_late else submission.status
    return {"submission": submission, "state": state}


def for_unit(user, unit: OrgUnit, today: datetime.date | None = None) -> list[dict]:
    """The requests addressed to the unit (home page): open ones, and those answered whose
    deadline is less than 30 days past; the earliest deadline first."""
    today = today or timezone.localdate()
    rows = []
    for request in visible(user).filter(data_set__units=unit).order_by("deadline", "code"):
        state = state_of(request, unit, today)
        if state["state"] in ANSWERED and request.deadline < today - datetime.timedelta(30):
            continue
        rows.append({
            "request": request, **state, "days_left": (request.deadline - today).days,
            "period": Period.parse(request.period),
            "url": request.data_set.entry_url(unit.uid, request.period),
        })  # fmt: skip
    return rows


def sent_from(user, unit: OrgUnit, today: datetime.date | None = None) -> list[dict]:
    """The requests the unit's area sent whose deadline is not 30 days past, with counts."""
    today = today or timezone.localdate()
    rows = []
    recent = visible(user).filter(ou_path__startswith=unit.path,
                                  deadline__gte=today - datetime.timedelta(30))  # fmt: skip
    for request in recent.order_by("deadline", "code")[:20]:
        rows.append({"request": request, "summary": completeness(request, user, today)["summary"]})
    return rows


def completeness(request: DataRequest, user, today: datetime.date | None = None) -> dict:
    """Who answered (on time, late), who has not (yet), for the units asked in the user's
    area, with the cells each filled."""
    today = today or timezone.localdate()
    units = asked_units(request, user)
    period = Period.parse(request.period)
    rows = entry.completeness(request.data_set, units, period)
    for row in rows:
        if row["submission"] is None and today <= request.deadline:
            row["state"] = "not_yet"
    states = [r["state"] for r in rows]
    summary = {
        "asked": len(rows),
        "answered": sum(s in ANSWERED for s in states),
        "on_time": sum(s in ("submitted", "approved") for s in states),
        "late": states.count("late"),
        "returned": states.count("returned"),
        "missing": states.count("missing"),
        "not_yet": states.count("not_yet"),
    }
    return {"rows": rows, "summary": summary}


def answers(request: DataRequest, user) -> dict:
    """The figures entered by the units asked in the user's area: per unit and cell, and
    the totals, for each data element and disaggregation cell of the request."""
    units = asked_units(request, user)
    columns = [(e, coc) for _s, e in entry.elements_of(request.data_set)
               for coc in entry.option_combos(e)]  # fmt: skip
    values = DataValue.objects.filter(
        org_unit__in=units, period=request.period,
        data_element__in=[e for e, _c in columns],
    ).values_list("org_unit", "data_element__code", "option_combo__code", "value")  # fmt: skip
    by_unit: dict = {}
    for unit_id, de, coc, value in values:
        by_unit.setdefault(unit_id, {})[(de, coc)] = value
    rows = [{"unit": u, "values": [by_unit.get(u.pk, {}).get((e.code, c.code)) for e, c in columns]}
            for u in units]  # fmt: skip
    totals = []
    for i, _col in enumerate(columns):
        cells = [r["values"][i] for r in rows if r["values"][i] is not None]
        totals.append(sum(cells, Decimal(0)) if cells else None)
    return {"columns": columns, "rows": rows, "totals": totals}


def total(request: DataRequest, user, element_code: str) -> Decimal:
    """One element's total over the units asked in the user's area (every cell)."""
    units = asked_units(request, user)
    found = DataValue.objects.filter(
        org_unit__in=units, period=request.period, data_element__code=element_code
    ).aggregate(s=Sum("value"))["s"]
    return found or Decimal(0)


def answer(user, request: DataRequest, unit: OrgUnit, typed: dict, comments: dict | None = None,
           submit: bool = True) -> dict:  # fmt: skip
    """Save the typed cells with the entry's rules (EntryError for the whole form, {key:
    EntryError} for refused cells, nothing saved then) and, when `submit`, submit them
    through the cycle (CycleError)."""
    period = Period.parse(request.period)
    errors = entry.save(user, request.data_set, unit, period, typed, comments)
    if errors or not submit:
        return errors
    cycle.submit(request.code, unit, period, user)
    return {}


def analysis_query(request: DataRequest, units: list[OrgUnit]) -> dict:
    """The table builder's query of the request's figures: its elements × the units asked."""
    codes = [e.code for _s, e in entry.elements_of(request.data_set)]
    return {"dx": ";".join(codes), "pe": request.period, "ou": ";".join(u.uid for u in units)}


def builder_ou(request: DataRequest, units: list[OrgUnit]) -> str:
    """For the builder's page (one boundary and a level): the requester's unit and the level
    of the units asked."""
    from danso.analysis.units import depth

    depths = sorted({depth(u) for u in units}) or [3]
    return f"{request.requester_unit.uid};LEVEL-{depths[0]}"
