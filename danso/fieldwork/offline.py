"""Offline capture on a phone: what a phone downloads, and what happens to the changes it
queued offline when they arrive (see docs/fieldwork.md, "Offline capture").

**Versions.** A person's version is the id of the latest event that names them (as the
person, or as the mother of a birth, the spouse of a marriage): every change recorded for
them raises it. The phone downloads each person's version and sends with each queued change
the version it was based on (for a birth, the mother's).

**Conflicts, never silent merges.** A queued change is kept as an open conflict, not
applied, when
- `stale_version`: the person has events after the base version that this phone did not
  send (another phone, the commune officer); the phone's own earlier changes do not count,
  so a collaborator's sequence of changes to one person goes through; or
- `slip_closed`: the village's slip of the change's month was submitted or accepted.
The collaborator or the commune officer then decides (`resolve`): apply it anyway (through
`services.record`, every check of the register applies) or keep the register's (the queued
change stays, marked discarded, with who decided). Every outcome is a `QueuedChange` row;
nothing is deleted, and the audit log records each row and each decision.

**Idempotency.** The phone gives every change a key; the same key from the same user
answers the stored outcome and records nothing again.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import can_record, can_review, scoped
from danso.register import codes, services
from danso.register.inputs import UnknownReference, build_change, scoped_sources
from danso.register.models import Event, EventKind, Household, Person, Slip
from danso.register.projection import events_for, replay
from danso.register.validation import Problem

from .models import QueuedChange

# The kinds the phone's form records offline (the others need the full form online).
OFFLINE_KINDS = [
    EventKind.BIRTH,
    EventKind.DEATH,
    EventKind.METHOD_START,
    EventKind.METHOD_STOP,
    EventKind.METHOD_RESUPPLY,
    EventKind.PREGNANCY,
    EventKind.ELDERLY_CHECK,
]


class OfflineError(Exception):
    def __init__(self, code: str, message: str, status: int = 422):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def touching(person_id: int):
    """Events that name the person (and so change their version)."""
    return Event.objects.filter(Q(person_id=person_id) | Q(other_person_id=person_id))


def version_of(person_id: int | None) -> int:
    if not person_id:
        return 0
    return touching(person_id).aggregate(v=Max("pk"))["v"] or 0


def with_versions(persons):
    """Annotate each person with `version` (two subqueries: as the person, as the other)."""
    own = Event.objects.filter(person_id=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    other = Event.objects.filter(other_person_id=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return persons.annotate(version_own=Subquery(own), version_other=Subquery(other))


def village_data(user, village) -> dict:
    """What the phone keeps for a village: its households and the persons the user may see
    there (the register's scope), each person with their version and method in use."""
    households = scoped(user, Household.objects.filter(village=village)).order_by("number")
    persons = with_versions(
        scoped(user, Person.objects.filter(village=village)).filter(
            died_on__isnull=True, left_on__isnull=True
        )
    ).order_by("household_id", "date_of_birth")
    people = list(persons)
    methods = _methods_in_use([p.pk for p in people])
    slip = Slip.objects.filter(village=village, period=services.period_of(timezone.localdate()))
    slip = slip.first()
    return {
        "village": village.uid,
        "village_name": village.name,
        "downloaded_at": timezone.now(),
        "slip_status": slip.status if slip else Slip.Status.OPEN,
        "households": [
            {"id": h.pk, "number": h.number, "head_name": h.head_name, "address": h.address}
            for h in households
        ],
        "persons": [
            {
                "id": p.pk,
                "household": p.household_id,
                "full_name": p.full_name,
                "sex": p.sex,
                "date_of_birth": p.date_of_birth,
                "marital_status": p.marital_status,
                "ethnicity": p.ethnicity,
                "relationship": p.relationship,
                "method": methods.get(p.pk, ""),
                "is_pending": p.is_pending,
                "version": max(p.version_own or 0, p.version_other or 0),
            }
            for p in people
        ],
    }


def _methods_in_use(person_ids: list[int]) -> dict[int, str]:
    from danso.register.models import MethodSpell

    today = timezone.localdate()
    spells = MethodSpell.objects.filter(person_id__in=person_ids, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gt=today)
    )
    return dict(spells.values_list("person_id", "method"))


def _subject(change) -> Person | None:
    """The person whose version a change is based on: the person, or a birth's mother."""
    if change.kind == EventKind.BIRTH:
        return change.other_person
    return change.person


def _foreign_events(subject: Person, base: int, user, device: str):
    mine = QueuedChange.objects.filter(user=user, device=device, event__isnull=False)
    return (
        touching(subject.pk)
        .filter(pk__gt=base)
        .exclude(pk__in=mine.values("event_id"))
        .select_related("recorded_by", "slip")
        .order_by("pk")
    )


def receive(user, village, device: str, item: dict) -> tuple[QueuedChange, bool]:
    """One queued change from a phone: (its QueuedChange, whether it is a repeat of a key
    already received). `item`: key, made_at, base_version, change (the register API's
    ChangeIn as a dict). Outcome: accepted (recorded on the slip of its month, pending the
    commune's review like any entry), refused (the register's checks, with their
    Vietnamese messages) or conflict (kept open, see the module's docstring)."""
    key = item["key"]
    found = QueuedChange.objects.filter(user=user, key=key).first()
    if found is not None:
        return found, True
    if not can_record(user, village.path):
        raise OfflineError("forbidden", _("You may not record changes here"), 403)
    payload = _jsonable(item["change"])
    made_at = item["made_at"]
    if timezone.is_naive(made_at):  # a phone that sent no offset: the server's zone
        made_at = timezone.make_aware(made_at)
    row = QueuedChange(
        key=key,
        user=user,
        device=device,
        village=village,
        ou_path=village.path,
        payload=payload,
        base_version=item.get("base_version"),
        made_at=made_at,
    )
    try:
        with transaction.atomic():
            _decide(row, user, village, device, payload)
            row.save()
    except IntegrityError:  # the same key arrived twice at once: the first one stands
        return QueuedChange.objects.get(user=user, key=key), True
    return row, False


def _decide(row: QueuedChange, user, village, device: str, payload: dict) -> None:
    try:
        change = build_change(payload, *scoped_sources(user))
    except UnknownReference as err:
        row.outcome, row.problems = QueuedChange.Outcome.REFUSED, [err.problem.as_dict()]
        return
    if change.household.village_id != village.pk:
        problem = Problem(
            "household", "other_village", _("This household is not in the slip's village.")
        )
        row.outcome, row.problems = QueuedChange.Outcome.REFUSED, [problem.as_dict()]
        return
    if change.kind not in OFFLINE_KINDS:
        problem = Problem("kind", "not_offline", _("This kind of change is recorded online."))
        row.outcome, row.problems = QueuedChange.Outcome.REFUSED, [problem.as_dict()]
        return
    subject = _subject(change)
    if subject is not None:  # two phones at once: the second waits for the first's answer
        Person.objects.select_for_update().filter(pk=subject.pk).first()
    row.person = subject
    period = services.period_of(change.occurred_on)
    slip = Slip.objects.filter(village=village, period=period).first()
    conflict = ""
    if slip is not None and not slip.is_editable:
        conflict = "slip_closed"
    elif subject is not None and row.base_version is not None:
        if _foreign_events(subject, row.base_version, user, device).exists():
            conflict = "stale_version"
    if conflict:
        row.outcome, row.conflict_code, row.is_open = QueuedChange.Outcome.CONFLICT, conflict, True
        row.current = current_state(subject, row.base_version or 0, user, device, slip)
        return
    try:
        with transaction.atomic():
            events, _warnings = services.record(
                services.slip_for(village, period), [change], user=user
            )
    except services.RegisterError as err:
        row.outcome, row.problems = (
            QueuedChange.Outcome.REFUSED,
            [p.as_dict() for p in err.problems],
        )
        return
    row.outcome, row.event = QueuedChange.Outcome.ACCEPTED, events[0]


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def current_state(subject: Person | None, base: int, user, device: str, slip) -> dict:
    """The register as the queued change met it: the person's state now and the changes
    recorded for them since the version the phone had (or the slip's status)."""
    state = {"lines": [], "since": []}
    if slip is not None and not slip.is_editable:
        state["slip_status"] = slip.status
        state["lines"].append([_("Slip of the month"), str(slip.get_status_display())])
    if subject is None:
        return state
    now = replay(events_for(subject, accepted_only=False)).state_on(timezone.localdate())
    state["version"] = version_of(subject.pk)
    state["lines"] += [
        [_("Person"), subject.full_name],
        [_("Marital status"), codes.MARITAL_STATUS.label(now.get("marital_status") or "")],
        [_("Method in use"), codes.METHOD.label(now["method"]) if now.get("method") else "—"],
    ]
    if not now.get("alive", True):
        state["lines"].append([_("Died on"), f"{subject.died_on:%d/%m/%Y}"])
    for event in _foreign_events(subject, base, user, device):
        by = event.recorded_by.username if event.recorded_by_id else ""
        text = f"{event.get_kind_display()} {event.occurred_on:%d/%m/%Y}"
        if event.method:
            text += f" · {event.method_label}"
        state["since"].append(
            {
                "event": event.pk,
                "text": text,
                "recorded_by": by,
                "recorded_at": event.recorded_at.isoformat(),
            }
        )
    return state


def describe(payload: dict, user) -> list[list[str]]:
    """The queued change in words, for the side-by-side view. Persons are named only when
    they lie in the viewer's scope: the payload is what the phone sent, any id may be in it."""
    lines = []
    kind = payload.get("kind", "")
    if kind in EventKind.values:
        lines.append([_("Change"), str(EventKind(kind).label)])
    if payload.get("occurred_on"):
        day = datetime.date.fromisoformat(str(payload["occurred_on"]))
        lines.append([_("Date it happened"), f"{day:%d/%m/%Y}"])
    for name, label in (("person", _("Person")), ("other_person", _("Mother"))):
        pk = payload.get(name)
        if pk:
            person = scoped(user, Person.objects.filter(pk=pk)).only("full_name").first()
            lines.append([label, person.full_name if person else str(pk)])
    child = (payload.get("person_data") or {}).get("full_name")
    if child:
        lines.append([_("Child"), child])
    if payload.get("method"):
        lines.append([_("Method"), codes.METHOD.label(payload["method"])])
    if payload.get("outcome"):
        lines.append([_("Outcome"), codes.PREGNANCY_OUTCOME.label(payload["outcome"])])
    return lines


def may_resolve(user, row: QueuedChange) -> bool:
    """The collaborator who queued it (while they still record there) or a reviewer of the
    village."""
    if row.user_id == user.pk and can_record(user, row.ou_path):
        return True
    return can_review(user, row.ou_path)


APPLY, DISCARD = "apply", "discard"


def resolve(row: QueuedChange, user, resolution: str) -> QueuedChange:
    """Decide an open conflict. `apply`: record the queued change now through the normal
    path (RegisterError if a check refuses it; the conflict stays open); `discard`: keep the
    register's, the queued change stays, marked discarded."""
    with transaction.atomic():
        row = QueuedChange.objects.select_for_update().get(pk=row.pk)
        if not row.is_open:
            raise OfflineError(
                "already_resolved", _("This conflict has already been decided."), 409
            )
        if resolution == APPLY:
            try:
                change = build_change(row.payload, *scoped_sources(user))
            except UnknownReference as err:
                raise services.RegisterError([err.problem]) from None
            slip = services.slip_for(row.village, services.period_of(change.occurred_on))
            events, _warnings = services.record(slip, [change], user=user)
            row.event, row.resolution = events[0], QueuedChange.Resolution.APPLIED
        else:
            row.resolution = QueuedChange.Resolution.DISCARDED
        row.is_open, row.resolved_by, row.resolved_at = False, user, timezone.now()
        row.save()
    return row


def status_of(row: QueuedChange) -> str:
    """What the phone shows: accepted, refused (sent back), conflict, or a decided
    conflict: applied / discarded."""
    return row.resolution or row.outcome


def open_conflicts(user, unit=None):
    """Open conflicts in the user's area, within `unit` (a commune, a province) if given."""
    rows = scoped(user, QueuedChange.objects.filter(is_open=True))
    if unit is not None:
        rows = rows.filter(ou_path__startswith=unit.path)
    return rows.select_related("user", "village", "person").order_by("received_at")
