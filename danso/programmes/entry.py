"""Data entry of a data set for one unit and period: who may, what the form holds, saving
(all or nothing, every bad cell named), and what a submission freezes.

Cells of data elements fed by activities are shown, computed, and never typed in.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import scope_paths
from danso.concurrency import StaleEdit, parse_tag  # noqa: F401 (entry.parse_tag)
from danso.orgunits.models import OrgUnit
from danso.statistics import cycle
from danso.statistics.models import Submission
from danso.statistics.periods import Period

from . import aggregate, indicators, maps, quality
from .models import CategoryOptionCombo, DataSet, DataValue, ValueType


@dataclass
class EntryError(Exception):
    code: str
    message: str
    element: str = ""
    option_combo: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "dataElement": self.element,
                "categoryOptionCombo": self.option_combo}  # fmt: skip


def can_view(user, data_set: DataSet, unit: OrgUnit) -> bool:
    if data_set.sensitive and not user.can_access_sensitive:
        return False
    return maps.reaches(user, unit)


def can_enter(user, data_set: DataSet, unit: OrgUnit) -> bool:
    """Editing roles enter the data sets assigned to units of their own subtree."""
    return user.can_edit and can_view(user, data_set, unit) and data_set.is_assigned_to(unit)


def data_sets_for(user):
    """Data sets the user may see, sensitive ones only with the permission."""
    sets = DataSet.objects.all()
    return sets if user.can_access_sensitive else sets.filter(sensitive=False)


def units_for(user, data_set: DataSet) -> list[OrgUnit]:
    """The units of the user's subtree that report the data set."""
    homes = OrgUnit.objects.filter(path__in=scope_paths(user))
    return [u for home in homes for u in data_set.reporting_units(home)]


def check_period(data_set: DataSet, period: Period, unit: OrgUnit | None = None) -> None:
    """The period's type and date, and (given a unit) its map: maps.check_period."""
    if period.type != data_set.period_type:
        raise EntryError(
            "wrong_period_type",
            _("This data set is entered by %(kind)s period.")
            % {"kind": data_set.get_period_type_display().lower()},
        )
    if period.start > timezone.localdate():
        raise EntryError("future_period", _("Figures cannot be entered for a future period."))
    if unit is not None:
        try:
            maps.check_period(unit, period.start, period.end)
        except maps.MapError as err:
            raise EntryError(err.code, err.message) from None


def approved(data_set: DataSet, unit: OrgUnit, period: Period) -> bool:
    latest = cycle.latest(data_set.code, unit, period)
    return latest is not None and latest.status == Submission.Status.APPROVED


@dataclass
class Cell:
    option_combo: CategoryOptionCombo
    value: Decimal | None
    comment: str = ""
    flag: str = ""  # outside the expected range or an outlier: shown, not refused
    raw: str = ""  # what was typed, when the form comes back with errors
    error: str = ""
    meanwhile: bool = False  # saved by someone else, differently, since the form was read


@dataclass
class Row:
    element: object
    cells: list[Cell]
    fed: bool


@dataclass
class Form:
    data_set: DataSet
    unit: OrgUnit
    period: Period
    sections: list[tuple[str, list[Row]]] = field(default_factory=list)
    violations: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    locked: bool = False

    @property
    def rows(self):
        return [row for _name, rows in self.sections for row in rows]


def elements_of(data_set: DataSet):
    links = data_set.element_links.select_related("data_element__category_combo")
    return [(link.section, link.data_element) for link in links]


def option_combos(element) -> list[CategoryOptionCombo]:
    return list(element.category_combo.option_combos.all())


def build_form(data_set: DataSet, unit: OrgUnit, period: Period, typed: dict | None = None,
               errors: dict | None = None) -> Form:  # fmt: skip
    """The form with stored and fed values; `typed`/`errors` redisplay a refused entry."""
    elements = [e for _s, e in elements_of(data_set)]
    values = aggregate.element_values(elements, unit.path, period.start, period.end)
    own = {
        (v.data_element.code, v.option_combo.code): v
        for v in DataValue.objects.filter(org_unit=unit, period=period.id).select_related(
            "data_element", "option_combo"
        )
    }  # fmt: skip
    flags = quality.flags(data_set, unit, period, own)
    form = Form(data_set, unit, period, locked=approved(data_set, unit, period))
    sections: dict[str, list[Row]] = {}
    for section, element in elements_of(data_set):
        cells = []
        for coc in option_combos(element):
            key = (element.code, coc.code)
            stored = own.get(key)
            if element.is_computed:  # no activity or record is a count of 0
                value = values.get(key, Decimal(0))
            else:
                value = stored.value if stored else None
            cells.append(Cell(
                coc, value, comment=stored.comment if stored else "", flag=flags.get(key, ""),
                raw=(typed or {}).get(key, ""), error=(errors or {}).get(key, ""),
            ))  # fmt: skip
        sections.setdefault(section, []).append(Row(element, cells, element.is_computed))
    form.sections = list(sections.items())
    form.violations = quality.violations(data_set, values)
    codes = {e.code for e in elements}
    form.indicators = [indicators.compute(i, values) for i in indicators.for_elements(codes)]
    return form


def parse_value(element, raw: str) -> Decimal | None:
    """A typed figure in Vietnamese notation: "5.838" (thousands), "90,6" (decimal comma).
    Blank means no value."""
    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:  # 1.234,5 → 1234.5
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (len(text.split(".")[-1]) == 3 and "." in text):
        text = text.replace(".", "")  # 5.838 → 5838: a dot before three digits groups them
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise EntryError("not_a_number", _("“%(raw)s” is not a number.") % {"raw": raw}) from None
    if not value.is_finite():
        raise EntryError("not_a_number", _("“%(raw)s” is not a number.") % {"raw": raw})
    if value < 0:
        raise EntryError("negative", _("The figure cannot be negative."))
    if element.value_type == ValueType.INTEGER_ZERO_OR_POSITIVE and value != value.to_integral():
        raise EntryError("not_whole", _("This figure must be a whole number."))
    if element.value_type == ValueType.PERCENTAGE and value > 100:
        raise EntryError("over_100", _("A percentage cannot exceed 100."))
    if abs(value) >= Decimal("1e16"):
        raise EntryError("too_large", _("The figure is too large."))
    return value


class StaleForm(StaleEdit):
    """A cell of the form was saved by someone else since the form was read."""

    def __init__(self, current: str):
        self.current_tag = current
        super().__init__(None)

    @property
    def message(self) -> str:
        return _(
            "Someone else saved figures of this form while you were entering them. Nothing of "
            "yours was saved: check the figures saved meanwhile and save again."
        )


def form_version(data_set: DataSet, unit: OrgUnit, period: Period) -> str:
    """A tag of the form's stored cells (values and comments): it changes whenever one does.
    The form and the API's ETag carry it; a save from another tag is refused (StaleForm)."""
    codes = [e.code for _s, e in elements_of(data_set) if not e.is_fed_by_activities]
    stored = DataValue.objects.filter(org_unit=unit, period=period.id,
                                      data_element__code__in=codes)  # fmt: skip
    rows = sorted(stored.values_list("data_element__code", "option_combo__code", "value",
                                     "comment"))  # fmt: skip
    text = "\n".join(
        f"{de}|{coc}|{value.normalize()}|{comment}" for de, coc, value, comment in rows
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def save(user, data_set: DataSet, unit: OrgUnit, period: Period, typed: dict,
         comments: dict | None = None, source: str = DataValue.Source.ENTRY,
         expected: str | None = None) -> dict:  # fmt: skip
    """Save typed cells {(element code, option combo code): text}: all or nothing.

    Raises EntryError for the whole form (scope, period, lock), StaleForm when `expected` (the
    tag of the form as read) is no longer the form's, and returns {key: EntryError} for refused
    cells (then nothing is saved); returns {} when saved."""
    if not can_enter(user, data_set, unit):
        raise EntryError("forbidden", _("You may not enter this data set for this unit."))
    check_period(data_set, period, unit)
    if approved(data_set, unit, period):
        raise EntryError("locked", _("These figures have been approved and are locked."))
    allowed = {(e.code, coc.code): (e, coc) for _s, e in elements_of(data_set)
               for coc in option_combos(e) if not e.is_computed}  # fmt: skip
    comments = comments or {}
    parsed, errors = {}, {}
    for key, raw in typed.items():
        if key not in allowed:
            errors[key] = EntryError(
                "not_typed_in", _("This cell is not typed in (unknown or fed by activities).")
            )
            continue
        try:
            parsed[key] = parse_value(allowed[key][0], raw)
        except EntryError as err:
            errors[key] = err
    if errors:
        return errors
    with transaction.atomic():
        # One saver of a unit's figures at a time, so that the check below holds until commit
        # (SQLite's write transactions are serialised already).
        OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
        if expected is not None:
            current = form_version(data_set, unit, period)
            if current != expected:
                raise StaleForm(current)
        for key, value in parsed.items():
            element, coc = allowed[key]
            lookup = dict(data_element=element, option_combo=coc, org_unit=unit,
                          period=period.id)  # fmt: skip
            if value is None:
                for old in DataValue.objects.filter(**lookup):
                    old.delete()  # one by one, so the audit log keeps each deletion
                continue
            comment = (comments.get(key) or "").strip()[:500]
            current = DataValue.objects.filter(**lookup).first()
            if current and current.value == value and current.comment == comment:
                continue  # unchanged: no audit entry, no new timestamp
            current = current or DataValue(
                **lookup, ou_path=unit.path, period_start=period.start, period_end=period.end
            )
            current.value, current.comment = value, comment
            current.source, current.stored_by = source, user
            current.save()
    return {}


def frozen_values(data_set: DataSet, unit: OrgUnit, period: Period):
    """For the reporting cycle: rows of (element, option combo, value) as they stand, and the
    validation rules they break."""
    form = build_form(data_set, unit, period)
    rows = [
        {"dataElement": row.element.code, "name": row.element.name,
         "categoryOptionCombo": cell.option_combo.code, "option": cell.option_combo.name,
         "value": None if cell.value is None else float(cell.value), "fed": row.fed}
        for row in form.rows for cell in row.cells
    ]  # fmt: skip
    warnings = [v.as_dict() for v in form.violations]
    computed = [iv.as_dict() for iv in form.indicators]
    values = {"columns": ["value"], "rows": rows, "indicators": computed}
    return values, warnings, timezone.now()


def completeness(data_set: DataSet, units, period: Period) -> list[dict]:
    """Per assigned unit: its cycle state (cycle.completeness) and how many cells it filled."""
    units = list(units)
    filled = {}
    for unit_id, n in (
        DataValue.objects.filter(
            org_unit__in=units, period=period.id,
            data_element__in=data_set.element_links.values("data_element"),
        )
        .values_list("org_unit")
        .annotate(n=Count("pk"))
    ):  # fmt: skip
        filled[unit_id] = n
    expected = sum(len(option_combos(e)) for _s, e in elements_of(data_set) if not e.is_computed)
    rows = cycle.completeness(data_set.code, None, period, units)
    for row in rows:
        row["filled"] = filled.get(row["unit"].pk, 0)
        row["expected"] = expected
    return rows


def today_period(data_set: DataSet, day: datetime.date | None = None) -> Period:
    """The latest period of the data set's type that has ended (what is usually entered);
    an ad hoc data request's own period (danso.adhoc)."""
    if (request := getattr(data_set, "adhoc_request", None)) is not None:
        return Period.parse(request.period)
    return Period.containing(data_set.period_type, day or timezone.localdate()).previous()
