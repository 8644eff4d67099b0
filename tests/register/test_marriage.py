"""A marriage is entered once and marries both spouses, who may live in two villages of the
commune; a child marriage is flagged whichever spouse is under age, also after a correction."""

import datetime

import pytest
from django.utils import translation

from danso.register import codes
from danso.register.models import MaritalSpell, Person, Slip
from danso.register.projection import state_as_of
from danso.register.services import RegisterError, accept, correct, record, slip_for, submit
from danso.register.validation import Change

from .conftest import TODAY, person_data

D = datetime.date
WEDDING = D(2025, 6, 1)
pytestmark = pytest.mark.django_db


def enter_in(household, *changes):
    slip = slip_for(household.village, f"{changes[0].occurred_on:%Y%m}")
    return record(slip, list(changes), today=TODAY)[0]


def accept_all():
    for slip in Slip.objects.filter(status=Slip.Status.OPEN):
        submit(slip, None)
        accept(slip, None)


def newcomer(household, name, sex, born) -> Person:
    (event,) = enter_in(
        household,
        Change(
            "registration",
            D(2024, 1, 1),
            household,
            person_data=person_data(name, sex, born, relationship="3"),
        ),
    )
    return event.person


@pytest.fixture
def groom(household):
    return newcomer(household, "Y Bhăm Êban", codes.MALE, D(1995, 2, 1))


@pytest.fixture
def bride(other_household):
    """Of another village of the same commune; 17 on the wedding day."""
    return newcomer(other_household, "H'Yam Niê", codes.FEMALE, D(2008, 3, 1))


def marry(household, person, spouse, day=WEDDING):
    (event,) = enter_in(
        household, Change("marriage", day, household, person=person, other_person=spouse)
    )
    return event


def test_one_entry_marries_both_spouses(household, groom, bride):
    event = marry(household, groom, bride)
    accept_all()
    for person, spouse in ((groom, bride), (bride, groom)):
        person.refresh_from_db()
        assert (person.marital_status, person.spouse_id) == (codes.MARRIED, spouse.pk)
        before, after = state_as_of(person, D(2025, 5, 31)), state_as_of(person, D(2025, 7, 1))
        assert (before["marital_status"], before["spouse"]) == (codes.NEVER_MARRIED, None)
        assert (after["marital_status"], after["spouse"]) == (codes.MARRIED, spouse.pk)
        spells = MaritalSpell.objects.filter(person=person).order_by("start")
        assert list(spells.values_list("start", "end", "status")) == [
            (D(2024, 1, 1), WEDDING, codes.NEVER_MARRIED),
            (WEDDING, None, codes.MARRIED),
        ]
    # The groom is 30: the bride's age (17) makes it a child marriage.
    assert event.is_child_marriage
    # Entered once: the bride cannot be married again from her own village's side.
    with translation.override("vi"), pytest.raises(RegisterError) as refused:
        marry(bride.household, bride, groom, D(2025, 7, 1))
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("person", "already_married"),
        ("other_person", "already_married"),
    ]
    assert refused.value.problems[1].message == "Người vợ/chồng đang có vợ/chồng."


@pytest.mark.parametrize(
    ("groom_born", "bride_born", "child_marriage"),
    [
        (D(2006, 1, 1), D(2000, 1, 1), True),  # he is 19: under 20
        (D(2000, 1, 1), D(2007, 7, 1), True),  # she is 17: under 18
        (D(2005, 6, 1), D(2007, 6, 1), False),  # 20 and 18 on the day
    ],
)
def test_child_marriage_if_either_spouse_is_under_age(
    household, groom_born, bride_born, child_marriage
):
    groom = newcomer(household, "Nguyễn Văn An", codes.MALE, groom_born)
    bride = newcomer(household, "Trần Thị Bình", codes.FEMALE, bride_born)
    assert marry(household, bride, groom).is_child_marriage is child_marriage


def test_a_correction_recomputes_the_child_marriage_flag(household, groom, bride):
    first = marry(household, groom, bride)
    accept_all()
    fixed = correct(
        first,
        Change("marriage", WEDDING, household, other_person=bride, is_consanguineous=True),
        "Quên đánh dấu cận huyết thống",
        user=None,
        today=TODAY,
    )
    assert fixed.is_child_marriage and fixed.is_consanguineous and fixed.is_accepted
    # She turned 18 on 1 March 2026: married after that, it is not a child marriage.
    later = correct(
        fixed,
        Change("marriage", D(2026, 3, 2), household, other_person=bride),
        "Sai ngày",
        user=None,
        today=TODAY,
    )
    assert not later.is_child_marriage
    assert state_as_of(bride, D(2025, 7, 1))["marital_status"] == codes.NEVER_MARRIED
    assert state_as_of(bride, D(2026, 3, 2))["spouse"] == groom.pk


def test_a_correction_naming_another_spouse_unmarries_the_first(household, groom, bride):
    wrong = marry(household, groom, bride)
    other = newcomer(household, "H'Ruê Mlô", codes.FEMALE, D(1996, 9, 9))
    accept_all()
    correct(
        wrong,
        Change("marriage", WEDDING, household, other_person=other),
        "Nhầm người",
        user=None,
        today=TODAY,
    )
    for person in (bride, other, groom):
        person.refresh_from_db()
    assert (bride.marital_status, bride.spouse_id) == (codes.NEVER_MARRIED, None)
    assert (other.marital_status, other.spouse_id) == (codes.MARRIED, groom.pk)
    assert groom.spouse_id == other.pk


def test_a_spouse_who_died_cannot_marry(household, groom, bride, other_household):
    enter_in(other_household, Change("death", D(2025, 1, 5), other_household, person=bride))
    with pytest.raises(RegisterError) as refused:
        marry(household, groom, bride)
    assert [(p.field, p.code) for p in refused.value.problems] == [("other_person", "already_dead")]
    with pytest.raises(RegisterError) as refused:
        marry(household, groom, groom)
    assert [(p.field, p.code) for p in refused.value.problems] == [("other_person", "same_person")]
