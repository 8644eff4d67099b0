"""Reconciliation across sectors: other sectors' counts beside the register's, the commune's
explanation and sign-off, and person-level files matched by citizen ID.

Imports are all or nothing: every row is checked, and if any is refused nothing is kept and
every problem is returned with its line. A period signed off is closed: its figures can no
longer be imported again.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso.accounts.scope import can_review, visible_units
from danso.exchange.register_import import RowError, parse_date, parse_int
from danso.exchange.tables import TableError, read_table
from danso.orgunits.models import Level, OrgUnit
from danso.register.models import Event, EventKind, Person, Residence
from danso.register.validation import Problem
from danso.statistics.compute import compute
from danso.statistics.periods import Period, PeriodError
from danso.statistics.sources import _alive_on

from .models import Reconciliation, SectorCount, SectorPerson, Source

PERIOD_TYPES = {"quarter", "half", "year"}
COUNT_COLUMNS = ["commune", "period", "source", "value"]
PERSON_COLUMNS = ["commune", "period", "source", "citizen_id", "full_name", "date_of_birth"]
# The register's figure each source is set beside (an element of danso.statistics).
REGISTER_ELEMENT = {Source.CIVIL_BIRTHS: "births", Source.CIVIL_DEATHS: "deaths",
                    Source.POLICE_RESIDENTS: "residents"}  # fmt: skip
FACILITIES = {"1", "2"}  # places of delivery: commune health station, other health facility
# Why figures differ, shown beside each source (the commune writes its own explanation).
USUAL_REASONS = {
    Source.CIVIL_BIRTHS: gettext_lazy(
        "Births are registered where the parents ask, sometimes months later."
    ),
    Source.CIVIL_DEATHS: gettext_lazy("Deaths are registered late, or where the family lives."),
    Source.FACILITY_BIRTHS: gettext_lazy(
        "Facilities count every birth they attend, also of other communes."
    ),
    Source.POLICE_RESIDENTS: gettext_lazy(
        "The police count registered residents; the register counts de facto usual residents."
    ),
}


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.index}: {p.field}: {p.message}" for p in problems))
        self.problems = problems


@dataclass
class Line:
    source: str
    label: str
    other: int | None
    register: int
    reason: str

    @property
    def difference(self) -> int | None:
        return None if self.other is None else self.other - self.register


def parse_period(value: str) -> Period:
    try:
        period = Period.parse(value)
    except PeriodError as exc:
        raise RowError(
            "period", "invalid_period", _("Not a period (2025Q3, 2025S1, 2025).")
        ) from exc
    if period.type not in PERIOD_TYPES:
        raise RowError("period", "invalid_period",
                       _("Reconciliation is by quarter, half-year or year."))  # fmt: skip
    return period


def _commune(user, uid: str, communes: dict) -> OrgUnit:
    if uid not in communes:
        unit = visible_units(user).filter(uid=uid, level=Level.COMMUNE).first()
        communes[uid] = unit if unit and can_review(user, unit.path) else None
    if communes[uid] is None:
        raise RowError("commune", "unknown_unit",
                       _("No commune %(uid)s that you reconcile.") % {"uid": uid})  # fmt: skip
    return communes[uid]


def _common(user, row, communes):
    commune = _commune(user, row.get("commune", ""), communes)
    period = parse_period(row.get("period", ""))
    source = row.get("source", "")
    if source not in Source.values:
        raise RowError("source", "invalid_code", _("Unknown source: one of %(codes)s.")
                       % {"codes": ", ".join(Source.values)})  # fmt: skip
    if signed_off(commune, period.id):
        raise RowError("period", "signed_off", _("This period is signed off."))
    return commune, period, source


def _read(file_name: str, data: bytes, columns: list[str]):
    try:
        header, rows = read_table(file_name, data)
    except TableError as exc:
        raise ImportRefused([Problem("file", "unreadable", str(exc))]) from exc
    missing = [c for c in columns if c not in header and c not in ("full_name", "date_of_birth")]
    if missing:
        raise ImportRefused([Problem(c, "missing_column", _("Missing column.")) for c in missing])
    if not rows:
        raise ImportRefused([Problem("file", "empty", _("The file has no rows."))])
    return rows


def _refuse_if(problems):
    if problems:
        raise ImportRefused(problems)


@transaction.atomic
def import_counts(user, file_name: str, data: bytes) -> int:
    """Rows commune, period, source, value; a figure imported again replaces the old one."""
    communes, seen, problems, parsed = {}, {}, [], []
    for line, row in _read(file_name, data, COUNT_COLUMNS):
        try:
            commune, period, source = _common(user, row, communes)
            value = parse_int(row.get("value", ""), "value")
            if value is None:
                raise RowError("value", "required", _("This field is required."))
            key = (commune.pk, period.id, source)
            if key in seen:
                raise RowError("source", "duplicate_row",
                               _("Same commune, period and source as line %(line)s.")
                               % {"line": seen[key]})  # fmt: skip
            seen[key] = line
            parsed.append((commune, period.id, source, value))
        except RowError as err:
            err.problem.index = line
            problems.append(err.problem)
    _refuse_if(problems)
    for commune, period, source, value in parsed:
        SectorCount.objects.update_or_create(
            commune=commune, period=period, source=source,
            defaults={"value": value, "ou_path": commune.path, "imported_by": user},
        )  # fmt: skip
    return len(parsed)


@transaction.atomic
def import_persons(user, file_name: str, data: bytes) -> int:
    """Rows commune, period, source, citizen_id (and full_name, date_of_birth): the people
    behind a count; a file replaces the people of each (commune, period, source) it names."""
    communes, seen, problems, parsed = {}, {}, [], []
    for line, row in _read(file_name, data, PERSON_COLUMNS):
        try:
            commune, period, source = _common(user, row, communes)
            citizen_id = row.get("citizen_id", "")
            if not (len(citizen_id) == 12 and citizen_id.isdigit()):
                raise RowError("citizen_id", "invalid_citizen_id", _("A citizen ID has 12 digits."))
            born = parse_date(row.get("date_of_birth", ""), "date_of_birth")
            key = (commune.pk, period.id, source, citizen_id)
            if key in seen:
                message = _("The same person as line %(line)s.") % {"line": seen[key]}
                raise RowError("citizen_id", "duplicate_row", message)
            seen[key] = line
            parsed.append((commune, period.id, source, citizen_id, row.get("full_name", ""), born))
        except RowError as err:
            err.problem.index = line
            problems.append(err.problem)
    _refuse_if(problems)
    for commune, period, source in {(c, p, s) for c, p, s, *_rest in parsed}:
        SectorPerson.objects.filter(commune=commune, period=period, source=source).delete()
    SectorPerson.objects.bulk_create(
        SectorPerson(commune=c, ou_path=c.path, period=p, source=s, citizen_id=i,
                     full_name=n[:150], date_of_birth=b)
        for c, p, s, i, n, b in parsed
    )  # fmt: skip
    return len(parsed)


def _facility_births(commune: OrgUnit, period: Period) -> int:
    return Event.objects.filter(
        kind=EventKind.BIRTH, is_accepted=True, is_superseded=False, place__in=FACILITIES,
        village__parent=commune, occurred_on__gte=period.start, occurred_on__lte=period.end,
    ).count()  # fmt: skip


def lines(commune: OrgUnit, period: Period) -> list[Line]:
    """Each source: the other sector's figure (None if not imported), the register's, and the
    usual reason they differ."""
    figures = compute(commune, period, with_children=False)
    others = dict(
        SectorCount.objects.filter(commune=commune, period=period.id).values_list("source", "value")
    )
    out = []
    for source, label in Source.choices:
        if source == Source.FACILITY_BIRTHS:
            register = _facility_births(commune, period)
        else:
            register = int(figures.value(commune.uid, REGISTER_ELEMENT[source]))
        out.append(Line(source, str(label), others.get(source), register,
                        str(USUAL_REASONS[source])))  # fmt: skip
    return out


def _register_people(commune: OrgUnit, period: Period, source: str):
    """The register's people behind a source's figure."""
    if source == Source.POLICE_RESIDENTS:
        living = Residence.objects.filter(village__parent=commune).filter(_alive_on(period.end))
        return Person.objects.filter(pk__in=living.values("person_id"))
    kind = EventKind.DEATH if source == Source.CIVIL_DEATHS else EventKind.BIRTH
    events = Event.objects.filter(kind=kind, is_accepted=True, is_superseded=False,
                                  village__parent=commune, occurred_on__gte=period.start,
                                  occurred_on__lte=period.end)  # fmt: skip
    if source == Source.FACILITY_BIRTHS:
        events = events.filter(place__in=FACILITIES)
    return Person.objects.filter(pk__in=events.values("person_id"))


@transaction.atomic
def match(commune: OrgUnit, period: Period, source: str) -> dict:
    """Match the file's people to the register's by citizen ID: how many matched, the file's
    people the register lacks, and the register's people the file lacks."""
    people = list(SectorPerson.objects.filter(commune=commune, period=period.id, source=source))
    register = {p.citizen_id: p for p in _register_people(commune, period, source)
                .exclude(Q(citizen_id="")).select_related("household")}  # fmt: skip
    unmatched_file = []
    for row in people:
        row.person = register.get(row.citizen_id)
        if row.person is None:
            unmatched_file.append(row)
    SectorPerson.objects.bulk_update(people, ["person"])
    in_file = {row.citizen_id for row in people}
    without_id = _register_people(commune, period, source).filter(citizen_id="")
    return {
        "in_file": len(people),
        "matched": len(people) - len(unmatched_file),
        "unmatched_file": unmatched_file,
        "unmatched_register": [p for i, p in sorted(register.items()) if i not in in_file],
        "register_without_id": list(without_id.select_related("household")),
    }


def people_matches(commune: OrgUnit, period: Period) -> dict[str, dict]:
    """The match of each source whose person-level file was imported, by source."""
    sources = SectorPerson.objects.filter(commune=commune, period=period.id)
    found = sorted(set(sources.values_list("source", flat=True)))
    return {source: {"label": Source(source).label, **match(commune, period, source)}
            for source in found}  # fmt: skip


def _refuse(field: str, code: str, message: str):
    raise ImportRefused([Problem(field, code, message)])


def signed_off(commune: OrgUnit, period_id: str) -> Reconciliation | None:
    return Reconciliation.objects.filter(commune=commune, period=period_id,
                                         signed_off_at__isnull=False).first()  # fmt: skip


def record_explanation(user, commune: OrgUnit, period: Period, explanation: str,
                       sign: bool = False) -> Reconciliation:  # fmt: skip
    """Save the commune's explanation; `sign` also signs the period off. A difference left
    unexplained cannot be signed off, nor a period with no other sector's figure."""
    if not can_review(user, commune.path):
        raise ImportRefused(
            [Problem("commune", "forbidden", _("You do not reconcile this commune."))]
        )
    if signed_off(commune, period.id):
        raise ImportRefused([Problem("period", "signed_off", _("This period is signed off."))])
    explanation = explanation.strip()
    if sign:
        found = lines(commune, period)
        if all(line.other is None for line in found):
            _refuse("period", "nothing_imported", _("No other sector's figure was imported."))
        if any(line.difference for line in found) and not explanation:
            _refuse("explanation", "required", _("Explain the differences before signing off."))
    record, _created = Reconciliation.objects.get_or_create(
        commune=commune, period=period.id, defaults={"ou_path": commune.path}
    )
    record.explanation = explanation
    if sign:
        record.signed_off_at, record.signed_off_by = timezone.now(), user
    record.save()
    return record


def period_of_day(day: datetime.date) -> str:
    return Period.containing("quarter", day).id
