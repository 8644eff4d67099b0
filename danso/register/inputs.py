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


def build_change(payload: dict, households, persons) -> Change:
    """`households` and `persons` are querysets already limited to the caller's scope. The
    spouse a change names and the household a person moves to are looked up in the commune
    of the change's household instead: they may live in another village of it."""
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
    if data.get("to_household") is not None:
        commune_households = in_commune_of(household.village, Household.objects.all())
        data["to_household"] = _get(commune_households, data["to_household"], "to_household").pk
    others = persons
    if kind in SPOUSE_KINDS:  # the other person is the spouse
        others = in_commune_of(household.village, Person.objects.all())
    return Change(
        kind=kind,
        occurred_on=_date(payload.get("occurred_on"), "occurred_on"),
        household=household,
        person=_get(persons, payload.get("person"), "person"),
        person_data=person_data,
        other_person=_get(others, payload.get("other_person"), "other_person"),
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
