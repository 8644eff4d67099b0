"""The data entry form of a data set for a unit and period, as a phone or another system uses it:
read the form (values, computed cells, flags, broken rules, indicators, lock), save cells all or
nothing, submit. Bulk exchange goes through /dataValueSets."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from danso.accounts.scope import get_visible_unit_or_404
from danso.api.errors import ErrorItem
from danso.api.errors import ErrorsOut as CommonErrorsOut
from danso.programmes import entry
from danso.programmes.models import DataValue
from danso.statistics import cycle
from danso.statistics.periods import Period, PeriodError

router = Router(tags=["data entry"])


class CellOut(Schema):
    categoryOptionCombo: str
    name: str
    value: float | None
    comment: str
    flag: str


class RowOut(Schema):
    dataElement: str
    name: str
    unit: str
    fed: bool
    cells: list[CellOut]


class FormSectionOut(Schema):
    name: str
    rows: list[RowOut]


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    numerator: float
    denominator: float
    value: float | None


class RuleOut(Schema):
    code: str
    message: str


class FormOut(Schema):
    dataSet: str
    orgUnit: str
    period: str
    locked: bool
    canEnter: bool
    sections: list[FormSectionOut]
    violations: list[RuleOut]
    indicators: list[IndicatorOut]


class CellIn(Schema):
    dataElement: str
    categoryOptionCombo: str = "default"
    value: str | None = None  # blank or null removes the value
    comment: str = ""


class ValuesIn(Schema):
    values: list[CellIn]


class CellErrorOut(ErrorItem):
    dataElement: str = ""
    categoryOptionCombo: str = ""


class EntryErrorsOut(CommonErrorsOut):
    """The common error shape whose items name the cell (its own component name: ninja names a
    component after the class, and the common `ErrorsOut` must stay the common one)."""

    errors: list[CellErrorOut] = []


class EntryConflictOut(EntryErrorsOut):
    """409: `locked` (approved figures) or `stale_version` (someone saved cells of the form
    since the caller read it; `current` is the form as it stands, its ETag `current_version`)."""

    current_version: str | None = None
    current: FormOut | None = None


class SubmissionOut(Schema):
    version: int
    status: str
    is_late: bool


def _context(request, data_set: str, ou: str, pe: str):
    user = request.auth
    found = entry.data_sets_for(user).filter(code=data_set).first()
    unit = get_visible_unit_or_404(user, ou)
    if found is None or not found.is_assigned_to(unit) or not entry.can_view(user, found, unit):
        raise HttpError(404, _("Not found"))
    try:
        period = Period.parse(pe)
        entry.check_period(found, period, unit)
    except PeriodError as err:
        raise HttpError(400, str(err)) from None
    except entry.EntryError as err:
        raise HttpError(400, f"{err.code}: {err.message}") from None  # the code, then Vietnamese
    return found, unit, period


def _form_out(user, data_set, unit, period) -> dict:
    form = entry.build_form(data_set, unit, period)
    sections = [
        {"name": name, "rows": [
            {"dataElement": row.element.code, "name": row.element.name, "unit": row.element.unit,
             "fed": row.fed, "cells": [
                 {"categoryOptionCombo": c.option_combo.code, "name": c.option_combo.name,
                  "value": None if c.value is None else float(c.value), "comment": c.comment,
                  "flag": c.flag} for c in row.cells]}
            for row in rows]}
        for name, rows in form.sections
    ]  # fmt: skip
    return {
        "dataSet": data_set.code, "orgUnit": unit.uid, "period": period.id,
        "locked": form.locked, "canEnter": entry.can_enter(user, data_set, unit),
        "sections": sections, "indicators": [iv.as_dict() for iv in form.indicators],
        "violations": [v.as_dict() for v in form.violations],
    }  # fmt: skip


@router.get("/dataEntry/{data_set}/{ou}/{pe}", response=FormOut)
def entry_form(request, data_set: str, ou: str, pe: str, response: HttpResponse):
    """The form with stored values, cells fed by activities (`fed`: never typed in), flags
    (expected range, outlier), broken validation rules and indicators. `ETag` tags the stored
    cells: send it back as If-Match when saving."""
    found, unit, period = _context(request, data_set, ou, pe)
    response["ETag"] = f'"{entry.form_version(found, unit, period)}"'
    return _form_out(request.auth, found, unit, period)


@router.post(
    "/dataEntry/{data_set}/{ou}/{pe}",
    response={200: FormOut, 403: EntryErrorsOut, 409: EntryConflictOut, 422: EntryErrorsOut},
)
def save_values(request, data_set: str, ou: str, pe: str, payload: ValuesIn,
                response: HttpResponse):  # fmt: skip
    """Save cells all or nothing. Values are strings as typed ("5.838", "90,6") or plain
    numbers ("5838"); 422 lists every refused cell and saves nothing; 409 `locked` when
    approved, `stale_version` (with the current form) when If-Match names a form someone has
    saved cells of since."""
    found, unit, period = _context(request, data_set, ou, pe)
    typed = {(c.dataElement, c.categoryOptionCombo): c.value or "" for c in payload.values}
    comments = {(c.dataElement, c.categoryOptionCombo): c.comment for c in payload.values}
    expected = entry.parse_tag(request.headers.get("If-Match"))
    try:
        errors = entry.save(request.auth, found, unit, period, typed, comments,
                            DataValue.Source.API, expected=expected)  # fmt: skip
    except entry.StaleForm as err:
        return Status(409, {"code": err.code, "detail": err.message,
                            "current_version": err.current_tag,
                            "current": _form_out(request.auth, found, unit, period)})  # fmt: skip
    except entry.EntryError as err:
        return entry_refused(err)
    if errors:
        return cells_refused(errors)
    response["ETag"] = f'"{entry.form_version(found, unit, period)}"'
    return Status(200, _form_out(request.auth, found, unit, period))


@router.post(
    "/dataEntry/{data_set}/{ou}/{pe}/submit",
    response={201: SubmissionOut, 403: EntryErrorsOut, 409: EntryErrorsOut},  # fmt: skip
)
def submit(request, data_set: str, ou: str, pe: str):
    """Submit the period's figures to the level above (a new frozen version)."""
    found, unit, period = _context(request, data_set, ou, pe)
    if not found.can_submit(request.auth, unit):
        detail = _("You may not submit this data set.")
        return Status(403, {"detail": detail, "code": "forbidden"})
    try:
        submission = cycle.submit(found.code, unit, period, request.auth)
    except cycle.CycleError as err:
        return Status(409, {"detail": err.message, "code": err.code})
    return Status(201, submission)


def entry_refused(err: entry.EntryError) -> Status:
    """A refused save: 409 for a locked period, 403 otherwise (the unit, role or data set)."""
    return Status(409 if err.code == "locked" else 403, {"detail": err.message, "code": err.code})


def cells_refused(errors: dict) -> Status:
    """422 with every refused cell: nothing was saved."""
    cells = [{"field": "value", "dataElement": de, "categoryOptionCombo": coc,
              "code": e.code, "message": e.message}
             for (de, coc), e in errors.items()]  # fmt: skip
    detail = _("Nothing was saved: correct the cells listed.")
    return Status(422, {"detail": detail, "code": "invalid_values", "errors": cells})
