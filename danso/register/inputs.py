"""Turning a change as it arrives (a JSON object, a form, an import row) into a `Change`,
resolving the households and persons it names among those the caller may see."""

import datetime

from django.utils.translation import gettext as _

from danso.accounts.scope import in_commune_of, scoped

from .models import Household, Person
from .projection import PERSON_FIELDS, SPOUSE_KINDS
from .validation import Change, Problem


class UnknownReference(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def _date(value, name: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise UnknownReference(
            Problem(name, "invalid_date", _("Not a date (YYYY-MM-DD or dd/mm/yyyy)."))
        ) from exc


def _get(queryset, pk, name: str):
    if pk in (None, ""):
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise UnknownReference(
            Problem(name, "not_found", _("No such record in your area (%(id)s).") % {"id": pk})
        )
    return found


SPOUSE_REF = "spouse_ref"  # in Event.data: a spouse named outside the writer's scope
# What a change's `data` may hold (register.md lists which kind uses which).
DATA_KEYS = {"arrived_on", "intends_to_stay", "origin", "destination", "to_household",
             "living_children", "results", "changes", "method", "method_since",
             "married_since"}  # fmt: skip


def _check_data_keys(data: dict) -> None:
    unknown = sorted(set(data) - DATA_KEYS)
    if unknown:
        message = _("Unknown field in data: %(fields)s. Known fields: %(known)s.") % {
            "fields": ", ".join(map(str, unknown)),
            "known": ", ".join(sorted(DATA_KEYS)),
        }
        raise UnknownReference(Problem("data", "unknown_field", message))  # fmt: skip


def _since(data: dict, name: str, occurred_on: datetime.date) -> None:
    """`method_since` / `married_since`: when a method or a marriage in force at registration
    began ("IUD since 2019-03"): YYYY-MM (the first of the month) or YYYY-MM-DD, not after
    the registration."""
    value = data.get(name)
    if value in (None, ""):
        data.pop(name, None)
        return
    text = str(value)
    try:
        day = datetime.date.fromisoformat(text + "-01" if len(text) == 7 else text)
    except ValueError:
        raise UnknownReference(Problem(f"data.{name}", "invalid_date", _(
            "Not a month or a date (YYYY-MM or YYYY-MM-DD)."))) from None  # fmt: skip
    if day > occurred_on or day.year < 1900:
        raise UnknownReference(Problem(f"data.{name}", "after_registration", _(
            "It must be on or before the date of the registration."))) from None  # fmt: skip
    data[name] = day.isoformat()


def _spouse(persons, pk, data: dict):
    """The spouse a change names. One in the caller's scope is linked at once. Any other id
    (a person of another village of the commune, or no one at all) is kept as typed in
    `data["spouse_ref"]`, unchecked, for the commune officer to resolve when accepting the
    slip (services.accept): the answer is the same whether the id exists or not, and nothing
    of the other person is read or changed before that review."""
    if pk in (None, ""):
        return None
    found = persons.filter(pk=pk).first() if str(pk).isdigit() and int(pk) < 2**63 else None
    if found is not None:
        return found
    if not str(pk).isdigit() or not 0 < int(pk) < 2**63:
        raise UnknownReference(
            Problem("other_person", "not_found", _("No such record in your area (%(id)s).")
                    % {"id": pk})
        )  # fmt: skip
    data[SPOUSE_REF] = int(pk)
    return None


def build_change(payload: dict, households, persons) -> Change:
    """`households` and `persons` are querysets already limited to the caller's scope. The
    household a person moves to is looked up in the commune of the change's household: it
    may be in another village of it. A spouse outside the caller's scope waits for the
    commune officer (see `_spouse`)."""
    person_data = {
        k: v for k, v in (payload.get("person_data") or {}).items() if k in PERSON_FIELDS
    }
    if person_data.get("date_of_birth"):
        person_data["date_of_birth"] = _date(person_data["date_of_birth"], "person.date_of_birth")
    household = _get(households, payload.get("household"), "household")
    if household is None:
        raise UnknownReference(Problem("household", "required", _("Choose the household.")))
    kind = payload.get("kind", "")
    data = dict(payload.get("data") or {})
    _check_data_keys(data)
    if data.get("to_household") is not None:
        commune_households = in_commune_of(household.village, Household.objects.all())
        data["to_household"] = _get(commune_households, data["to_household"], "to_household").pk
    data.pop(SPOUSE_REF, None)  # only `_spouse` sets it
    if kind in SPOUSE_KINDS:  # the other person is the spouse
        other_person = _spouse(persons, payload.get("other_person"), data)
    else:
        other_person = _get(persons, payload.get("other_person"), "other_person")
    occurred_on = _date(payload.get("occurred_on"), "occurred_on")
    for name in ("method_since", "married_since"):
        _since(data, name, occurred_on)
    return Change(
        kind=kind,
        occurred_on=occurred_on,
        household=household,
        person=_get(persons, payload.get("person"), "person"),
        person_data=person_data,
        other_person=other_person,
        method=payload.get("method") or "",
        place=payload.get("place") or "",
        outcome=payload.get("outcome") or "",
        birth_order=payload.get("birth_order"),
        is_consanguineous=bool(payload.get("is_consanguineous")),
        data=data,
    )


def scoped_sources(user):
    return scoped(user, Household.objects.select_related("village")), scoped(
        user, Person.objects.all()
    )
