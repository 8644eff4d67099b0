import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.register import codes, services
from danso.register.models import Slip
from danso.register.validation import Change

D = datetime.date
LATER = D(2026, 11, 1)
JAN = D(2026, 1, 5)


def person_data(name, sex, born, **extra):
    return {"full_name": name, "sex": sex, "date_of_birth": born, **extra}


@pytest.fixture
def village(db):
    commune = OrgUnit.objects.get(uid="C24211")
    return create_village(
        commune, code="01", name="Thôn 1", unit_type="thon", legacy_commune="24211"
    )


@pytest.fixture
def accepted():
    """Record changes on their villages' slips (kept open: call `accepted.all()` to have the
    commune accept every open slip)."""

    def accepted(*changes, today=LATER):
        slip = services.slip_for(changes[0].household.village, f"{changes[0].occurred_on:%Y%m}")
        events, _warnings = services.record(slip, list(changes), today=today)
        return [e.person for e in events]

    def accept_all():
        for slip in Slip.objects.filter(status=Slip.Status.OPEN):
            services.submit(slip, None)
            services.accept(slip, None)

    accepted.all = accept_all
    return accepted


@pytest.fixture
def couple_in(accepted):
    """A household with a married couple entered on `day`; the wife's method in use given."""

    def couple_in(village, number, *, wife_born, day=JAN, method="",
                  husband_method="", married=True, poverty=None, poverty_year=2026):  # fmt: skip
        household = services.create_household(village, number=number)
        if poverty is not None:
            services.set_poverty(household, poverty_year, poverty)
        status = codes.MARRIED if married else codes.NEVER_MARRIED
        (husband,) = accepted(
            Change("registration", day, household,
                   person_data=person_data(f"Chồng {number}", codes.MALE, D(1985, 1, 1),
                                           relationship=codes.HEAD, marital_status=status),
                   data={"method": husband_method} if husband_method else {})
        )  # fmt: skip
        (wife,) = accepted(
            Change("registration", day, household, other_person=husband if married else None,
                   person_data=person_data(f"Vợ {number}", codes.FEMALE, wife_born,
                                           relationship="2", marital_status=status),
                   data={"method": method} if method else {})
        )  # fmt: skip
        return household, husband, wife

    return couple_in
