"""Importing aggregate data values from DHIS2 files (dataValueSets JSON or CSV, ADX).

Every value is first placed: its data element, disaggregation, org unit and period are looked
up, and every reason it cannot be written is noted (see `Placer.place`). Then, by default, all
or nothing: one conflict and nothing changes, every conflict listed. With `import_valid` the
placed values are written and the others listed. The strategy is DHIS2's CREATE_AND_UPDATE: a
new value is imported, a changed one updated, an unchanged one (same value, comment and
follow-up) ignored, and an empty value (or `deleted`) deletes the stored one. Each value ends
in exactly one of the four counts; values refused for a conflict count as ignored, as in
DHIS2's import summary.

Identifiers are codes by default (`id_scheme="code"`, ADX's default too) or uids; org units are
matched by danso's identifier (P66, C24211, C24211-01) under either scheme, as it is already a
stable code. The default disaggregation is accepted as `default` or as DHIS2's own default uid.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.context import auditlog_value, disable_auditlog, set_actor
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.accounts.scope import path_in_scope
from danso.audit.bulk import BulkAudit
from danso.orgunits.models import OrgUnit
from danso.programmes.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataSetElement,
    DataValue,
)
from danso.register.bulk import BulkTable
from danso.statistics.models import Submission
from danso.statistics.periods import Period, PeriodError

from .dhis2_formats import FormatError, Record, read
from .value_checks import ValueProblem, parse_value, writable_problem

DEFAULT_IDS = {"", "default", "HllvX50cXC0"}  # HllvX50cXC0: DHIS2's default combo everywhere
ID_SCHEMES = ("code", "uid")
PROGRESS_EVERY = 200


@dataclass
class Conflict:
    index: int
    line: int | None
    field: str  # the DHIS2 property at fault: dataElement, orgUnit, period, value…
    code: str
    object: str  # the identifier or text as the file wrote it
    message: str

    def as_dict(self) -> dict:
        return {"index": self.index, "line": self.line, "field": self.field, "code": self.code,
                "object": self.object, "message": self.message}  # fmt: skip


@dataclass
class ImportSummary:
    status: str = "SUCCESS"  # SUCCESS, WARNING (some refused, the rest written), ERROR
    dry_run: bool = False
    total: int = 0
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    description: str = ""

    def as_dict(self) -> dict:
        """Shaped as DHIS2's import summary, with danso's conflict fields."""
        return {
            "responseType": "ImportSummary", "status": self.status,
            "description": self.description, "dryRun": self.dry_run, "total": self.total,
            "importCount": {"imported": self.imported, "updated": self.updated,
                            "ignored": self.ignored, "deleted": self.deleted},
            "conflicts": [c.as_dict() for c in self.conflicts],
        }  # fmt: skip


@dataclass
class Placed:
    record: Record
    element: DataElement
    option_combo: CategoryOptionCombo
    unit: OrgUnit
    period: Period
    number: Decimal | None  # None: delete the stored value

    @property
    def key(self) -> tuple:
        return (self.element.pk, self.option_combo.pk, self.unit.pk, self.period.id)


# Why a value cannot be placed, by conflict code; %(id)s is what the file wrote.
MESSAGES = {
    "required": gettext_lazy("%(field)s is missing."),
    "unknown_data_element": gettext_lazy("No data element %(id)s."),
    "unknown_data_set": gettext_lazy("No data set %(id)s."),
    "not_in_data_set": gettext_lazy("%(id)s is not in data set %(data_set)s."),
    # One answer for a unit that does not exist and one outside the user's area: an outsider
    # learns nothing about units they may not see (as accounts.scope does).
    "unknown_org_unit": gettext_lazy("No org unit %(id)s in your area."),
    "invalid_period": gettext_lazy(
        "“%(id)s” is not a period danso knows: YYYYMM, YYYYQn, YYYYSn or YYYY "
        "(in ADX: 2024-04-01/P3M)."
    ),
    "future_period": gettext_lazy("Period %(id)s has not begun."),
    "wrong_period_type": gettext_lazy(
        "%(element)s is not reported for periods such as %(id)s (data sets: %(data_sets)s)."
    ),
    "not_assigned": gettext_lazy("%(id)s does not report %(data_sets)s."),
    "period_locked": gettext_lazy(
        "The report %(data_set)s of %(unit)s for %(id)s has been approved: the period is locked."
    ),
    "disaggregation_required": gettext_lazy(
        "%(element)s is disaggregated (%(combo)s): say which cell the value belongs to."
    ),
    "not_in_category_combo": gettext_lazy(
        "%(id)s is not a disaggregation of %(element)s (%(combo)s)."
    ),
    "attribute_option_combo_not_used": gettext_lazy(
        "danso keeps no attribute option combos: leave %(id)s out or write default."
    ),
    "comment_too_long": gettext_lazy("A comment holds at most 500 characters."),
    "duplicate": gettext_lazy(
        "The same value (element, disaggregation, unit, period) is already at position %(where)s."
    ),
}
FIELD_NAMES = {
    "dataElement": gettext_lazy("The data element"),
    "orgUnit": gettext_lazy("The org unit"),
    "period": gettext_lazy("The period"),
}


class Placer:
    """Looks up what a file's values name. Metadata is small and read once; org units and
    approved reports are read once for the identifiers and periods the file uses."""

    def __init__(self, user, records: list[Record], id_scheme: str = "code"):
        self.user = user
        self.today = timezone.localdate()

        def index(objects):
            return {getattr(o, id_scheme): o for o in objects}

        self.elements = index(DataElement.objects.select_related("category_combo"))
        self.data_sets = index(DataSet.objects.all())
        self.option_combos = index(CategoryOptionCombo.objects.prefetch_related("options"))
        self.categories = index(Category.objects.all())
        self.options = index(CategoryOption.objects.all())
        self.default_combo = CategoryOptionCombo.objects.get(code=CategoryCombo.DEFAULT)
        self.cells = defaultdict(dict)  # combo pk → frozenset of option pks → option combo
        for coc in self.option_combos.values():
            self.cells[coc.combo_id][frozenset(o.pk for o in coc.options.all())] = coc
        self.combo_categories = {
            combo.pk: {c.pk for c in combo.categories.all()}
            for combo in CategoryCombo.objects.prefetch_related("categories")
        }
        self.sets_of = defaultdict(list)  # data element pk → its data sets
        data_sets = {d.pk: d for d in self.data_sets.values()}
        for link in DataSetElement.objects.all():
            self.sets_of[link.data_element_id].append(data_sets[link.data_set_id])
        uids = {r.org_unit for r in records}
        self.units = {u.uid: u for u in OrgUnit.objects.filter(uid__in=uids)}
        self.approved = self._approved({r.period for r in records})
        self.assigned = {}  # (data set pk, unit pk) → whether the unit reports the data set

    def _approved(self, periods: set[str]) -> set[tuple[str, str, int]]:
        """(data set code, period, unit pk) of every report whose latest version is approved:
        its values are locked, as data entry locks them (programmes.entry.approved)."""
        latest = {}
        reports = Submission.objects.filter(
            form_code__in=[d.code for d in self.data_sets.values()], period__in=periods
        )
        for s in reports.order_by("version"):
            latest[(s.form_code, s.period, s.unit_id)] = s
        return {key for key, s in latest.items() if s.status == Submission.Status.APPROVED}

    def _assigned(self, data_set: DataSet, unit: OrgUnit) -> bool:
        key = (data_set.pk, unit.pk)
        if key not in self.assigned:
            self.assigned[key] = data_set.is_assigned_to(unit)
        return self.assigned[key]

    def place(self, r: Record) -> tuple[Placed | None, list[Conflict]]:
        """The value placed, or every reason it cannot be."""
        problems: list[Conflict] = []

        def problem(field_name, code, obj, message=None, **params):
            if message is None:
                message = str(MESSAGES[code]) % {"id": obj, **params}
            problems.append(Conflict(r.index, r.line, field_name, code, obj, message))

        element = self._element(r, problem)
        unit = self._unit(r, problem)
        period = self._period(r, problem)
        data_set = self.data_sets.get(r.data_set) if r.data_set else None
        if r.data_set and data_set is None:
            problem("dataSet", "unknown_data_set", r.data_set)
        if r.attribute_option_combo not in DEFAULT_IDS or r.attribute_categories:
            shown = r.attribute_option_combo or ", ".join(r.attribute_categories)
            problem("attributeOptionCombo", "attribute_option_combo_not_used", shown)
        if len(r.comment) > DataValue._meta.get_field("comment").max_length:
            problem("comment", "comment_too_long", r.comment[:30] + "…")
        option_combo, number = None, None
        if element is not None:
            reason = writable_problem(element, self.sets_of[element.pk], self.user)
            if reason is not None:
                problem("dataElement", reason.code, r.data_element, reason.message)
            option_combo = self._option_combo(r, element, problem)
            if not (r.deleted or r.value == ""):  # an empty value deletes the stored one
                try:
                    number = parse_value(element, r.value)
                except ValueProblem as err:
                    problem("value", err.code, r.value, err.message)
            if data_set is not None and data_set not in self.sets_of[element.pk]:
                problem("dataElement", "not_in_data_set", r.data_element, data_set=r.data_set)
            if period is not None:
                self._check_period(r, element, data_set, unit, period, problem)
        if problems:
            return None, problems
        return Placed(r, element, option_combo, unit, period, number), []

    def _element(self, r, problem) -> DataElement | None:
        if not r.data_element:
            problem("dataElement", "required", "", field=FIELD_NAMES["dataElement"])
            return None
        element = self.elements.get(r.data_element)
        if element is None:
            problem("dataElement", "unknown_data_element", r.data_element)
        return element

    def _unit(self, r, problem) -> OrgUnit | None:
        if not r.org_unit:
            problem("orgUnit", "required", "", field=FIELD_NAMES["orgUnit"])
            return None
        unit = self.units.get(r.org_unit)
        if unit is None or not path_in_scope(self.user, unit.path):
            problem("orgUnit", "unknown_org_unit", r.org_unit)
            return None
        return unit

    def _period(self, r, problem) -> Period | None:
        if not r.period:
            problem("period", "required", "", field=FIELD_NAMES["period"])
            return None
        text = r.period
        if len(text) == 7 and text[4] == "-":  # 2024-06, which DHIS2 also reads as a month
            text = text.replace("-", "")
        try:
            period = Period.parse(text)
        except PeriodError:
            problem("period", "invalid_period", r.period)
            return None
        if period.start > self.today:
            problem("period", "future_period", r.period)
            return None
        return period

    def _option_combo(self, r, element, problem) -> CategoryOptionCombo | None:
        combo = element.category_combo
        field_name = "categoryOptionCombo"
        if r.category_option_combo in DEFAULT_IDS and not r.categories:
            if combo.code == CategoryCombo.DEFAULT:
                return self.default_combo
            problem(field_name, "disaggregation_required", r.category_option_combo,
                    element=element.code, combo=combo.name)  # fmt: skip
            return None
        if r.category_option_combo:
            coc = self.option_combos.get(r.category_option_combo)
        else:
            coc = self._cell_of_categories(r, combo)
        if coc is None or coc.combo_id != combo.pk:
            shown = r.category_option_combo or " ".join(f"{k}={v}" for k, v in r.categories.items())
            problem(field_name, "not_in_category_combo", shown, element=element.code,
                    combo=combo.name)  # fmt: skip
            return None
        return coc

    def _cell_of_categories(self, r, combo) -> CategoryOptionCombo | None:
        """ADX names one option per category; they must be exactly the combo's categories."""
        categories = [self.categories.get(name) for name in r.categories]
        options = [self.options.get(value) for value in r.categories.values()]
        if None in categories or None in options:
            return None
        if {c.pk for c in categories} != self.combo_categories[combo.pk]:
            return None
        return self.cells[combo.pk].get(frozenset(o.pk for o in options))

    def _check_period(self, r, element, data_set, unit, period, problem) -> None:
        candidates = [data_set] if data_set is not None else self.sets_of[element.pk]
        fitting = [d for d in candidates if d.period_type == period.type]
        if candidates and not fitting:
            codes = ", ".join(d.code for d in candidates)
            problem("period", "wrong_period_type", r.period, element=element.code,
                    data_sets=codes)  # fmt: skip
            return
        if unit is None:
            return
        reporting = [d for d in fitting if self._assigned(d, unit)]
        if not reporting:
            codes = ", ".join(d.code for d in fitting)
            problem("orgUnit", "not_assigned", r.org_unit, data_sets=codes)
            return
        for d in reporting:
            if (d.code, period.id, unit.pk) in self.approved:
                problem("period", "period_locked", r.period, data_set=d.code, unit=unit.name)
                return


def import_data_values(data: bytes, fmt: str, user, *, dry_run: bool = False,
                       import_valid: bool = False, id_scheme: str = "code",
                       source: str = DataValue.Source.IMPORT,
                       progress=None) -> ImportSummary:  # fmt: skip
    """Read a file and write its values (see the module's docstring). `progress(done, total)`
    is called as values are placed and written (2 steps per value)."""
    if not user.can_edit:
        raise PermissionDenied("Viewers do not import data")
    if id_scheme not in ID_SCHEMES:
        raise ValueError(f"id_scheme is one of {ID_SCHEMES}")
    summary = ImportSummary(dry_run=dry_run)
    try:
        records = read(fmt, data)
    except FormatError as err:
        summary.status, summary.description = "ERROR", str(err)
        summary.conflicts.append(Conflict(0, None, "file", "unreadable", "", str(err)))
        return summary
    summary.total = len(records)
    steps = 2 * len(records)

    def report(done):
        if progress and (done % PROGRESS_EVERY == 0 or done == steps):
            progress(done, steps)

    placer = Placer(user, records, id_scheme)
    placed, first_at = [], {}
    for done, record in enumerate(records, start=1):
        value, problems = placer.place(record)
        if value is not None and value.key in first_at:
            first = first_at[value.key]
            where = str(first.index)
            if first.line:
                where = _("%(index)s (line %(line)s)") % {"index": first.index, "line": first.line}
            message = str(MESSAGES["duplicate"]) % {"where": where}
            problems = [Conflict(record.index, record.line, "dataElement", "duplicate",
                                 record.data_element, message)]  # fmt: skip
        elif value is not None:
            first_at[value.key] = record
            placed.append(value)
        summary.conflicts.extend(problems)
        report(done)
    if summary.conflicts and not import_valid:
        summary.status, summary.ignored = "ERROR", summary.total
        summary.description = _("Nothing was imported: %(n)s values could not be placed.") % {
            "n": len({c.index for c in summary.conflicts})
        }
        return summary
    summary.ignored = summary.total - len(placed)
    _write(placed, summary, user, source, dry_run, lambda done: report(len(records) + done))
    summary.status = "WARNING" if summary.conflicts else "SUCCESS"
    summary.description = (
        _("Checked only (dry run): nothing was changed.") if dry_run else _("Import done.")
    )
    return summary


def _write(placed: list[Placed], summary, user, source, dry_run, report) -> None:
    """Set-based: the stored values are read in one query, new ones written by COPY
    (PostgreSQL) or executemany (SQLite), changed ones in one bulk update, deleted ones in one
    delete; every change has its audit entry, written in bulk with them (audit.bulk)."""
    stored = {
        (v.data_element_id, v.option_combo_id, v.org_unit_id, v.period): v
        for v in DataValue.objects.filter(
            data_element__in={p.element.pk for p in placed},
            org_unit__in={p.unit.pk for p in placed},
            period__in={p.period.id for p in placed},
        )
    }
    new, changed, gone = [], [], []
    for done, p in enumerate(placed, start=1):
        current, r = stored.get(p.key), p.record
        if p.number is None:
            if current is None:
                summary.ignored += 1
            else:
                summary.deleted += 1
                gone.append(current)
        elif current is None:
            summary.imported += 1
            new.append(p)
        elif (current.value, current.comment, current.followup) == (p.number, r.comment,
                                                                    r.followup):  # fmt: skip
            summary.ignored += 1
        else:
            summary.updated += 1
            changed.append((current, p))
        if done % PROGRESS_EVERY == 0:
            report(done)
    if not dry_run:
        with _audited_as(user), transaction.atomic():
            _write_bulk(new, changed, gone, user, source)
    report(len(placed))


def _write_bulk(new, changed, gone, user, source) -> None:
    now = timezone.now()
    audit = BulkAudit(user)
    table = BulkTable(DataValue)
    user_id = user.pk if user else None
    for p in new:
        r = p.record
        row = {"data_element_id": p.element.pk, "option_combo_id": p.option_combo.pk,
               "org_unit_id": p.unit.pk, "ou_path": p.unit.path, "period": p.period.id,
               "period_start": p.period.start, "period_end": p.period.end, "value": p.number,
               "comment": r.comment, "followup": r.followup, "source": source,
               "stored_by_id": user_id, "created": now, "last_updated": now}  # fmt: skip
        pk = table.add(**row)
        text = f"{p.element.pk}.{p.option_combo.pk} {p.unit.pk} {p.period.id}"
        audit.created(DataValue, pk, text, p.unit.path, row)
    table.flush()
    for current, p in changed:
        r = p.record
        changes = {name: (old, new) for name, old, new in (
            ("value", current.value, p.number), ("comment", current.comment, r.comment),
            ("followup", current.followup, r.followup), ("source", current.source, source),
            ("stored_by", current.stored_by_id, user_id),
        ) if old != new}  # fmt: skip
        current.value, current.comment, current.followup = p.number, r.comment, r.followup
        current.source, current.stored_by_id, current.last_updated = source, user_id, now
        audit.updated(DataValue, current.pk, str(current), current.ou_path, changes)
    fields = ["value", "comment", "followup", "source", "stored_by", "last_updated"]
    DataValue.objects.bulk_update([c for c, _p in changed], fields, batch_size=2000)
    for value in gone:
        audit.deleted(DataValue, value.pk, str(value), value.ou_path)
    with disable_auditlog():  # logged just above, in bulk
        DataValue.objects.filter(pk__in=[v.pk for v in gone]).delete()
    audit.flush()


@contextmanager
def _audited_as(user):
    """Audit entries name the importer, also from the command line or a background job. The
    request's own audit context (with the caller's address) is kept and put back after."""
    previous = auditlog_value.get(None) or {}
    address = {"remote_addr": previous.get("remote_addr"),
               "remote_port": previous.get("remote_port")}  # fmt: skip
    try:
        with set_actor(user, **address):
            yield
    finally:
        if previous:
            auditlog_value.set(previous)
