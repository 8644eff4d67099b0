import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.register import codes
from danso.register.services import create_household, record, slip_for
from danso.register.validation import Change

D = datetime.date
TODAY = D(2026, 11, 1)


@pytest.fixture
def village(db):
    commune = OrgUnit.objects.get(uid="C24211")  # Xã Ea Súp, formed from three old communes
    return create_village(
        commune, code="01", name="Thôn 1", unit_type="thon", legacy_commune="24211"
    )


@pytest.fixture
def household(village):
    return create_household(village, number="001", address="Thôn 1, xã Ea Súp")


def person_data(name, sex, born, **extra):
    return {"full_name": name, "sex": sex, "date_of_birth": born, **extra}


@pytest.fixture
def enter(village):
    """Record changes on the village's slip for the month of the first change."""

    def enter(*changes, user=None, today=TODAY):
        slip = slip_for(village, f"{changes[0].occurred_on:%Y%m}")
        return record(slip, list(changes), user=user, today=today)[0]

    return enter


@pytest.fixture
def couple(household, enter):
    """Husband and wife entered in the register on 1 January 2024, married, no children."""
    (husband,) = enter(
        Change(
            "registration",
            D(2024, 1, 1),
            household,
            person_data=person_data(
                "Y Bhin Niê",
                codes.MALE,
                D(1990, 5, 1),
                relationship=codes.HEAD,
                ethnicity="12",
                marital_status=codes.MARRIED,
            ),
        ),
    )
    (wife,) = enter(
        Change(
            "registration",
            D(2024, 1, 1),
            household,
            other_person=husband.person,
            person_data=person_data(
                "H'Hen Mlô",
                codes.FEMALE,
                D(1994, 3, 8),
                relationship="2",
                ethnicity="12",
                marital_status=codes.MARRIED,
                prior_live_births=1,
            ),
        ),
    )
    return husband.person, wife.person


@pytest.fixture
def other_village(village):
    """Another village of the same commune."""
    return create_village(
        village.parent, code="02", name="Thôn 2", unit_type="thon", legacy_commune="24211"
    )


@pytest.fixture
def other_household(other_village):
    return create_household(other_village, number="001", address="Thôn 2, xã Ea Súp")
