"""Rebuild a person's state and spells from their events.

`replay` is a pure function of the events: the same code answers "what is this person's state
on a past date" (replaying only the events up to it) and writes the spells that reports count.
Only accepted, not superseded events make spells; the person's projection (what lists and
search show) also takes pending events, marked as such.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from . import codes
from .models import Event, EventKind, Household, MaritalSpell, MethodSpell, Person, Residence
from .signals import changed

PERSON_FIELDS = [
    "full_name",
    "sex",
    "date_of_birth",
    "relationship",
    "ethnicity",
    "education",
    "marital_status",
    "residence_kind",
    "citizen_id",
    "subject_code",
    "phone",
    "prior_live_births",
]
ENTRY_KINDS = {EventKind.REGISTRATION, EventKind.BIRTH, EventKind.MOVE_IN}
EXIT_KINDS = {EventKind.DEATH, EventKind.MOVE_OUT}
# `counted_from` of a temporary resident (tạm trú): never a de facto usual resident.
NEVER = datetime.date.max


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def counted_from(start: datetime.date, arrived_on, intends_to_stay: bool, kind: str):
    """First day a person counts as a de facto usual resident (see models.Residence).
    Temporarily absent people count; temporary residents never do (regime.md §2.4)."""
    if kind == codes.TEMPORARY_RESIDENT:
        return NEVER
    arrived = arrived_on or start
    if intends_to_stay:
        return max(start, arrived)
    return max(start, add_months(arrived, 6))


@dataclass
class Interval:
    start: datetime.date
    end: datetime.date | None = None
    value: str = ""
    household_id: int | None = None
    counted_from: datetime.date | None = None


@dataclass
class History:
    attrs: dict = field(default_factory=dict)
    household_id: int | None = None
    residences: list[Interval] = field(default_factory=list)
    maritals: list[Interval] = field(default_factory=list)
    methods: list[Interval] = field(default_factory=list)
    died_on: datetime.date | None = None
    left_on: datetime.date | None = None
    spouse_id: int | None = None  # the current spouse, when the register knows them
    live_births: int = 0  # births recorded in the register to this person as mother

    @staticmethod
    def _open(intervals):
        return intervals[-1] if intervals and intervals[-1].end is None else None

    def _close(self, intervals, day):
        if current := self._open(intervals):
            current.end = day

    def _switch(self, intervals, day, value):
        current = self._open(intervals)
        if current and current.value == value:
            return
        self._close(intervals, day)
        intervals.append(Interval(day, value=value))

    def apply(self, event: Event) -> None:
        day, data = event.occurred_on, event.data
        if event.kind in ENTRY_KINDS:
            self.attrs.update(
                {k: v for k, v in data.get("person", {}).items() if k in PERSON_FIELDS}
            )
            self.household_id = event.household_id
            self.left_on = None
            kind = self.attrs.get("residence_kind", codes.PRESENT)
            intends = event.kind == EventKind.BIRTH or data.get("intends_to_stay", True)
            arrived = _date(data.get("arrived_on")) or day
            self.residences.append(
                Interval(
                    day,
                    household_id=event.household_id,
                    counted_from=counted_from(day, arrived, intends, kind),
                )
            )
            # Known from here on, so that a later marriage, once cancelled, leaves it behind.
            # A marriage or a method in force at entry may say since when ("IUD since
            # 2019-03"): its spell starts then (inputs._since keeps it on or before the entry).
            self.attrs.setdefault("marital_status", codes.NEVER_MARRIED)
            married_since = _date(data.get("married_since"))
            since = married_since if self.attrs["marital_status"] == codes.MARRIED else None
            self._switch(self.maritals, since or day, self.attrs["marital_status"])
            # The method of a registration or move in: `data.method`, or the change's own
            # `method` field (the documented one, which the API's schema shows).
            method = data.get("method") or (event.method if event.kind != EventKind.BIRTH else "")
            if method:  # a method already in use when the person is entered
                self._switch(self.methods, _date(data.get("method_since")) or day, method)
            if event.kind != EventKind.BIRTH and event.other_person_id:  # the spouse named
                self.spouse_id = event.other_person_id
        elif event.kind in EXIT_KINDS:
            self._close(self.residences, day)
            self._close(self.methods, day)
            self._close(self.maritals, day)
            if event.kind == EventKind.DEATH:
                self.died_on = day
            else:
                self.left_on = day
        elif event.kind == EventKind.MOVE_WITHIN:
            previous = self._open(self.residences)
            self._close(self.residences, day)
            self.household_id = data["to_household"]
            already = previous.counted_from if previous else day
            self.residences.append(
                Interval(day, household_id=self.household_id, counted_from=max(day, already))
            )
        elif event.kind == EventKind.CHANGE:
            for name, (_old, new) in data.get("changes", {}).items():
                if name == "residence_kind":
                    self._residence_kind_changed(day, new)
                self.attrs[name] = new
                if name == "marital_status":
                    self._switch(self.maritals, day, new)
        elif event.kind == EventKind.MARRIAGE:
            self.attrs["marital_status"] = codes.MARRIED
            self._switch(self.maritals, day, codes.MARRIED)
            self.spouse_id = event.other_person_id
        elif event.kind == EventKind.DIVORCE or (
            event.kind == "spouse_divorce" and self.spouse_id == event.other_person_id
        ):
            # A divorce recorded for one spouse divorces both (as a marriage marries both).
            self.attrs["marital_status"] = codes.DIVORCED
            self._switch(self.maritals, day, codes.DIVORCED)
            self.spouse_id = None
        elif event.kind == "named_as_spouse":
            self.spouse_id = event.other_person_id
        elif event.kind == "spouse_death":
            # Widowed only by the death of the spouse one is married to now: an ex-spouse's
            # death leaves a divorced or remarried person as they are.
            if (self.attrs.get("marital_status") == codes.MARRIED
                    and self.spouse_id in (event.other_person_id, None)):  # fmt: skip
                self.attrs["marital_status"] = codes.WIDOWED
                self._switch(self.maritals, day, codes.WIDOWED)
            if self.spouse_id == event.other_person_id:
                self.spouse_id = None
        elif event.kind == EventKind.METHOD_START:
            self._close(self.methods, day)
            self.methods.append(Interval(day, value=event.method))
        elif event.kind == EventKind.METHOD_STOP:
            self._close(self.methods, day)
        elif event.kind == "mother_of_birth":
            self.live_births += 1

    def _residence_kind_changed(self, day, kind) -> None:
        """Becoming a temporary resident stops counting, and ceasing to be one starts counting,
        from the day of the change: the residence goes on in a new spell."""
        current = self._open(self.residences)
        was_temporary = self.attrs.get("residence_kind") == codes.TEMPORARY_RESIDENT
        if current is None or was_temporary == (kind == codes.TEMPORARY_RESIDENT):
            return
        counted = NEVER if kind == codes.TEMPORARY_RESIDENT else day
        if current.start == day:  # changed on the day of entry: no spell of no days
            current.counted_from = counted
            return
        self._close(self.residences, day)
        self.residences.append(
            Interval(day, household_id=current.household_id, counted_from=counted)
        )

    def state_on(self, day: datetime.date) -> dict:
        """The person's state on a day, from the intervals (call after replaying up to it)."""

        def value_on(intervals):
            for iv in intervals:
                if iv.start <= day and (iv.end is None or iv.end > day):
                    return iv
            return None

        residence = value_on(self.residences)
        marital, method = value_on(self.maritals), value_on(self.methods)
        return {
            **self.attrs,
            "household": residence.household_id if residence else None,
            "is_resident": bool(residence and residence.counted_from <= day),
            "marital_status": marital.value if marital else self.attrs.get("marital_status"),
            "method": method.value if method else None,
            "alive": self.died_on is None or self.died_on > day,
            "spouse": self.spouse_id,
            "live_births": self.attrs.get("prior_live_births", 0) + self.live_births,
        }


def _date(value):
    if isinstance(value, datetime.date) or value is None:
        return value
    return datetime.date.fromisoformat(value)


@dataclass
class Fact:
    """A fact from someone else's events that changes this person (a spouse died or married
    them, a child was born to her), shaped like an event for `History.apply`; `other_person_id`
    is whoever the fact comes from."""

    kind: str
    occurred_on: datetime.date
    pk: int
    data: dict = field(default_factory=dict)
    household_id: int | None = None
    method: str = ""
    is_accepted: bool = True
    other_person_id: int | None = None


SPOUSE_KINDS = [EventKind.MARRIAGE, EventKind.REGISTRATION, EventKind.MOVE_IN]


def _partner(event: Event, person_id: int) -> int | None:
    return event.other_person_id if event.person_id == person_id else event.person_id


def spouses_of(person: Person) -> set[int]:
    """Ids of everyone recorded as this person's spouse, from either side: a marriage, or an
    entry in the register (registration, move in) that named the spouse."""
    links = Event.objects.filter(
        Q(person=person) | Q(other_person=person), kind__in=SPOUSE_KINDS, is_superseded=False
    ).only("person_id", "other_person_id")
    return {pk for pk in (_partner(e, person.pk) for e in links) if pk}


def events_for(person: Person, *, accepted_only: bool, until: datetime.date | None = None):
    """The person's own events and the facts from others' events that change them, in order.

    A marriage entered once, on one spouse's row, marries both: the other spouse gets it as a
    fact, as they do an entry in the register that names them as the spouse. Two queries:
    everything that names the person, then the deaths of their spouses.
    """
    rows = list(
        Event.objects.filter(Q(person=person) | Q(other_person=person), is_superseded=False)
    )
    own = [e for e in rows if e.person_id == person.pk and e.kind != EventKind.VOID]
    spouses = {_partner(e, person.pk) for e in rows if e.kind in SPOUSE_KINDS and e.other_person_id}
    facts = [
        Fact("mother_of_birth", e.occurred_on, e.pk, is_accepted=e.is_accepted)
        for e in rows
        if e.kind == EventKind.BIRTH and e.other_person_id == person.pk
    ]
    facts += [
        Fact(e.kind if e.kind == EventKind.MARRIAGE else "named_as_spouse", e.occurred_on, e.pk,
             is_accepted=e.is_accepted, other_person_id=e.person_id)
        for e in rows
        if e.kind in SPOUSE_KINDS and e.other_person_id == person.pk
    ]  # fmt: skip
    facts += [
        Fact("spouse_divorce", e.occurred_on, e.pk, is_accepted=e.is_accepted,
             other_person_id=e.person_id)
        for e in rows
        if e.kind == EventKind.DIVORCE and e.other_person_id == person.pk
    ]  # fmt: skip
    if spouses:
        deaths = Event.objects.filter(kind=EventKind.DEATH, is_superseded=False,
                                      person__in=spouses)  # fmt: skip
        facts += [Fact("spouse_death", e.occurred_on, e.pk, is_accepted=e.is_accepted,
                       other_person_id=e.person_id) for e in deaths]  # fmt: skip
    events = [e for e in own + facts if (e.is_accepted or not accepted_only)
              and (until is None or e.occurred_on <= until)]  # fmt: skip
    return sorted(events, key=lambda e: (e.occurred_on, e.pk))


def replay(events) -> History:
    history = History()
    for event in events:
        history.apply(event)
    return history


def state_as_of(person: Person, day: datetime.date) -> dict:
    history = replay(events_for(person, accepted_only=True, until=day))
    return history.state_on(day)


def rebuild(person: Person, spells: bool = True) -> None:
    """Recompute a person's projection and spells from their events. Spells come from
    accepted events only: after a change that is recorded but not accepted (`spells=False`)
    they cannot differ, and are left as they are until the slip is accepted."""
    events = events_for(person, accepted_only=False)
    everything = replay(events)
    before = _fields(person)
    for name, value in everything.attrs.items():
        setattr(person, name, _date(value) if name == "date_of_birth" else value)
    if everything.household_id and everything.household_id != person.household_id:
        household = Household.objects.select_related("village").get(pk=everything.household_id)
        person.household = household
        person.place_in(household.village)
    person.died_on, person.left_on = everything.died_on, everything.left_on
    person.spouse_id = everything.spouse_id
    accepted = replay([e for e in events if e.is_accepted])
    person.is_pending = not accepted.residences
    after = _fields(person)
    # Only what the events decide is written (a change recorded, not yet accepted, often
    # changes nothing): the rest of the row may be newer than this instance.
    changed_fields = [name for name, value in after.items() if before[name] != value]
    if changed_fields:
        if "full_name" in changed_fields:
            changed_fields.append("search_name")
        person.save(update_fields=changed_fields)
    if spells:
        write_spells(person, accepted)


def write_spells(person: Person, history: History) -> None:
    """Make the person's spells those of `history`, writing only the rows that differ (a new
    method adds one method spell and closes one; residences and marital spells are then only
    read), and bump the villages whose counts they can change."""
    residences = residence_rows(person, history)
    maritals = [
        MaritalSpell(person=person, province_code=person.province_code, start=iv.start,
                     end=iv.end, status=iv.value)
        for iv in history.maritals
    ]  # fmt: skip
    methods = [
        MethodSpell(person=person, province_code=person.province_code, start=iv.start,
                    end=iv.end, method=iv.value)
        for iv in history.methods
    ]  # fmt: skip
    old_residences = _replace(Residence, person, residences)
    touched = _replace(MaritalSpell, person, maritals) + _replace(MethodSpell, person, methods)
    if not touched and not _differ(Residence, old_residences, residences):
        return  # no spell changed (e.g. a change recorded, not accepted yet): no count either
    villages = {r.village_id for r in old_residences} | {r.village_id for r in residences}
    # A husband's method counts in his wife's village (statistics: couples), wherever he lives.
    spouses = Residence.objects.filter(person__in=spouses_of(person)).values_list("village_id")
    changed(villages | {v for (v,) in spouses})


def _fields(person: Person) -> dict:
    return {f.name: getattr(person, f.attname) for f in Person._meta.concrete_fields
            if not f.primary_key}  # fmt: skip


def _row(model, obj) -> tuple:
    return tuple(getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key)


def _differ(model, old: list, new: list) -> bool:
    return Counter(_row(model, o) for o in old) != Counter(_row(model, n) for n in new)


def _replace(model, person: Person, rows: list):
    """Replace the person's rows of `model` by `rows`: delete the stored ones not among them,
    insert those not stored. Returns the rows stored before for Residence, else the number of
    rows written."""
    stored = list(model.objects.filter(person=person))
    wanted = Counter(_row(model, r) for r in rows)
    keep, gone = Counter(), []
    for obj in stored:
        key = _row(model, obj)
        if keep[key] < wanted[key]:
            keep[key] += 1
        else:
            gone.append(obj.pk)
    new = []
    for row in rows:
        key = _row(model, row)
        if keep[key]:
            keep[key] -= 1
        else:
            new.append(row)
    if gone:
        model.objects.filter(pk__in=gone).delete()
    if new:
        model.objects.bulk_create(new)
    return stored if model is Residence else len(gone) + len(new)


def residence_rows(person: Person, history: History) -> list[Residence]:
    households = Household.objects.in_bulk({iv.household_id for iv in history.residences})
    rows = []
    for iv in history.residences:
        household = households[iv.household_id]
        rows.append(
            Residence(
                person=person,
                province_code=household.province_code,
                start=iv.start,
                end=iv.end,
                household=household,
                village_id=household.village_id,
                ou_path=household.ou_path,
                counted_from=iv.counted_from,
                sex=person.sex,
                date_of_birth=person.date_of_birth,
            )
        )
    return rows
