"""Exporting aggregate data values as records for dhis2_formats to write.

What to export is said as DHIS2's dataValueSets export says it: data sets and/or data
elements, periods or a start and an end date, org units (with `children` for their subtrees).
Whatever is asked, only values in the user's area come out, and sensitive elements (flagged, or
in a sensitive data set) only with the permission.

Values fed by activities (DataElement.feed_*) are not stored but computed by
programmes.aggregate. They are left out unless `include_activities` is set, because danso
refuses them on import (they are never typed in): the export without them is the one that
round-trips, the one with them is for a DHIS2 instance that keeps no activities. They are then
computed per org unit from the activities that unit organised (aggregate.values_by_path; DHIS2
adds units up itself), per period of their data set's period type, and marked with storedBy
`danso:activities`.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from danso.accounts.scope import path_in_scope, path_q, scope_paths, visible_units
from danso.orgunits.models import OrgUnit
from danso.programmes.aggregate import values_by_path
from danso.programmes.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
)
from danso.statistics.periods import MONTHS, Period, PeriodError

from .dhis2_formats import Record
from .dhis2_import import ID_SCHEMES
from .value_checks import display, is_sensitive

ACTIVITIES_STORED_BY = "danso:activities"  # ":" is not allowed in a username: no one is so


class ExportError(Exception):
    """The request cannot be answered as asked (a missing or unknown parameter)."""


@dataclass
class ExportRequest:
    data_sets: list[str] = field(default_factory=list)
    data_elements: list[str] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    start: datetime.date | None = None
    end: datetime.date | None = None
    org_units: list[str] = field(default_factory=list)
    children: bool = False
    include_activities: bool = False
    id_scheme: str = "code"


def export_data_values(user, request: ExportRequest) -> list[Record]:
    """The records asked for, in the user's area, by unit, period and data element. `user`
    None is the server's operator on the command line: everything, sensitive data included."""
    names = Names(user, request)
    periods, start, end = _span(request)
    units = _units(user, request.org_units)
    stored = [e for e in names.elements if not e.is_fed_by_activities]
    records = list(_stored(user, names, stored, periods, start, end, units, request.children))
    fed = [e for e in names.elements if e.is_fed_by_activities]
    if request.include_activities and fed:
        records += _fed(user, names, fed, periods, start, end, units, request.children)
    return records


class Names:
    """The elements asked for and how each object is written under the id scheme."""

    def __init__(self, user, request: ExportRequest):
        if not (request.data_sets or request.data_elements):
            raise ExportError(_("Say which data sets or data elements to export."))
        if request.id_scheme not in ID_SCHEMES:
            raise ExportError(_("Unknown identifiers: %(ids)s.") % {"ids": request.id_scheme})
        self.scheme = request.id_scheme
        data_sets = _find(DataSet, request.data_sets, self.scheme)
        elements = {e.pk: e for e in _find(DataElement, request.data_elements, self.scheme)}
        links = DataSetElement.objects.filter(data_set__in=data_sets)
        for link in links.select_related("data_element"):
            elements.setdefault(link.data_element_id, link.data_element)
        sets_of = defaultdict(list)
        for link in DataSetElement.objects.select_related("data_set"):
            sets_of[link.data_element_id].append(link.data_set)
        everything = user is None or user.can_access_sensitive
        readable = [e for e in elements.values()
                    if everything or not is_sensitive(e, sets_of[e.pk])]  # fmt: skip
        self.elements = sorted(readable, key=lambda e: e.code)
        # ADX groups values by data set: each element goes with the first data set asked for
        # (or, when only elements were asked for, any) that reports it for the period's type.
        if not data_sets:
            data_sets = DataSet.objects.filter(element_links__data_element__in=list(elements))
            data_sets = data_sets.distinct()
        self.set_of: dict[tuple[int, str], str] = {}
        self.period_types = defaultdict(set)  # element pk → period types it is reported for
        for d in data_sets:
            for link in d.element_links.all():
                self.set_of.setdefault((link.data_element_id, d.period_type), self.id(d))
                self.period_types[link.data_element_id].add(d.period_type)
        self.option_combos = {}
        self.categories = {}  # option combo pk → {category id: option id}, for ADX
        for coc in CategoryOptionCombo.objects.select_related("combo").prefetch_related(
            "options", "combo__categories__option_links"
        ):
            self.option_combos[coc.code] = coc
            self.categories[coc.pk] = self._cell(coc)

    def id(self, obj) -> str:
        return getattr(obj, self.scheme)

    def _cell(self, coc) -> dict[str, str]:
        if coc.combo.code == CategoryCombo.DEFAULT:
            return {}
        cell = {}
        for category in coc.combo.categories.all():
            in_category = {link.option_id for link in category.option_links.all()}
            for option in coc.options.all():
                if option.pk in in_category:
                    cell[self.id(category)] = self.id(option)
        return cell

    def record(self, element, coc, unit, period: Period, **fields) -> Record:
        return Record(
            data_set=self.set_of.get((element.pk, period.type), ""),
            data_element=self.id(element), period=period.id, org_unit=unit.uid,
            category_option_combo=self.id(coc), categories=self.categories[coc.pk], **fields,
        )  # fmt: skip


def _find(model, ids: list[str], scheme: str) -> list:
    found = {getattr(o, scheme): o for o in model.objects.filter(**{f"{scheme}__in": ids})}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ExportError(_("Unknown identifiers: %(ids)s.") % {"ids": ", ".join(missing)})
    return [found[i] for i in ids]


def _span(request) -> tuple[list[Period], datetime.date | None, datetime.date | None]:
    if request.periods:
        try:
            return [Period.parse(p) for p in request.periods], None, None
        except PeriodError as err:
            raise ExportError(str(err)) from err
    if request.start and request.end and request.start <= request.end:
        return [], request.start, request.end
    raise ExportError(_("Say which periods, or a start and an end date, to export."))


def _units(user, uids: list[str]) -> list[OrgUnit]:
    if not uids:
        raise ExportError(_("Say which org units to export."))
    units = visible_units(user) if user is not None else OrgUnit.objects.all()
    found = {u.uid: u for u in units.filter(uid__in=uids)}
    missing = [uid for uid in uids if uid not in found]
    if missing:
        raise ExportError(_("No org unit %(id)s in your area.") % {"id": ", ".join(missing)})
    return [found[uid] for uid in uids]


def _in_area(user):
    return path_q(scope_paths(user) if user is not None else ["/"], "ou_path")


def _stored(user, names, elements, periods, start, end, units, children):
    values = DataValue.objects.filter(data_element__in=elements)
    values = values.filter(_in_area(user))
    if children:
        values = values.filter(path_q([u.path for u in units], "ou_path"))
    else:
        values = values.filter(org_unit__in=units)
    if periods:
        values = values.filter(period__in=[p.id for p in periods])
    else:
        values = values.filter(period_start__gte=start, period_end__lte=end)
    values = values.select_related("data_element", "option_combo", "org_unit", "stored_by")
    order = ("ou_path", "period_start", "data_element__code", "option_combo__sort_order")
    for v in values.order_by(*order):
        yield names.record(
            v.data_element, v.option_combo, v.org_unit, Period.parse(v.period),
            value=display(v.value), comment=v.comment, followup=v.followup,
            stored_by=v.stored_by.username if v.stored_by else "",
            created=v.created.isoformat(timespec="seconds"),
            last_updated=v.last_updated.isoformat(timespec="seconds"),
        )  # fmt: skip


def periods_within(kind: str, start: datetime.date, end: datetime.date) -> list[Period]:
    """The periods of a kind that lie wholly between two dates."""
    step = MONTHS[kind]
    month = ((start.month - 1) // step) * step  # months since January of the first period
    year, found = start.year, []
    while True:
        year += month // 12
        month %= 12
        index = month // step + 1
        pid = {"month": f"{year}{month + 1:02d}", "quarter": f"{year}Q{index}",
               "half": f"{year}S{index}", "year": str(year)}[kind]  # fmt: skip
        period = Period.parse(pid)
        if period.start > end:
            return found
        if period.start >= start and period.end <= end:
            found.append(period)
        month += step


def _fed(user, names, elements, periods, start, end, units, children) -> list[Record]:
    """Values of activity-fed elements for each unit that organised activities (the unit
    asked for, or every unit below it with `children`), period by period of the period types
    their data sets are reported for."""
    records = []
    for kind in sorted({t for e in elements for t in names.period_types[e.pk]}):
        reported = [e for e in elements if kind in names.period_types[e.pk]]
        if periods:
            kind_periods = [p for p in periods if p.type == kind]
        else:
            kind_periods = periods_within(kind, start, end)
        for period in kind_periods:
            found = {}  # organiser's path → its values
            for root in units:
                by_path = values_by_path(reported, root.path, period.start, period.end)
                for path in by_path if children else [root.path]:
                    if user is None or path_in_scope(user, path):
                        found[path] = by_path.get(path, {})
            organisers = OrgUnit.objects.filter(path__in=list(found)).order_by("path")
            for unit in organisers:
                records += _fed_records(names, reported, unit, period, found[unit.path])
    return records


def _fed_records(names, elements, unit, period, values) -> list[Record]:
    by_code = {e.code: e for e in elements}
    records = []
    for (code, coc_code), n in sorted(values.items()):
        if n:
            coc = names.option_combos[coc_code]
            fields = {"value": display(n), "stored_by": ACTIVITIES_STORED_BY}
            records.append(names.record(by_code[code], coc, unit, period, **fields))
    return records
