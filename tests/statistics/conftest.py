"""The small hand-built register the report tests share (described in test_reports.py)."""

import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
from danso.register import codes
from danso.register.models import Slip
from danso.register.services import accept, create_household, record, slip_for, submit
from danso.register.validation import Change

D = datetime.date
TODAY = D(2026, 11, 1)


def person(name, sex, born, **extra):
    return {"full_name": name, "sex": sex, "date_of_birth": born, **extra}


@pytest.fixture
def register():
    ea_sup = OrgUnit.objects.get(uid="C24211")
    tuy_hoa = OrgUnit.objects.get(uid="C22015")
    a1 = create_village(ea_sup, code="A1", name="Thôn A1", unit_type="thon", legacy_commune="24211")
    old_b = tuy_hoa.predecessor_links.filter(old__level="commune").first().old.code
    b1 = create_village(
        tuy_hoa, code="B1", name="Khu phố B1", unit_type="khom", legacy_commune=old_b
    )
    h1 = create_household(a1, number="1")
    h2 = create_household(a1, number="2")
    h3 = create_household(b1, number="3", kind=codes.COLLECTIVE_HOUSEHOLD)

    def enter(village, *changes):
        slip = slip_for(village, f"{changes[0].occurred_on:%Y%m}")
        events, _ = record(slip, list(changes), today=TODAY)
        return [e.person for e in events]

    jan = D(2025, 1, 1)
    m1, w1, g1 = enter(a1,
        Change("registration", jan, h1, person_data=person("M1", "1", D(1990, 1, 1),
               relationship="1", marital_status="2")),
        Change("registration", jan, h1, person_data=person("W1", "2", D(1994, 1, 1),
               relationship="2", marital_status="2", prior_live_births=1),
               data={"method": codes.IUD}),
        Change("registration", jan, h1, person_data=person("G1", "2", D(1950, 1, 1),
               relationship="4", marital_status="4")),
    )  # fmt: skip
    w2, m2 = enter(a1,
        Change("registration", jan, h2, person_data=person("W2", "2", D(2008, 3, 1),
               relationship="1")),
        Change("registration", jan, h2, person_data=person("M2", "1", D(2004, 1, 1),
               relationship="9")),
    )  # fmt: skip
    m3, w3 = enter(b1,
        Change("registration", jan, h3, person_data=person("M3", "1", D(1985, 1, 1),
               relationship="1")),
        Change("registration", jan, h3, person_data=person("W3", "2", D(1988, 1, 1),
               relationship="9", marital_status="2")),
    )  # fmt: skip
    enter(b1, Change("birth", D(2025, 5, 1), h3, other_person=w3,
                     person_data=person("girl", "2", D(2025, 5, 1))))  # fmt: skip
    enter(a1,
        Change("premarital_check", D(2025, 7, 1), h2, person=w2),
        Change("elderly_check", D(2025, 7, 5), h1, person=g1),
        Change("marriage", D(2025, 7, 15), h2, person=w2, other_person=m2),  # marries both
    )  # fmt: skip
    enter(a1, Change("birth", D(2025, 8, 10), h1, other_person=w1,
                     person_data=person("boy", "1", D(2025, 8, 10))))  # fmt: skip
    enter(a1, Change("death", D(2025, 9, 1), h1, person=g1))
    enter(b1,
        Change("pregnancy", D(2025, 7, 10), h3, person=w3, outcome=codes.ABORTION),
        Change("method_start", D(2025, 7, 20), h3, person=w3, method=codes.PILL),
        Change("move_in", D(2025, 8, 1), h3, person_data=person("W4", "2", D(1999, 1, 1),
               marital_status="2")),
    )  # fmt: skip
    enter(b1, Change("move_out", D(2025, 9, 15), h3, person=m3, data={"destination": "C24211"}))
    for slip in Slip.objects.all():
        submit(slip, None)
        accept(slip, None)
    return {"A": ea_sup, "B": tuy_hoa}
