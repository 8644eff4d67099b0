"""People who move between communes keep one record.

A move out names the commune moved to (`data.destination`, its identifier). The receiving
commune's inbox lists the people expected there: moved out towards it, not yet arrived. Its
officer confirms the arrival in a household of the commune, which records a move in of the
same person (`services.record` continues a returning person's record instead of entering a
new one): births, method history and spouse stay on one history, across communes and
provinces, and each commune counts its own move (the sending one a move out, the receiving
one a move in).

A collaborator may already have entered the arrival as a new person. `matches` finds such
move-ins (same citizen ID, or same name, date of birth and origin); the officer confirms the
match and `join` supersedes the new entry by a move in of the person who moved, with a reason,
so nothing is lost and the duplicate record no longer counts.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.orgunits.models import OrgUnit
from danso.register import services
from danso.register.models import Event, EventKind, Household, Person
from danso.register.projection import PERSON_FIELDS, rebuild, state_as_of
from danso.register.services import _fail
from danso.register.validation import Change
from danso.text import fold


def _destined_for(commune: OrgUnit):
    return Event.objects.filter(
        kind=EventKind.MOVE_OUT, is_superseded=False, is_accepted=True,
        data__destination=commune.uid,
    ).select_related("person", "village__parent", "household")  # fmt: skip


def arrival_of(move_out: Event) -> Event | None:
    """The move in that continued the person's record after this move out."""
    return (
        Event.objects.filter(person_id=move_out.person_id, kind=EventKind.MOVE_IN,
                             is_superseded=False, occurred_on__gte=move_out.occurred_on,
                             pk__gt=move_out.pk)
        .select_related("village__parent")
        .order_by("occurred_on", "pk")
        .first()
    )  # fmt: skip


def expected(commune: OrgUnit) -> list[Event]:
    """Move-outs towards the commune whose person has not arrived yet (newest first)."""
    moves = _destined_for(commune).order_by("-occurred_on", "-pk")
    return [m for m in moves if m.person.left_on and arrival_of(m) is None]


def departures(commune: OrgUnit, since: datetime.date | None = None) -> list[dict]:
    """The commune's move-outs and, for each, when and where the person arrived (only the
    date and the commune: the receiving commune's register is not the sender's to read)."""
    moves = Event.objects.filter(kind=EventKind.MOVE_OUT, is_superseded=False,
                                 village__parent=commune).select_related("person")  # fmt: skip
    if since:
        moves = moves.filter(occurred_on__gte=since)
    units = OrgUnit.objects.in_bulk(
        [m.data.get("destination") for m in moves if m.data.get("destination")], field_name="uid"
    )
    out = []
    for move in moves.order_by("-occurred_on", "-pk"):
        arrival = arrival_of(move)
        out.append({
            "event": move,
            "destination": units.get(move.data.get("destination")),
            "arrived_on": arrival.occurred_on if arrival else None,
            "arrived_in": arrival.village.parent if arrival else None,
        })  # fmt: skip
    return out


def _person_data(person: Person, day: datetime.date) -> dict:
    state = state_as_of(person, day)
    data = {k: state.get(k, getattr(person, k)) for k in PERSON_FIELDS}
    data["date_of_birth"] = person.date_of_birth
    return {k: v for k, v in data.items() if v not in (None, "")}


def _arrival_change(move_out: Event, household: Household, day, *, data=None) -> Change:
    person = move_out.person
    before = move_out.occurred_on - datetime.timedelta(days=1)
    method = state_as_of(person, before).get("method") if before >= person.date_of_birth else None
    extra = {"origin": move_out.village.parent.uid, "joins": move_out.pk,
             "intends_to_stay": True, **(data or {})}  # fmt: skip
    if method:
        extra["method"] = method  # the method in use goes on after the move
    return Change(EventKind.MOVE_IN, day, household, person=person,
                  person_data=_person_data(person, before), data=extra)  # fmt: skip


def _check_move(move_out: Event, household: Household):
    if move_out.kind != EventKind.MOVE_OUT or move_out.is_superseded:
        _fail("move_out", "not_a_move_out", _("This is not a move out."))
    if move_out.data.get("destination") != household.village.parent.uid:
        _fail("household", "other_commune",
              _("The household is not in the commune the person moved to."))  # fmt: skip
    if arrival_of(move_out) is not None:
        _fail("move_out", "already_arrived", _("This person has already arrived."))


@transaction.atomic
def confirm_arrival(move_out: Event, household: Household, day: datetime.date, user,
                    today=None) -> Event:  # fmt: skip
    """The receiving officer confirms that the person who moved out arrived in `household`
    on `day`: a move in of the same person on the household's village slip."""
    _check_move(move_out, household)
    slip = services.slip_for(household.village, services.period_of(day))
    events, _warnings = services.record(
        slip, [_arrival_change(move_out, household, day)], user=user,
        today=today or timezone.localdate(),
    )  # fmt: skip
    return events[0]


def matches(move_out: Event) -> list[Event]:
    """Move-ins entered as a new person in the receiving commune that may be this person:
    the same citizen ID, or the same name, date of birth and origin."""
    person = move_out.person
    commune_uid = move_out.data.get("destination")
    entries = Event.objects.filter(
        kind=EventKind.MOVE_IN, is_superseded=False, village__parent__uid=commune_uid,
        occurred_on__gte=move_out.occurred_on,
    ).exclude(person=person).select_related("person", "household")  # fmt: skip
    found = []
    for entry in entries:
        same_id = person.citizen_id and entry.person.citizen_id == person.citizen_id
        same_name = (entry.person.search_name == fold(person.full_name)
                     and entry.person.date_of_birth == person.date_of_birth
                     and entry.data.get("origin") == move_out.village.parent.uid)  # fmt: skip
        if same_id or same_name:
            found.append(entry)
    return found


@transaction.atomic
def join(move_in: Event, move_out: Event, user) -> Event:
    """The officer confirms that a move in entered as a new person is the person who moved
    out: the entry is superseded by a move in of that person (same household, day and
    details), and the duplicate record leaves the household."""
    if move_in.kind != EventKind.MOVE_IN or move_in.is_superseded:
        _fail("move_in", "not_a_move_in", _("This is not a move in."))
    _check_move(move_out, move_in.household)
    newcomer = move_in.person
    if Event.objects.filter(person=newcomer, is_superseded=False).exclude(pk=move_in.pk).exists():
        _fail("move_in", "has_other_entries",
              _("Other changes were recorded for the new person: cancel them first."))  # fmt: skip
    data = {k: v for k, v in move_in.data.items() if k not in ("person",)}
    change = _arrival_change(move_out, move_in.household, move_in.occurred_on, data=data)
    if change.other_person is None and move_in.other_person_id:
        change.other_person = move_in.other_person
    move_in.is_superseded = True
    move_in.save(update_fields=["is_superseded"])
    replacement = Event(
        kind=EventKind.MOVE_IN, occurred_on=move_in.occurred_on, household=move_in.household,
        person=move_out.person, other_person=change.other_person, recorded_by=user,
        slip=move_in.slip, sex=move_out.person.sex, method=change.data.get("method", ""),
        data=services._event_data(change), supersedes=move_in,
        reason=_("Same person as the one who moved out of %(commune)s on %(day)s")
        % {"commune": move_out.village.parent.name, "day": f"{move_out.occurred_on:%d/%m/%Y}"},
        is_accepted=move_in.is_accepted, age=move_in.age,
    )  # fmt: skip
    replacement.place_in(move_in.household.village)
    replacement.save()
    rebuild(move_out.person)
    rebuild(newcomer)  # no entry left: no spell, no longer counted
    newcomer.is_pending, newcomer.left_on = False, move_in.occurred_on
    newcomer.save(update_fields=["is_pending", "left_on"])
    return replacement
