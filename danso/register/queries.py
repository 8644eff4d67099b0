"""Reading the register: members of households on a date, timelines, missing slips."""

import datetime

from danso.orgunits.models import Level, OrgUnit

from . import codes
from .models import Event, Household, Residence, Slip


def households_as_of(households: list[Household], day: datetime.date) -> dict[int, list[dict]]:
    """Members of each household on a day, from the accepted residence spells."""
    members = {h.pk: [] for h in households}
    spells = (
        Residence.objects.filter(household__in=households, start__lte=day)
        .exclude(end__lte=day)
        .select_related("person")
        .order_by("person__date_of_birth")
    )
    for spell in spells:
        p = spell.person
        members[spell.household_id].append(
            {
                "id": p.pk,
                "full_name": p.full_name,
                "sex": p.sex,
                "date_of_birth": p.date_of_birth.isoformat(),
                "age": p.age_on(day),
                "relationship": p.relationship,
                "relationship_label": codes.RELATIONSHIP.label(p.relationship),
                "is_resident": spell.counted_from <= day,
            }
        )
    return members


def timeline(*, person=None, household=None):
    events = Event.objects.select_related("recorded_by", "person", "other_person", "slip")
    if person is not None:
        events = events.filter(person=person) | events.filter(other_person=person)
    if household is not None:
        events = events.filter(household=household)
    return events.order_by("occurred_on", "recorded_at", "pk")


def missing_slips(commune: OrgUnit, period: str) -> list[tuple[OrgUnit, str]]:
    """Villages whose slip for the month is not handed in (none, still open, or sent back)."""
    villages = OrgUnit.objects.filter(parent=commune, level=Level.VILLAGE).order_by("code")
    status = dict(
        Slip.objects.filter(village__in=villages, period=period).values_list("village", "status")
    )
    handed_in = {Slip.Status.SUBMITTED, Slip.Status.ACCEPTED}
    return [(v, status.get(v.pk, "none")) for v in villages if status.get(v.pk) not in handed_in]
