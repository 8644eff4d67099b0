"""Importing aggregate data values from DHIS2 files (dataValueSets JSON or CSV, ADX).

Every value is first placed: its data element, disaggregation, org unit and period are looked
up, and every reason it cannot be written is noted (see `Placer.place`). Then, by default, all
or nothing: one conflict and nothing changes, every conflict listed. With `import_valid` the
placed values are written and the others listed. The strategy is DHIS2's CREATE_AND_UPDATE: a
new value is imported, a changed one updated, an unchanged one (same value, comment and
follow-up) ignored, and an empty value (or `deleted`) deletes the stored one. Each value ends
in exactly one of the four counts; values refused for a conflict count as ignored, as in
DHIS2's import summary.

The file is streamed (dhis2_formats.iter_records) and handled in chunks of CHUNK values, all in
one transaction: each chunk is placed, checked against the values before it (duplicates: only
a compact key per value is kept) and written, with its audit entries, before the next is read;
a conflict anywhere (or an unreadable file midway) rolls the whole transaction back, while the
rest of the file is still checked so that every conflict is listed. Memory holds one chunk and
the keys, not the file.

Identifiers are codes by default (`id_scheme="code"`, ADX's default too) or uids; org units are
matched by danso's identifier (P66, C24211, C24211-01) under either scheme, as it is already a
stable code. The default disaggregation is accepted as `default` or as DHIS2's own default uid.
"""

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from auditlog.context import auditlog_value, disable_auditlog, set_actor
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.accounts.scope import visible_units
from danso.audit.bulk import BulkAudit
from danso.orgunits.models import OrgUnit
from danso.programmes import maps
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
from danso.register.bulk import BulkTable, Encoded, to_json
from danso.statistics.models import Submission
from danso.statistics.periods import Period, PeriodError

from .dhis2_formats import FormatError, Record, Source, count_estimate, iter_records
from .value_checks import ValueProblem, parse_value, writable_problem

DEFAULT_IDS = {"", "default", "HllvX50cXC0"}  # HllvX50cXC0: DHIS2's default combo everywhere
ID_SCHEMES = ("code", "uid")
PROGRESS_EVERY = 200
CHUNK = 5000  # values placed, checked and written at a time
MAX_CONFLICTS = 10000  # listed; beyond them counted (the description says how many in all)


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


class Placed:
    """A value placed: what the write needs, nothing of the record kept."""

    __slots__ = ("element", "option_combo", "unit", "period", "number", "comment", "followup",
                 "key")  # fmt: skip

    def __init__(self, element, option_combo, unit, period, number, comment, followup):
        self.element: DataElement = element
        self.option_combo: CategoryOptionCombo = option_combo
        self.unit: OrgUnit = unit
        self.period: Period = period
        self.number: Decimal | None = number  # None: delete the stored value
        self.comment: str = comment
        self.followup: bool = followup
        self.key = (element.id, option_combo.id, unit.id, period.id)


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
    approved reports are read chunk by chunk (`prepare`) for the identifiers and periods the
    chunk uses and not seen before. What does not depend on the value itself is worked out once
    and remembered: a cell (element, disaggregation, data set), a unit, a period, a data set's
    fit to a period type."""

    def __init__(self, user, id_scheme: str = "code"):
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
        self.units: dict[str, OrgUnit | None] = {}  # None: unknown or outside the user's area
        self.approved: set[tuple[str, str, int]] = set()
        self._periods_read: set[str] = set()
        self.assigned = {}  # (data set pk, unit pk) → whether the unit reports the data set
        self._cell_memo: dict[tuple, tuple] = {}
        self._period_memo: dict[str, tuple] = {}
        self._fit_memo: dict[tuple, tuple] = {}
        self._map_memo: dict[tuple, tuple | None] = {}

    def prepare(self, records: list[Record]) -> None:
        """Read the units and approved reports a chunk names that earlier chunks did not."""
        uids = {r.org_unit for r in records} - self.units.keys()
        if uids:
            # The user's subtree and the old units wholly inside it (maps.reaches, as entry):
            # the province officer of P66 imports LP66's history.
            named = OrgUnit.objects.filter(uid__in=uids)
            found = {u.uid: u for u in visible_units(self.user, named)}
            for uid in uids:
                self.units[uid] = found.get(uid)
        periods = set()
        for text in {r.period for r in records}:
            period = self._period_of(text)[0]
            if period is not None and period.id not in self._periods_read:
                periods.add(period.id)
        if periods:
            self._periods_read |= periods
            self.approved |= self._approved(periods)

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
        key = (data_set.id, unit.id)
        if key not in self.assigned:
            self.assigned[key] = data_set.is_assigned_to(unit)
        return self.assigned[key]

    def place(self, r: Record) -> tuple[Placed | None, list[Conflict]]:
        """The value placed, or every reason it cannot be."""
        problems: list[tuple] = []  # (field, code, object, message)
        element, option_combo, data_set, found = self._cell(r)
        problems += found
        unit = self.units.get(r.org_unit) if r.org_unit else None
        if not r.org_unit:
            problems.append(_problem("orgUnit", "required", "", field=FIELD_NAMES["orgUnit"]))
        elif unit is None:
            problems.append(_problem("orgUnit", "unknown_org_unit", r.org_unit))
        period, found = self._period_of(r.period)
        problems += found
        if r.attribute_option_combo not in DEFAULT_IDS or r.attribute_categories:
            shown = r.attribute_option_combo or ", ".join(r.attribute_categories)
            problems.append(_problem("attributeOptionCombo", "attribute_option_combo_not_used",
                                     shown))  # fmt: skip
        if len(r.comment) > COMMENT_LENGTH:
            problems.append(_problem("comment", "comment_too_long", r.comment[:30] + "…"))
        number = None
        if element is not None:
            if not (r.deleted or r.value == ""):  # an empty value deletes the stored one
                try:
                    number = parse_value(element, r.value)
                except ValueProblem as err:
                    problems.append(("value", err.code, r.value, err.message))
            if period is not None:
                problems += self._check_period(r, element, data_set, unit, period)
        if problems:
            return None, [Conflict(r.index, r.line, *p) for p in problems]
        return Placed(element, option_combo, unit, period, number, r.comment, r.followup), []

    def _cell(self, r: Record) -> tuple:
        """(element, option combo, data set, problems) of what a value names besides its unit
        and period: the same for every value of a cell, so worked out once a cell."""
        key = (r.data_element, r.category_option_combo, r.data_set,
               tuple(r.categories.items()) if r.categories else ())  # fmt: skip
        found = self._cell_memo.get(key)
        if found is None:
            problems = []

            def problem(field_name, code, obj, message=None, **params):
                problems.append(_problem(field_name, code, obj, message, **params))

            element = self._element(r, problem)
            data_set = self.data_sets.get(r.data_set) if r.data_set else None
            if r.data_set and data_set is None:
                problem("dataSet", "unknown_data_set", r.data_set)
            option_combo = None
            if element is not None:
                reason = writable_problem(element, self.sets_of[element.id], self.user)
                if reason is not None:
                    problem("dataElement", reason.code, r.data_element, reason.message)
                option_combo = self._option_combo(r, element, problem)
                if data_set is not None and data_set not in self.sets_of[element.pk]:
                    problem("dataElement", "not_in_data_set", r.data_element,
                            data_set=r.data_set)  # fmt: skip
            found = self._cell_memo[key] = (element, option_combo, data_set, tuple(problems))
        return found

    def _element(self, r, problem) -> DataElement | None:
        if not r.data_element:
            problem("dataElement", "required", "", field=FIELD_NAMES["dataElement"])
            return None
        element = self.elements.get(r.data_element)
        if element is None:
            problem("dataElement", "unknown_data_element", r.data_element)
        return element

    def _period_of(self, text: str) -> tuple[Period | None, tuple]:
        found = self._period_memo.get(text)
        if found is None:
            found = self._period_memo[text] = self._parse_period(text)
        return found

    def _parse_period(self, written: str) -> tuple[Period | None, tuple]:
        if not written:
            return None, (_problem("period", "required", "", field=FIELD_NAMES["period"]),)
        text = written
        if len(text) == 7 and text[4] == "-":  # 2024-06, which DHIS2 also reads as a month
            text = text.replace("-", "")
        try:
            period = Period.parse(text)
        except PeriodError:
            return None, (_problem("period", "invalid_period", written),)
        if period.start > self.today:
            return None, (_problem("period", "future_period", written),)
        return period, ()

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

    def _fitting(self, element, data_set, period) -> tuple[list, tuple]:
        """The data sets (the one named, else the element's) reported for the period's type,
        or the problem when there is none."""
        key = (element.id, data_set.id if data_set else None, period.type)
        found = self._fit_memo.get(key)
        if found is None:
            candidates = [data_set] if data_set is not None else self.sets_of[element.pk]
            fitting = [d for d in candidates if d.period_type == period.type]
            problems = ()
            if candidates and not fitting:
                codes = ", ".join(d.code for d in candidates)
                problems = (("period", "wrong_period_type", None, None, element.code, codes),)
            found = self._fit_memo[key] = (fitting, problems)
        return found

    def _check_period(self, r, element, data_set, unit, period) -> list[tuple]:
        fitting, problems = self._fitting(element, data_set, period)
        if problems:
            return [_problem("period", "wrong_period_type", r.period, element=element.code,
                             data_sets=problems[0][5])]  # fmt: skip
        if unit is None:
            return []
        refused = self._on_map(r, unit, period)
        if refused is not None:
            return [refused]
        reporting = [d for d in fitting if self._assigned(d, unit)]
        if not reporting:
            codes = ", ".join(d.code for d in fitting)
            return [_problem("orgUnit", "not_assigned", r.org_unit, data_sets=codes)]
        if self.approved:
            for d in reporting:
                if (d.code, period.id, unit.id) in self.approved:
                    return [_problem("period", "period_locked", r.period, data_set=d.code,
                                     unit=unit.name)]  # fmt: skip
        return []

    def _on_map(self, r, unit: OrgUnit, period: Period) -> tuple | None:
        """The entry-by-map rule (maps.check_period): the unit must be in force on the
        period's last day. The chunk's units are already read (`prepare`), so this is worked
        out in memory, once a unit and period."""
        key = (unit.id, period.id)
        if key not in self._map_memo:
            try:
                maps.check_period(unit, period.start, period.end)
                self._map_memo[key] = None
            except maps.MapError as err:
                self._map_memo[key] = ("orgUnit", err.code, err.message)
        found = self._map_memo[key]
        if found is None:
            return None
        return _problem(found[0], found[1], r.org_unit, found[2])


COMMENT_LENGTH = DataValue._meta.get_field("comment").max_length


def _problem(field_name, code, obj, message=None, **params) -> tuple:
    if message is None:
        message = str(MESSAGES[code]) % {"id": obj, **params}
    return (field_name, code, obj, message)


class _Refused(Exception):
    """Rolls the import's transaction back (a conflict, a dry run, an unreadable file)."""


def import_data_values(data: Source, fmt: str, user, *, dry_run: bool = False,
                       import_valid: bool = False, id_scheme: str = "code",
                       source: str = DataValue.Source.IMPORT,
                       progress=None) -> ImportSummary:  # fmt: skip
    """Read a file (its bytes, or a path: streamed either way) and write its values (see the
    module's docstring). `progress(done, total)` is called chunk by chunk as values are placed
    and written; `total` is an estimate until the end."""
    if not user.can_edit:
        raise PermissionDenied("Viewers do not import data")
    if id_scheme not in ID_SCHEMES:
        raise ValueError(f"id_scheme is one of {ID_SCHEMES}")
    summary = ImportSummary(dry_run=dry_run)
    estimate = count_estimate(fmt, data) if progress else 0
    job = _Import(summary, user, source, import_valid, dry_run)
    try:
        with _audited_as(user), transaction.atomic():
            placer = Placer(user, id_scheme)
            records = iter_records(fmt, data)
            while chunk := list(islice(records, CHUNK)):
                job.chunk(placer, chunk)
                if progress:
                    progress(summary.total, max(estimate, summary.total))
            if job.failed() or dry_run:
                raise _Refused
    except _Refused:
        pass
    except FormatError as err:
        unreadable = Conflict(summary.total, None, "file", "unreadable", "", str(err))
        summary = ImportSummary(dry_run=dry_run, status="ERROR", description=str(err),
                                conflicts=[unreadable])  # fmt: skip
        return summary
    if progress:
        progress(summary.total, summary.total)
    if job.failed():
        summary.status, summary.ignored = "ERROR", summary.total
        summary.imported = summary.updated = summary.deleted = 0
        summary.description = _("Nothing was imported: %(n)s values could not be placed.") % {
            "n": job.refused
        }
        if job.unlisted:
            summary.description += " " + _(
                "The first %(listed)s conflicts are listed; %(more)s more are not."
            ) % {"listed": MAX_CONFLICTS, "more": job.unlisted}
        return summary
    summary.status = "WARNING" if summary.conflicts else "SUCCESS"
    summary.description = (
        _("Checked only (dry run): nothing was changed.") if dry_run else _("Import done.")
    )
    return summary


class _Import:
    """One import's running state across its chunks: the summary, the keys already placed
    (for duplicates), and the bulk tables."""

    def __init__(self, summary: ImportSummary, user, source, import_valid: bool, dry_run: bool):
        self.summary, self.user, self.source = summary, user, source
        self.import_valid, self.dry_run = import_valid, dry_run
        # Packed key of every value placed → its index and line packed (ints, not tuples:
        # ≈ 100 bytes a value, 100 MB for a million).
        self.first_at: dict[int, int] = {}
        self.period_no: dict[str, int] = {}
        self.refused = 0  # values that could not be placed
        self.unlisted = 0  # conflicts beyond MAX_CONFLICTS
        self.writer = None

    def _packed(self, key: tuple) -> int:
        element, combo, unit, period = key
        number = self.period_no.setdefault(period, len(self.period_no))
        return (((element << 24 | combo) << 32 | unit) << 24) | number

    def chunk(self, placer: Placer, records: list[Record]) -> None:
        summary = self.summary
        placer.prepare(records)
        placed = []
        first_at = self.first_at
        for record in records:
            value, problems = placer.place(record)
            if value is not None:
                packed = self._packed(value.key)
                first = first_at.get(packed)
                if first is None:
                    first_at[packed] = record.index << 32 | (record.line or 0)
                    placed.append(value)
                else:
                    problems = [_duplicate(record, first >> 32, first & 0xFFFFFFFF)]
            if problems:
                self.refused += 1
                room = MAX_CONFLICTS - len(summary.conflicts)
                summary.conflicts.extend(problems[: max(room, 0)])
                self.unlisted += max(len(problems) - max(room, 0), 0)
        summary.total += len(records)
        summary.ignored += len(records) - len(placed)
        if self.refused and not self.import_valid:
            return  # nothing will be written: the rest is only checked
        if self.writer is None:
            self.writer = _Writer(self.user, self.source)
        self.writer.write(placed, summary, self.dry_run)

    def failed(self) -> bool:
        return bool(self.refused) and not self.import_valid


def _duplicate(record: Record, index: int, line: int) -> Conflict:
    where = str(index)
    if line:
        where = _("%(index)s (line %(line)s)") % {"index": index, "line": line}
    message = str(MESSAGES["duplicate"]) % {"where": where}
    return Conflict(record.index, record.line, "dataElement", "duplicate", record.data_element,
                    message)  # fmt: skip


NULL = Encoded("null")  # auditlog's serialized_data as BulkTable writes None, encoded once


class _Writer:
    """Set-based, chunk by chunk: the stored values of a chunk read in one query, new ones
    written by COPY (PostgreSQL) or executemany (SQLite), changed ones in one bulk update,
    deleted ones in one delete; every change has its audit entry, written in bulk with them
    (audit.bulk). A new value's audit entry is put together from pieces made once per unit,
    period and cell rather than encoded field by field."""

    def __init__(self, user, source):
        self.user, self.source = user, source
        self.user_id = user.pk if user else None
        self.now = timezone.now()
        self.audit = BulkAudit(user)
        self.values = BulkTable(DataValue)
        self.entry_type = self.audit._type(DataValue)
        stamp = str(self.now)
        self._tail = to_json({"source": source, "stored_by_id": self.user_id,
                              "created": stamp, "last_updated": stamp})[1:]  # fmt: skip
        if self.user_id is None:
            self._tail = to_json({"source": source, "created": stamp,
                                  "last_updated": stamp})[1:]  # fmt: skip
        self._unit_json: dict[int, tuple[str, Encoded]] = {}
        self._period_json: dict[str, str] = {}

    def write(self, placed: list[Placed], summary: ImportSummary, dry_run: bool) -> None:
        if not placed:
            return
        stored = self._stored(placed) if self._may_exist(placed) else {}
        new, changed, gone = [], [], []
        for p in placed:
            current = stored.get(p.key)
            if p.number is None:
                if current is None:
                    summary.ignored += 1
                else:
                    summary.deleted += 1
                    gone.append(current)
            elif current is None:
                summary.imported += 1
                new.append(p)
            elif (current.value, current.comment, current.followup) == (p.number, p.comment,
                                                                        p.followup):  # fmt: skip
                summary.ignored += 1
            else:
                summary.updated += 1
                changed.append((current, p))
        if not dry_run:
            self._write_bulk(new, changed, gone)

    def _stored(self, placed: list[Placed]) -> dict[tuple, DataValue]:
        """The stored values with the keys of the chunk's values: the keys of the candidates
        are read first (plain tuples), whole rows only for those that match."""
        candidates = DataValue.objects.filter(
            data_element__in={p.element.id for p in placed},
            org_unit__in={p.unit.id for p in placed},
            period__in={p.period.id for p in placed},
        ).values_list("data_element_id", "option_combo_id", "org_unit_id", "period", "id")
        wanted = {p.key for p in placed}
        ids = [row[4] for row in candidates if row[:4] in wanted]
        if not ids:
            return {}
        return {(v.data_element_id, v.option_combo_id, v.org_unit_id, v.period): v
                for v in DataValue.objects.filter(id__in=ids)}  # fmt: skip

    def _may_exist(self, placed: list[Placed]) -> bool:
        """Whether any stored value could match (one cheap query first: an import into
        periods and elements that hold nothing yet, the usual first load, reads nothing)."""
        return DataValue.objects.filter(
            data_element__in={p.element.pk for p in placed},
            period__in={p.period.id for p in placed},
        ).exists()

    def _write_bulk(self, new, changed, gone) -> None:
        now, source, user_id = self.now, self.source, self.user_id
        audit, table = self.audit, self.values
        entries = audit.table
        common, content_type = audit.common, self.entry_type
        create = LogEntry.Action.CREATE
        for p in new:
            unit, period, element, combo = p.unit, p.period, p.element, p.option_combo
            pk = table.add(
                data_element_id=element.id, option_combo_id=combo.id, org_unit_id=unit.id,
                ou_path=unit.path, period=period.id, period_start=period.start,
                period_end=period.end, value=p.number, comment=p.comment,
                followup=p.followup, source=source, stored_by_id=user_id, created=now,
                last_updated=now,
            )  # fmt: skip
            unit_json, ou_path = self._unit(unit)
            changes = (f'{{"data_element_id": ["None", "{element.id}"], '
                       f'"option_combo_id": ["None", "{combo.id}"], {unit_json}'
                       f'{self._period(period)}"value": ["None", "{p.number}"], '
                       + (f'"comment": ["None", {to_json(p.comment)}], ' if p.comment else "")
                       + f'"followup": ["None", "{p.followup}"], {self._tail}')  # fmt: skip
            entries.add(
                content_type_id=content_type, object_pk=str(pk), object_id=pk,
                object_repr=f"{element.id}.{combo.id} {unit.id} {period.id}", action=create,
                changes=Encoded(changes), additional_data=ou_path, serialized_data=NULL, **common,
            )  # fmt: skip
        table.flush()
        for current, p in changed:
            changes = {name: (old, new) for name, old, new in (
                ("value", current.value, p.number), ("comment", current.comment, p.comment),
                ("followup", current.followup, p.followup), ("source", current.source, source),
                ("stored_by", current.stored_by_id, user_id),
            ) if old != new}  # fmt: skip
            current.value, current.comment, current.followup = p.number, p.comment, p.followup
            current.source, current.stored_by_id, current.last_updated = source, user_id, now
            audit.updated(DataValue, current.pk, str(current), current.ou_path, changes)
        fields = ["value", "comment", "followup", "source", "stored_by", "last_updated"]
        DataValue.objects.bulk_update([c for c, _p in changed], fields, batch_size=2000)
        for value in gone:
            audit.deleted(DataValue, value.pk, str(value), value.ou_path)
        with disable_auditlog():  # logged just above, in bulk
            DataValue.objects.filter(pk__in=[v.pk for v in gone]).delete()
        audit.flush()

    def _unit(self, unit: OrgUnit) -> tuple[str, Encoded]:
        found = self._unit_json.get(unit.id)
        if found is None:
            fields = to_json({"org_unit_id": ["None", str(unit.pk)],
                              "ou_path": ["None", unit.path]})[1:-1] + ", "  # fmt: skip
            found = self._unit_json[unit.id] = (fields, Encoded(to_json({"ou_path": unit.path})))
        return found

    def _period(self, period: Period) -> str:
        found = self._period_json.get(period.id)
        if found is None:
            found = self._period_json[period.id] = to_json({
                "period": ["None", period.id], "period_start": ["None", str(period.start)],
                "period_end": ["None", str(period.end)]})[1:-1] + ", "  # fmt: skip
        return found


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
