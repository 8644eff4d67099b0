"""The synthetic population: deterministic, demographically plausible, and derived exactly as
online entry derives it."""

import datetime

import pytest
from django.db.models import Count, Q

from danso.register.generate import generate
from danso.register.models import Event, MaritalSpell, MethodSpell, Person, Residence
from danso.register.projection import rebuild

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 1, 1)  # five whole years, 2021–2025


@pytest.fixture
def population():
    return generate("66", people=15000, years=5, seed=7, end=END)


def snapshot():
    return {
        "persons": Person.objects.count(),
        "events": dict(Event.objects.values_list("kind").annotate(n=Count("pk"))),
        "born": sorted(Person.objects.values_list("date_of_birth", flat=True))[:50],
    }


def test_same_seed_same_population(population):
    first = snapshot()
    from danso.register.models import Household

    for model in (Residence, MaritalSpell, MethodSpell, Event):
        model.objects.all().delete()
    Person.objects.update(mother=None, spouse=None)
    Person.objects.all().delete()
    Household.objects.all().delete()
    generate("66", people=15000, years=5, seed=7, end=END)
    assert snapshot() == first


def test_population_looks_like_vietnam(population):
    births = Event.objects.filter(kind="birth", occurred_on__year=2024)
    boys, girls = births.filter(sex="1").count(), births.filter(sex="2").count()
    assert population.persons >= 15000
    assert 95 <= 100 * boys / girls <= 128  # sex ratio at birth 111, with sampling noise
    mid = datetime.date(2024, 7, 1)
    residents = Residence.objects.filter(counted_from__lte=mid).filter(
        Q(end__isnull=True) | Q(end__gt=mid)
    )
    tfr = 0.0
    for low in range(15, 50, 5):
        women = residents.filter(
            sex="2",
            date_of_birth__lte=mid.replace(year=2024 - low),
            date_of_birth__gt=mid.replace(year=2024 - low - 5),
        ).count()
        tfr += births.filter(age__gte=low, age__lt=low + 5).count() / women
    assert 1.4 <= 5 * tfr <= 2.5
    married = MaritalSpell.objects.filter(status="2", start__lte=mid).filter(
        Q(end__isnull=True) | Q(end__gt=mid)
    )
    women = residents.filter(
        sex="2",
        date_of_birth__lte=datetime.date(2009, 7, 1),
        date_of_birth__gt=datetime.date(1974, 7, 1),
        person__in=married.values("person"),
    )
    users = MethodSpell.objects.filter(start__lte=mid).filter(Q(end__isnull=True) | Q(end__gt=mid))
    cpr = women.filter(person__in=users.values("person")).count() / women.count()
    assert 0.6 <= cpr <= 0.75
    third = Event.objects.filter(kind="birth", birth_order__gte=3).count()
    assert 0.08 <= third / Event.objects.filter(kind="birth").count() <= 0.3


def test_generated_spells_match_the_online_derivation(population):
    sample = list(
        Person.objects.filter(
            pk__in=Event.objects.filter(
                kind__in=["death", "method_stop", "birth", "divorce"]
            ).values("person")
        ).order_by("pk")[:60]
    )
    sample += list(Person.objects.filter(children__isnull=False).order_by("pk")[:20])

    def spells(person):
        return (
            sorted(
                Residence.objects.filter(person=person).values_list("start", "end", "counted_from")
            ),
            sorted(
                MaritalSpell.objects.filter(person=person).values_list("start", "end", "status")
            ),
            sorted(MethodSpell.objects.filter(person=person).values_list("start", "end", "method")),
        )

    for person in sample:
        generated = spells(person), person.spouse_id
        rebuild(person)
        assert (spells(person), person.spouse_id) == generated, person.pk
    assert any(person.spouse_id for person in sample)


def test_moves_name_communes_by_identifier():
    """A move's origin and destination are units (docs/fieldwork.md): a current commune's
    identifier, never free text, and a move out never names the commune left."""
    from danso.orgunits.models import Level, OrgUnit

    generate("66", people=3000, years=3, seed=2, end=END)
    communes = dict(
        OrgUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True).values_list(
            "uid", "path"
        )
    )
    outs = list(Event.objects.filter(kind="move_out").select_related("village"))
    ins = list(Event.objects.filter(kind="move_in").select_related("village"))
    assert outs and ins
    for event in outs:
        destination = event.data["destination"]
        assert destination in communes, destination
        assert destination != event.village.parent.uid if event.village.parent_id else True
    origins = [e.data["origin"] for e in ins]
    assert all(origin in communes for origin in origins), origins[:5]
    # households arrive from other provinces, spouses from the province's other communes
    assert any(not communes[o].startswith("/VN/P66/") for o in origins)
    assert any(communes[o].startswith("/VN/P66/") for o in origins)
    for event in ins:
        assert event.data["origin"] != event.village.path.split("/")[3]
