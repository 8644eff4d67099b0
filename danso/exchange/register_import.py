"""Importing the household register from CSV/XLSX files.

Two files, both all or nothing (if any row is refused nothing is kept, and every refused row
is reported with its column and reason):
- persons: one row per person entering the register (the first load of a Sổ A0). Rows are
  checked with the same rules as the form (register.validation), then written in bulk, with
  their households, registration events, slips and spells, so a province loads in minutes;
- events: any change of the slip, one row each, through register.services exactly as the
  form records them (slower, but every rule of the register applies, row after row).

The columns are declared once below; the downloadable templates and docs/register.md follow
them.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import path_q, scope_paths
from danso.audit.bulk import BulkAudit
from danso.orgunits.models import Level, OrgUnit
from danso.register import codes, services
from danso.register.bulk import BulkTable, Encoded, add_spells, analyze, to_json
from danso.register.models import (
    Event,
    EventKind,
    Household,
    MaritalSpell,
    MethodSpell,
    Person,
    Residence,
    Slip,
)
from danso.register.projection import Fact, replay
from danso.register.signals import changed
from danso.register.validation import Change, Checker, Problem
from danso.text import fold

from . import persons_bulk
from .tables import check_cells

HOUSEHOLD_COLUMNS = [
    ("village", _("village identifier (e.g. C24211-01) or the village's code in the commune")),
    ("household_number", _("household number (Hộ số); a new number creates the household")),
    ("address", _("address")),
    ("kind", _("1 family household, 2 collective household")),
    ("poverty_year", _("year of the poverty status")),
    ("poverty_status", _("0 neither, 1 poor, 2 near-poor")),
]
PERSON_COLUMNS = [
    ("village", _("village identifier (e.g. C24211-01) or the village's code in the commune")),
    ("household_number", _("household number (Hộ số); a new number creates the household")),
    ("full_name", _("full name")),
    ("sex", _("1 = male, 2 = female (or Nam/Nữ)")),
    ("date_of_birth", _("dd/mm/yyyy or yyyy-mm-dd")),
    ("relationship", _("relationship to head: 1 head, 2 spouse, 3 child, …")),
    ("ethnicity", _("ethnic group code 01–54 or name")),
    ("education", _("education code 0–7")),
    ("marital_status", _("1 never married, 2 married, 3 divorced, 4 widowed")),
    ("residence_kind", _("1 present, 2 temporarily absent, 3 temporary resident")),
    ("citizen_id", _("12-digit citizen ID")),
    ("subject_code", _("health-insurance card number")),
    ("phone", _("phone")),
    ("prior_live_births", _("live births before entering the register")),
    ("method", _("contraceptive method in use (code 1–8)")),
    ("registered_on", _("date entered in the register (default: today)")),
    ("address", _("household address (for a new household)")),
]
EVENT_COLUMNS = [
    ("village", _("village identifier or code")),
    ("household_number", _("household number")),
    ("kind", _("birth, death, move_in, move_out, move_within, change, method_start, …")),
    ("occurred_on", _("date it happened")),
    ("person", _("the person: citizen ID, card number, or 'full name|dd/mm/yyyy'")),
    ("other_person", _("the mother of a birth or the spouse, written the same way")),
    ("full_name", _("a person who enters (birth, move in): full name")),
    ("sex", _("… sex")),
    ("date_of_birth", _("… date of birth")),
    ("relationship", _("… relationship to head")),
    ("ethnicity", _("… ethnic group")),
    ("marital_status", _("… marital status")),
    ("method", _("contraceptive method code")),
    ("place", _("place code")),
    ("outcome", _("pregnancy: 1 pregnant, 2 miscarriage, 3 abortion")),
    ("birth_order", _("child number of the mother (checked against the register)")),
    ("is_consanguineous", _("1 for a consanguineous marriage")),
    ("origin", _("moved from: the commune's identifier (C24211)")),
    ("destination", _("moved to: the commune's identifier (C24211)")),
    ("to_village", _("move within the commune: village moved to (identifier or code)")),
    ("to_household_number", _("move within the commune: household number moved to")),
]
CODED = {
    "kind": codes.HOUSEHOLD_KIND,
    "poverty_status": codes.POVERTY,
    "sex": codes.SEX,
    "relationship": codes.RELATIONSHIP,
    "ethnicity": codes.ETHNICITY,
    "education": codes.EDUCATION,
    "marital_status": codes.MARITAL_STATUS,
    "residence_kind": codes.RESIDENCE_KIND,
    "method": codes.METHOD,
}


@dataclass
class ImportResult:
    total: int = 0
    created: int = 0
    errors: list[Problem] = field(default_factory=list)


class RowError(Exception):
    def __init__(self, column: str, code: str, message: str):
        super().__init__(message)
        self.problem = Problem(column, code, message)


# The columns that go straight into a model's text field, with that field (for its length).
TEXT_COLUMNS = {
    "household_number": (Household, "number"),
    "to_household_number": (Household, "number"),
    "address": (Household, "address"),
    "full_name": (Person, "full_name"),
    "citizen_id": (Person, "citizen_id"),
    "subject_code": (Person, "subject_code"),
    "phone": (Person, "phone"),
}


def check_row_cells(row: dict) -> None:
    """Refuse the row when a cell cannot be stored (too long, NUL): a rejected row, not a
    failed import."""
    for column, code, message in check_cells(row, TEXT_COLUMNS):
        raise RowError(column, code, message)


def parse_date(value: str, column: str) -> datetime.date | None:
    """dd/mm/yyyy (as officials write), yyyy-mm-dd (as spreadsheets export) or dd-mm-yyyy."""
    if not value:
        return None
    parts = value.replace("-", "/").split("/")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3 and len(parts[2]) == 4:
            return datetime.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise RowError(column, "invalid_date", _("Not a date (dd/mm/yyyy or yyyy-mm-dd)."))


def parse_code(value: str, column: str) -> str:
    """A code, or its label written out ("Nữ", "Ê-đê"): officials type either."""
    if not value:
        return ""
    code = CODED[column].code_for(value)
    if code is not None:
        return code
    raise RowError(column, "invalid_code", _("Unknown code: %(value)s.") % {"value": value})


def parse_int(value: str, column: str) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        raise RowError(column, "invalid_number", _("Not a whole number."))
    return int(value)


def _missing_columns(header, columns, required) -> list[Problem]:
    return [
        Problem(
            name, "missing_column", _("The column %(name)s is missing.") % {"name": name}, index=1
        )
        for name in required
        if name not in header
    ]


class Villages:
    """Villages the importer may write to, found by uid or by code within the unit (a code
    that villages of several communes share must be written as the uid)."""

    def __init__(self, user, unit: OrgUnit):
        villages = OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=unit.path)
        villages = villages.filter(path_q(scope_paths(user)))
        self.by_key, self.shared_codes = {}, set()
        for village in villages:
            self.by_key[village.uid] = village
            if village.code in self.by_key:
                self.shared_codes.add(village.code)
            self.by_key.setdefault(village.code, village)

    def get(self, key: str) -> OrgUnit:
        if not key:
            raise RowError("village", "required", _("This field is required."))
        if key in self.shared_codes:
            raise RowError(
                "village",
                "ambiguous_village",
                _(
                    "Villages of several communes have the code %(key)s: write the village's "
                    "identifier (e.g. C24211-01)."
                )
                % {"key": key},
            )
        if key not in self.by_key:
            raise RowError(
                "village",
                "unknown_village",
                _("No such village in your area: %(key)s.") % {"key": key},
            )
        return self.by_key[key]


def _person_data(row: dict) -> dict:
    data = {"full_name": " ".join(row.get("full_name", "").split())}
    for name in (
        "sex",
        "relationship",
        "ethnicity",
        "education",
        "marital_status",
        "residence_kind",
    ):
        if name in row:
            data[name] = parse_code(row[name], name)
    data["date_of_birth"] = parse_date(row.get("date_of_birth", ""), "date_of_birth")
    for name in ("citizen_id", "subject_code", "phone"):
        if row.get(name):
            data[name] = row[name]
    if row.get("prior_live_births"):
        data["prior_live_births"] = parse_int(row["prior_live_births"], "prior_live_births")
    return {k: v for k, v in data.items() if v not in ("", None)}


def import_persons(unit, file_rows, user=None, accept=False, today=None, progress=None):
    today = today or timezone.localdate()
    progress = progress or (lambda done, total: None)
    header, rows = file_rows
    result = ImportResult(total=len(rows))
    result.errors = _missing_columns(
        header, PERSON_COLUMNS, ["village", "household_number", "full_name", "sex", "date_of_birth"]
    )
    if result.errors:
        return result
    villages = Villages(user, unit)
    existing = {
        (h.village_id, h.number): h
        for h in Household.objects.filter(village__in=set(villages.by_key.values()))
    }
    known = {
        (p["household_id"], p["search_name"], p["sex"], p["date_of_birth"])
        for p in Person.objects.filter(
            household__in=existing.values(), died_on__isnull=True, left_on__isnull=True
        ).values("household_id", "search_name", "sex", "date_of_birth")
    }
    fast = persons_bulk.check(rows, villages, existing, known, today, CODED, TEXT_COLUMNS)
    if fast is not None:  # every row passes: written by set-based SQL
        progress(len(rows), 2 * len(rows))
        with transaction.atomic():
            result.created = persons_bulk.write(*fast, existing, user, accept, timezone.now())
        progress(2 * len(rows), 2 * len(rows))
        return result
    # Some row is refused: every row is checked again through the form's Checker, which
    # explains each refused one (and would write the file if the lean pass was wrong).
    new_households: dict[tuple, Household] = {}
    checked = []
    for done, (line, row) in enumerate(rows, start=1):
        try:
            check_row_cells(row)
            village = villages.get(row.get("village", ""))
            number = row.get("household_number", "").strip()
            if not number:
                raise RowError("household_number", "required", _("This field is required."))
            key = (village.pk, number)
            household = existing.get(key) or new_households.get(key)
            if household is None:
                household = Household(number=number, address=row.get("address", ""))
                household.place_in(village)
                new_households[key] = household
            person = _person_data(row)
            method = parse_code(row.get("method", ""), "method")
            registered = parse_date(row.get("registered_on", ""), "registered_on") or today
        except RowError as err:
            err.problem.index = line
            result.errors.append(err.problem)
            continue
        change = Change(
            EventKind.REGISTRATION,
            registered,
            household,
            person_data=person,
            data={"method": method} if method else {},
        )
        identity = (
            id(household) if household.pk is None else household.pk,
            fold(person.get("full_name", "")),
            person.get("sex"),
            person.get("date_of_birth"),
        )
        problems = Checker(change, today, check_duplicates=False).run()
        errors = [p for p in problems if p.severity == "error"]
        if identity in known and not errors:
            errors.append(
                Problem(
                    "full_name",
                    "duplicate_person",
                    _(
                        "A person with this name, sex and date of birth is already in the "
                        "household."
                    ),
                )
            )
        for p in errors:
            p.index, p.field = line, p.field.removeprefix("person.").removeprefix("data.")
        result.errors += errors
        known.add(identity)
        checked.append((line, village, household, change, identity[1]))
        if done % 5000 == 0:
            progress(done, 2 * len(rows))
    if result.errors:
        return result
    with transaction.atomic():
        result.created = _write_persons(checked, new_households, user, accept, progress, len(rows))
    return result


def _write_persons(checked, new_households, user, accept, progress, total) -> int:
    """Set-based: ids are given here, every row goes to COPY (PostgreSQL) or executemany
    (SQLite) once, with its audit entry; no query per row."""
    tables = {
        m: BulkTable(m)
        for m in (Household, Person, Slip, Event, Residence, MaritalSpell, MethodSpell)
    }
    audit = BulkAudit(user)
    now = timezone.now()
    user_id = user.pk if user else None
    for household in new_households.values():
        household.pk = tables[Household].new_id()
    slips = {}
    heads = {}
    histories = {}
    event_label = str(EventKind.REGISTRATION.label)
    for done, (_line, village, household, change, search_name) in enumerate(checked, start=1):
        period = services.period_of(change.occurred_on)
        if (village.pk, period) not in slips:
            slip = services.slip_for(village, period)
            if accept and slip.status != Slip.Status.ACCEPTED:
                Slip.objects.filter(pk=slip.pk).update(
                    status=Slip.Status.ACCEPTED, reviewed_at=now, reviewed_by=user
                )
            slips[(village.pk, period)] = slip.pk
        person = change.person_data
        method = change.data.get("method", "")
        data = {
            "person": {
                k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in person.items()
            },
            **change.data,
        }
        person_id = tables[Person].new_id()
        event = {
            "village_id": village.pk, "ou_path": village.path,
            "province_code": village.province_code, "kind": EventKind.REGISTRATION,
            "occurred_on": change.occurred_on, "recorded_at": now, "recorded_by_id": user_id,
            "slip_id": slips[(village.pk, period)], "household_id": household.pk,
            "person_id": person_id, "is_accepted": accept, "sex": person["sex"],
            "method": method, "data": Encoded(to_json(data)),  # once for the row and its audit
        }  # fmt: skip
        event_id = tables[Event].add(**event)
        audit.created(Event, event_id, f"{event_label} {change.occurred_on:%d/%m/%Y}",
                      village.path, event)  # fmt: skip
        tables[Person].add(
            id=person_id,
            village_id=village.pk,
            ou_path=village.path,
            province_code=village.province_code,
            household_id=household.pk,
            full_name=person["full_name"],
            search_name=search_name,
            sex=person["sex"],
            date_of_birth=person["date_of_birth"],
            relationship=person.get("relationship") or "9",
            ethnicity=person.get("ethnicity") or codes.KINH,
            education=person.get("education", ""),
            marital_status=person.get("marital_status") or codes.NEVER_MARRIED,
            residence_kind=person.get("residence_kind") or codes.PRESENT,
            citizen_id=person.get("citizen_id", ""),
            subject_code=person.get("subject_code", ""),
            phone=person.get("phone", ""),
            prior_live_births=person.get("prior_live_births", 0),
            is_pending=not accept,
        )
        if person.get("relationship") == codes.HEAD:
            heads[household.pk] = person["full_name"]
        if accept:
            # A lone registration's spells depend on these alone (projection.History.apply):
            # replay once per distinct key, not once per person.
            key = (change.occurred_on, household.pk, person.get("residence_kind"),
                   person.get("marital_status"), method)  # fmt: skip
            if key not in histories:
                fact = Fact(EventKind.REGISTRATION, change.occurred_on, event_id, data,
                            household.pk, method)  # fmt: skip
                histories[key] = replay([fact])
            add_spells(tables, person_id, person["sex"], person["date_of_birth"], village,
                       histories[key])  # fmt: skip
        if done % 5000 == 0:
            progress(total + done, 2 * total)
    for household in new_households.values():
        household.head_name = heads.pop(household.pk, "")
        row = {
            "village_id": household.village_id, "ou_path": household.ou_path,
            "province_code": household.province_code, "number": household.number,
            "address": household.address, "kind": codes.FAMILY_HOUSEHOLD,
            "head_name": household.head_name, "created_at": now, "created_by_id": user_id,
        }  # fmt: skip
        tables[Household].add(
            id=household.pk,
            search_text=fold(f"{household.number} {household.head_name} {household.address}"),
            **row,
        )
        audit.created(Household, household.pk, str(household), household.ou_path, row)
    for table in tables.values():
        table.flush()
        table.reset_sequence()
    _name_heads(heads, audit)
    audit.flush()
    analyze(tables)
    if accept:
        changed(village_id for village_id, _period in slips)
    progress(2 * total, 2 * total)
    return len(checked)


def _name_heads(heads: dict, audit: BulkAudit) -> None:
    """Existing households whose head is in the file: one UPDATE for all (audited)."""
    if not heads:
        return
    households = list(Household.objects.filter(pk__in=heads))
    for household in households:
        old = household.head_name
        household.head_name = heads[household.pk]
        household.search_text = fold(
            f"{household.number} {household.head_name} {household.address}"
        )
        audit.updated(Household, household.pk, str(household), household.ou_path,
                      {"head_name": (old, household.head_name)})  # fmt: skip
    Household.objects.bulk_update(households, ["head_name", "search_text"], batch_size=2000)


def _find_person(ref: str, column: str, village: OrgUnit) -> Person | None:
    if not ref:
        return None
    persons = Person.objects.filter(village__parent=village.parent_id)
    if "|" in ref:
        name, born = ref.split("|", 1)
        found = persons.filter(
            search_name=fold(name), date_of_birth=parse_date(born.strip(), column)
        )
    else:
        found = persons.filter(citizen_id=ref) | persons.filter(subject_code=ref)
    found = list(found[:2])
    if len(found) != 1:
        code = "person_not_found" if not found else "person_ambiguous"
        raise RowError(
            column, code, _("No single person matches %(ref)s in this commune.") % {"ref": ref}
        )
    return found[0]


def import_events(unit, file_rows, user=None, accept=False, today=None, progress=None):
    today = today or timezone.localdate()
    progress = progress or (lambda done, total: None)
    header, rows = file_rows
    result = ImportResult(total=len(rows))
    result.errors = _missing_columns(
        header, EVENT_COLUMNS, ["village", "household_number", "kind", "occurred_on"]
    )
    if result.errors:
        return result
    villages = Villages(user, unit)
    touched: dict[int, Slip] = {}
    with transaction.atomic():
        for done, (line, row) in enumerate(rows, start=1):
            try:
                check_row_cells(row)
                change, village = _event_change(row, villages)
                slip = services.slip_for(village, services.period_of(change.occurred_on))
                services.record(slip, [change], user=user, today=today)
                touched[slip.pk] = slip
                result.created += 1
            except RowError as err:
                err.problem.index = line
                result.errors.append(err.problem)
            except services.RegisterError as err:
                for p in err.problems:
                    p.index, p.field = line, p.field.removeprefix("person.")
                result.errors += err.problems
            if done % 200 == 0:
                progress(done, len(rows))
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
            return result
        if accept:
            for slip in touched.values():
                slip.refresh_from_db()
                if slip.is_editable:
                    services.submit(slip, user)
                if slip.status == Slip.Status.SUBMITTED:
                    services.accept(slip, user)
    progress(len(rows), len(rows))
    return result


def _event_change(row: dict, villages: Villages) -> tuple[Change, OrgUnit]:
    village = villages.get(row.get("village", ""))
    number = row.get("household_number", "")
    household = Household.objects.filter(village=village, number=number).first()
    if household is None:
        raise RowError(
            "household_number",
            "unknown_household",
            _("No household %(number)s in this village.") % {"number": number},
        )
    kind = row.get("kind", "").strip()
    occurred = parse_date(row.get("occurred_on", ""), "occurred_on")
    if occurred is None:
        raise RowError("occurred_on", "required", _("This field is required."))
    data = {k: row[k] for k in ("origin", "destination") if row.get(k)}
    if kind == EventKind.MOVE_WITHIN:
        data["to_household"] = _target_household(row, village).pk
    entering = kind in (EventKind.BIRTH, EventKind.MOVE_IN, EventKind.REGISTRATION)
    change = Change(
        kind=kind,
        occurred_on=occurred,
        household=household,
        person=None if entering else _find_person(row.get("person", ""), "person", village),
        person_data=_person_data(row) if entering else {},
        other_person=_find_person(row.get("other_person", ""), "other_person", village),
        method=parse_code(row.get("method", ""), "method"),
        place=row.get("place", ""),
        outcome=row.get("outcome", ""),
        birth_order=parse_int(row.get("birth_order", ""), "birth_order"),
        is_consanguineous=row.get("is_consanguineous", "") in ("1", "x", "X", "có", "Có"),
        data=data,
    )
    if not entering and change.person is None:
        raise RowError("person", "required", _("This field is required."))
    return change, village


def _target_household(row: dict, village: OrgUnit) -> Household:
    """The household a person moves to within the commune: in `to_village`, any village of
    the row's commune (never another commune's). A household number is unique only within its
    village, so the village must be named: the importer never guesses one."""
    number, key = row.get("to_household_number", "").strip(), row.get("to_village", "").strip()
    if not number:
        raise RowError("to_household_number", "required", _("This field is required."))
    households = Household.objects.filter(village__parent=village.parent_id, number=number)
    if not key:
        names = sorted(households.values_list("village__name", flat=True))
        if len(names) > 1:
            raise RowError(
                "to_village",
                "ambiguous_household",
                _(
                    "Household %(number)s exists in several villages of the commune "
                    "(%(villages)s): give the village moved to in to_village."
                )
                % {"number": number, "villages": ", ".join(names)},
            )
        raise RowError(
            "to_village",
            "required",
            _(
                "Give the village moved to in to_village: a household number is unique only "
                "within its village."
            ),
        )
    target_village = OrgUnit.objects.filter(
        Q(uid=key) | Q(code=key), parent=village.parent_id, level=Level.VILLAGE
    ).first()
    if target_village is None:
        raise RowError(
            "to_village", "unknown_village", _("No village %(key)s in this commune.") % {"key": key}
        )
    target = households.filter(village=target_village).first()
    if target is None:
        raise RowError(
            "to_household_number",
            "unknown_household",
            _("No household %(number)s in %(village)s.")
            % {"number": number, "village": target_village.name},
        )
    return target


def import_households(unit, file_rows, user=None, accept=False, today=None, progress=None):
    """New households, and poverty status by year for new or existing ones."""
    progress = progress or (lambda done, total: None)
    header, rows = file_rows
    result = ImportResult(total=len(rows))
    result.errors = _missing_columns(header, HOUSEHOLD_COLUMNS, ["village", "household_number"])
    if result.errors:
        return result
    villages = Villages(user, unit)
    seen: dict[tuple, int] = {}
    with transaction.atomic():
        for done, (line, row) in enumerate(rows, start=1):
            try:
                check_row_cells(row)
                village = villages.get(row.get("village", ""))
                number = row.get("household_number", "").strip()
                key = (village.pk, number)
                household = Household.objects.filter(village=village, number=number).first()
                if household is None:
                    household = services.create_household(
                        village,
                        number=number,
                        address=row.get("address", ""),
                        kind=parse_code(row.get("kind", ""), "kind") or codes.FAMILY_HOUSEHOLD,
                        user=user,
                    )
                    result.created += 1
                elif key in seen and not row.get("poverty_year"):
                    raise RowError(
                        "household_number",
                        "duplicate_in_file",
                        _("This household is also on row %(row)s.") % {"row": seen[key]},
                    )
                seen.setdefault(key, line)
                if row.get("poverty_year") or row.get("poverty_status"):
                    year = parse_int(row.get("poverty_year", ""), "poverty_year")
                    status = parse_code(row.get("poverty_status", ""), "poverty_status")
                    if year is None or not status:
                        raise RowError(
                            "poverty_status",
                            "required",
                            _("Give both the year and the poverty status."),
                        )
                    services.set_poverty(household, year, status)
            except RowError as err:
                err.problem.index = line
                result.errors.append(err.problem)
            except services.RegisterError as err:
                for p in err.problems:
                    p.index, p.field = (
                        line,
                        {
                            "number": "household_number",
                            "status": "poverty_status",
                            "year": "poverty_year",
                        }.get(p.field, p.field),
                    )
                result.errors += err.problems
            if done % 500 == 0:
                progress(done, len(rows))
        if result.errors:
            transaction.set_rollback(True)
            result.created = 0
    return result


IMPORTERS = {
    "households": (import_households, HOUSEHOLD_COLUMNS),
    "persons": (import_persons, PERSON_COLUMNS),
    "events": (import_events, EVENT_COLUMNS),
}
