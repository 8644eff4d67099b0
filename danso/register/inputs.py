"""Turning a change as it arrives (a JSON object, a form, an import row) into a `Change`,
resolving the households and persons it names among those the caller may see."""

import datetime

from django.utils.translation import gettext as _

from .models import Household, Person
from .projection import PERSON_FIELDS
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
    """`households` and `persons` are querysets already limited to the caller's scope."""
    person_data = {
        k: v for k, v in (payload.get("person_data") or {}).items() if k in PERSON_FIELDS
    }
    if person_data.get("date_of_birth"):
        person_data["date_of_birth"] = _date(person_data["date_of_birth"], "person.date_of_birth")
    household = _get(households, payload.get("household"), "household")
    if household is None:
        raise UnknownReference(Problem("household", "required", _("Choose the household.")))
    data = dict(payload.get("data") or {})
    if data.get("to_household") is not None:
        data["to_household"] = _get(households, data["to_household"], "to_household").pk
    return Change(
        kind=payload.get("kind", ""),
        occurred_on=_date(payload.get("occurred_on"), "occurred_on"),
        household=household,
        person=_get(persons, payload.get("person"), "person"),
        person_data=person_data,
        other_person=_get(persons, payload.get("other_person"), "other_person"),
        method=payload.get("method") or "",
        place=payload.get("place") or "",
        outcome=payload.get("outcome") or "",
        birth_order=payload.get("birth_order"),
        is_consanguineous=bool(payload.get("is_consanguineous")),
        data=data,
    )


def scoped_sources(user):
    from danso.accounts.scope import scoped

    return scoped(user, Household.objects.select_related("village")), scoped(
        user, Person.objects.all()
    )
