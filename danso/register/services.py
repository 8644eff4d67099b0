"""Writing to the register: households, slips and their changes, review, corrections.

The web forms, the API and the importers all come through here, so every rule is applied the
same way. A batch of changes is all or nothing: every change is checked in order (a later one
may refer to a person an earlier one entered) and if any is refused nothing is kept and every
problem is returned.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.concurrency import claim
from danso.orgunits.models import Level, OrgUnit

from . import codes
from .inputs import SPOUSE_REF
from .models import Event, EventKind, Household, HouseholdPoverty, Person, Slip
from .projection import ENTRY_KINDS, EXIT_KINDS, events_for, rebuild, replay, spouses_of
from .signals import changed
from .validation import Change, Problem, age_on, check


class RegisterError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def _fail(field: str, code: str, message: str):
    raise RegisterError([Problem(field, code, message)])


# Kinds whose checks need the person's state before the change (see validation).
NEEDS_STATE = {
    EventKind.METHOD_STOP, EventKind.METHOD_START, EventKind.MARRIAGE, EventKind.DIVORCE,
    EventKind.CHANGE, EventKind.BIRTH, EventKind.METHOD_RESUPPLY,
}  # fmt: skip
# Kinds that change a person's projection or spells (see projection.History.apply).
CHANGES_STATE = ENTRY_KINDS | EXIT_KINDS | {
    EventKind.MOVE_WITHIN, EventKind.CHANGE, EventKind.MARRIAGE, EventKind.DIVORCE,
    EventKind.METHOD_START, EventKind.METHOD_STOP, EventKind.VOID,
}  # fmt: skip


def period_of(day: datetime.date) -> str:
    return f"{day.year}{day.month:02d}"


def create_household(
    village: OrgUnit,
    *,
    number: str,
    address: str = "",
    kind: str = codes.FAMILY_HOUSEHOLD,
    user=None,
) -> Household:
    if village.level != Level.VILLAGE:
        _fail("village", "not_a_village", _("Households are kept by village."))
    number = (number or "").strip()
    if not number or len(number) > 20:
        _fail("number", "required", _("Enter the household number (at most 20 characters)."))
    if kind not in codes.HOUSEHOLD_KIND.codes:
        _fail("kind", "invalid_code", _("Unknown code."))
    if Household.objects.filter(village=village, number=number).exists():
        _fail("number", "duplicate_household", _("This household number is already used."))
    household = Household(number=number, address=address.strip(), kind=kind, created_by=user)
    household.place_in(village)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        _fail("number", "duplicate_household", _("This household number is already used."))
    return household


def set_poverty(household: Household, year: int, status: str,
                expected: int | None = None) -> HouseholdPoverty:  # fmt: skip
    """Poverty status of a household for a year (poor and near-poor households get free
    contraceptives); setting it again replaces the year's status, and the audit log keeps the
    previous one. StaleEdit when the household's statuses changed since version `expected`."""
    if status not in codes.POVERTY.codes:
        _fail("status", "invalid_code", _("Unknown code."))
    if not 2000 <= year <= timezone.localdate().year + 1:
        _fail("year", "invalid_year", _("The year is out of range."))
    with transaction.atomic():
        claim(household, expected)
        record, _created = HouseholdPoverty.objects.update_or_create(
            household=household, year=year, defaults={"status": status}
        )
    return record


def slip_for(village: OrgUnit, period: str) -> Slip:
    slip, _created = Slip.objects.get_or_create(
        village=village, period=period, defaults={"ou_path": village.path}
    )
    return slip


def _state(person: Person | None, day: datetime.date) -> dict:
    if person is None:
        return {}
    return replay(events_for(person, accepted_only=False, until=day)).state_on(day)


def _state_for_checks(person: Person | None, change: Change) -> dict:
    """The person's state before the change, with the mother's live births for a birth and
    the spouse's marital status for a marriage."""
    state = _state(person, change.occurred_on)
    if change.kind == EventKind.BIRTH and change.other_person:
        mother = _state(change.other_person, change.occurred_on)
        state["mother_live_births"] = mother["live_births"]
    if change.kind == EventKind.MARRIAGE and change.other_person:
        spouse = _state(change.other_person, change.occurred_on)
        state["spouse_marital_status"] = spouse.get("marital_status")
    return state


def _is_child_marriage(problems: list[Problem]) -> bool:
    return any(p.code == "child_marriage" for p in problems)


def record(slip: Slip, changes: list[Change], user=None, today=None,
           fresh: bool = False) -> tuple[list, list]:  # fmt: skip
    """Add changes to a slip. Returns (events, warnings); raises RegisterError with every
    problem, keeping nothing, if any change is refused. The changes' persons are read again
    first, unless `fresh`: the caller has just read them (as the API does) and runs this in a
    transaction of its own that a RegisterError ends (so no savepoint is needed either)."""
    with transaction.atomic(savepoint=not fresh):
        return _record(slip, changes, user, today, fresh)


def _record(slip, changes, user, today, fresh) -> tuple[list, list]:
    today = today or timezone.localdate()
    if not slip.is_editable:
        _fail("slip", "slip_closed", _("This slip has been submitted; it cannot be changed."))
    problems, events = [], []
    written: set[int] = set()  # persons an earlier change of the batch wrote or rebuilt
    for index, change in enumerate(changes):
        if change.household.village_id != slip.village_id:
            problems.append(
                Problem(
                    "household",
                    "other_village",
                    _("This household is not in the slip's village."),
                    index=index,
                )
            )
            continue
        for person in (change.person, change.other_person):
            if person is not None and (not fresh or person.pk in written):
                person.refresh_from_db()  # an earlier change of the batch may have moved it
        state = _state_for_checks(change.person if change.kind in NEEDS_STATE else None, change)
        found = check(change, today, state)
        for problem in found:
            problem.index = index
        problems += found
        if any(p.severity == "error" for p in found):
            continue
        event = _write(slip, change, found, user, state)
        events.append(event)
        written |= _touched(event)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        transaction.set_rollback(True)
        raise RegisterError(errors)
    return events, problems


def _write(slip, change: Change, warnings, user, state) -> Event:
    household = change.household
    person = change.person
    # A move in of a person who moved out of another commune continues their record.
    returning = change.kind == EventKind.MOVE_IN and person is not None
    if change.kind in ENTRY_KINDS and not returning:
        data = change.person_data
        person = Person(
            household=household,
            full_name=" ".join(data["full_name"].split()),
            sex=data["sex"],
            date_of_birth=data["date_of_birth"],
            relationship=data.get("relationship") or codes.RELATIONSHIP.choices[-1][0],
            mother=change.other_person if change.kind == EventKind.BIRTH else None,
        )
        person.place_in(household.village)
        person.save()
    event = Event(
        kind=change.kind,
        occurred_on=change.occurred_on,
        recorded_by=user,
        slip=slip,
        household=household,
        person=person,
        other_person=change.other_person or _divorced_spouse(change, state, user),
        sex=person.sex,
        method=change.method or state.get("method") or "",
        place=change.place,
        outcome=change.outcome,
        is_consanguineous=change.is_consanguineous,
        is_child_marriage=_is_child_marriage(warnings),
        data=_event_data(change),
    )
    event.place_in(household.village)
    if change.kind == EventKind.BIRTH:
        mother = change.other_person
        event.birth_order = state.get("mother_live_births", 0) + 1
        event.age = age_on(mother.date_of_birth, change.occurred_on)
    else:
        event.age = age_on(person.date_of_birth, change.occurred_on)
    event.save()
    _rebuild_around(event, read=[p for p in (person, change.other_person) if p is not None])
    return event


def _divorced_spouse(change: Change, state: dict, user) -> Person | None:
    """The spouse a divorce also divorces (projection: `spouse_divorce`). One outside the
    writer's area is kept as a number, linked when the slip is accepted, like a marriage's."""
    if change.kind != EventKind.DIVORCE or not state.get("spouse"):
        return None
    from danso.accounts.scope import path_in_scope

    spouse = Person.objects.filter(pk=state["spouse"]).first()
    if spouse is None or user is None or path_in_scope(user, spouse.ou_path):
        return spouse
    change.data[SPOUSE_REF] = spouse.pk
    return None


def _event_data(change: Change) -> dict:
    data = dict(change.data)
    if change.kind in ENTRY_KINDS:
        person = {k: v for k, v in change.person_data.items() if v not in (None, "")}
        person["date_of_birth"] = _iso(person["date_of_birth"])
        data["person"] = person
        if "arrived_on" in data:
            data["arrived_on"] = _iso(data["arrived_on"])
    return data


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _touched(event: Event) -> set[int]:
    """Everyone whose row writing the event may have changed (see _rebuild_around)."""
    people = {event.person_id, event.other_person_id}
    if event.kind == EventKind.DEATH:
        people |= spouses_of(event.person)
    return {p for p in people if p}


# Kinds after which a household's head may be another person (its head_name refreshed).
HEAD_KINDS = ENTRY_KINDS | EXIT_KINDS | {EventKind.MOVE_WITHIN, EventKind.CHANGE, EventKind.VOID}


def _rebuild_around(*events: Event, read: list[Person] = ()) -> None:
    """Rebuild everyone the events touch: the person, the mother of a birth, the spouse of a
    marriage, and the widowed spouse of a death (for a correction: of the old entry and of
    the new one). Events that change no state (screenings, checks, pregnancies) leave
    projections and spells as they were. `read`: persons the caller read in this transaction
    and has not changed since (not read again)."""
    people, households = set(), {}
    for event in events:
        if event.kind not in CHANGES_STATE and not event.supersedes_id:
            continue
        people |= {event.person_id, event.other_person_id}
        if event.kind == EventKind.DEATH:
            people |= spouses_of(event.person)
        if event.kind in HEAD_KINDS or event.supersedes_id:
            households[event.household_id] = event.household
    # A change recorded but not accepted changes no spell (they follow accepted events): the
    # spells are rebuilt when its slip is accepted (accept), in that transaction.
    spells = any(e.is_accepted or e.supersedes_id for e in events)
    people = {p for p in people if p}
    known = [p for p in read if p.pk in people]
    others = people - {p.pk for p in known}
    for person in [*known, *(Person.objects.filter(pk__in=others) if others else [])]:
        rebuild(person, spells=spells)
    for household in households.values():
        _refresh_head(household)


def _refresh_head(household: Household) -> None:
    head = (
        household.persons.filter(
            relationship=codes.HEAD, died_on__isnull=True, left_on__isnull=True
        )
        .values_list("full_name", flat=True)
        .first()
    )
    if head and head != household.head_name:
        household.head_name = head
        household.save()


def submit(slip: Slip, user) -> None:
    if not slip.is_editable:
        _fail("slip", "slip_closed", _("This slip has already been submitted."))
    slip.status, slip.submitted_at, slip.submitted_by = Slip.Status.SUBMITTED, timezone.now(), user
    slip.save()


@transaction.atomic
def accept(slip: Slip, user) -> int:
    """The commune officer accepts a submitted slip: its changes now count in every report."""
    if slip.status != Slip.Status.SUBMITTED:
        _fail("slip", "not_submitted", _("Only a submitted slip can be reviewed."))
    events = list(slip.events.filter(is_superseded=False))
    _resolve_spouses(slip, [e for e in events if SPOUSE_REF in e.data], user)
    slip.events.update(is_accepted=True)
    slip.status, slip.reviewed_at, slip.reviewed_by = Slip.Status.ACCEPTED, timezone.now(), user
    slip.comment = ""
    slip.save()
    for event in events:
        event.is_accepted = True
        _rebuild_around(event)
    changed([slip.village_id])
    return len(events)


def _resolve_spouses(slip: Slip, events: list[Event], user) -> None:
    """Link the spouses named outside the collaborator's scope (inputs.SPOUSE_REF), now that
    the commune officer reviews them: each must be a person of the commune whom the marriage
    checks accept on that day. Every problem refuses the acceptance (the officer sends the
    slip back to be corrected)."""
    from danso.accounts.scope import in_commune_of

    problems = []
    for index, event in enumerate(events):
        spouse = in_commune_of(slip.village, Person.objects).filter(
            pk=event.data[SPOUSE_REF]).first()  # fmt: skip
        if spouse is None:
            problems.append(Problem("other_person", "spouse_not_found", _(
                "The spouse named in the %(kind)s of %(name)s (number %(id)s) is not a person "
                "of this commune.") % {"kind": event.get_kind_display().lower(),
                                       "name": event.person.full_name,
                                       "id": event.data[SPOUSE_REF]}, index=index))  # fmt: skip
            continue
        change = Change(event.kind, event.occurred_on, event.household, person=event.person,
                        other_person=spouse)  # fmt: skip
        state = _state_for_checks(change.person, change)
        state.pop("marital_status", None)  # the person's own marriage is this event
        checked = check(change, timezone.localdate(), state)
        found = [p for p in checked if p.field == "other_person"]
        event.is_child_marriage = any(p.code == "child_marriage" for p in checked)
        for problem in found:
            problem.index = index
            problem.message = f"{event.person.full_name}: {problem.message}"
        problems += [p for p in found if p.severity == "error"]
        event.other_person = spouse
        event.data = {k: v for k, v in event.data.items() if k != SPOUSE_REF}
        event.data["spouse_linked_by"] = getattr(user, "username", "")
    if problems:
        raise RegisterError(problems)
    for event in events:
        event.save(update_fields=["other_person", "data", "is_child_marriage"])


def send_back(slip: Slip, user, comment: str) -> None:
    if slip.status != Slip.Status.SUBMITTED:
        _fail("slip", "not_submitted", _("Only a submitted slip can be reviewed."))
    if not comment.strip():
        _fail("comment", "required", _("Say what must be corrected."))
    slip.status, slip.reviewed_at, slip.reviewed_by = Slip.Status.RETURNED, timezone.now(), user
    slip.comment = comment.strip()
    slip.save()


@transaction.atomic
def correct(event: Event, change: Change | None, reason: str, user, today=None) -> Event:
    """Supersede an event by a corrected one (or cancel it when `change` is None).

    Nothing is overwritten: the old event stays, marked superseded, and the new one says why.
    A correction of an accepted event counts at once (it is made by an officer); one of a
    pending event joins the same slip.
    """
    if not reason.strip():
        _fail("reason", "required", _("Give the reason for the correction."))
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("slip", "person")
        .get(pk=event.pk)
    )
    if event.is_superseded:
        _fail("event", "already_superseded", _("This entry has already been corrected."))
    if event.slip and not event.is_accepted and not event.slip.is_editable:
        _fail("event", "slip_closed", _("The slip is being reviewed; wait for its review."))
    event.is_superseded = True
    event.save(update_fields=["is_superseded"])
    if change is None:
        replacement = Event(
            kind=EventKind.VOID,
            occurred_on=event.occurred_on,
            household=event.household,
            person=event.person,
            recorded_by=user,
            slip=event.slip,
        )
        replacement.place_in(event.household.village)
    else:
        if change.kind in ENTRY_KINDS:
            change.person = None  # the corrected entry re-enters the same person below
        state = _state_for_checks(event.person, change)
        if change.kind not in ENTRY_KINDS:
            change.person = event.person
        found = check(change, today or timezone.localdate(), state)
        problems = [p for p in found if p.severity == "error" and p.code != "duplicate_person"]
        if problems:
            transaction.set_rollback(True)
            raise RegisterError(problems)
        replacement = Event(
            kind=change.kind,
            occurred_on=change.occurred_on,
            household=change.household,
            person=event.person,
            other_person=change.other_person,
            recorded_by=user,
            slip=event.slip,
            sex=event.person.sex
            if change.kind != EventKind.BIRTH
            else change.person_data.get("sex", event.sex),
            method=change.method,
            place=change.place,
            outcome=change.outcome,
            is_consanguineous=change.is_consanguineous,
            is_child_marriage=_is_child_marriage(found),
            data=_event_data(change),
            birth_order=event.birth_order,
            age=event.age,
        )
        replacement.place_in(change.household.village)
    replacement.supersedes = event
    replacement.reason = reason.strip()
    replacement.is_accepted = event.is_accepted
    replacement.save()
    _rebuild_around(event, replacement)
    changed([event.village_id, replacement.village_id])
    return replacement
