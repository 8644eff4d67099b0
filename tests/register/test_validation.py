"""Each refused entry gets a specific code and a Vietnamese message, and changes nothing."""

import datetime

import pytest
from django.utils import translation

from danso.register import codes
from danso.register.models import Event, Person
from danso.register.services import RegisterError
from danso.register.validation import Change, check_citizen_id

from .conftest import person_data

D = datetime.date
pytestmark = pytest.mark.django_db


def refused(enter, *changes):
    before = (Event.objects.count(), Person.objects.count())
    with translation.override("vi"), pytest.raises(RegisterError) as err:
        enter(*changes)
    assert (Event.objects.count(), Person.objects.count()) == before
    return [(p.index, p.field, p.code) for p in err.value.problems], err.value.problems


def test_future_dates_and_dates_before_birth(couple, household, enter):
    husband, wife = couple
    found, problems = refused(
        enter,
        Change("elderly_check", D(2027, 1, 1), household, person=husband),
        Change("method_start", D(1993, 1, 1), household, person=wife, method=codes.PILL),
    )
    assert (0, "occurred_on", "date_in_future") in found
    assert (1, "occurred_on", "before_birth") in found
    assert problems[0].message == "Ngày này ở tương lai."


def test_mother_outside_10_to_60(household, enter, couple):
    _, wife = couple
    found, problems = refused(
        enter,
        Change(
            "birth",
            D(2004, 1, 1),
            household,
            other_person=wife,
            person_data=person_data("Bé", codes.FEMALE, D(2004, 1, 1)),
        ),
    )
    assert found == [(0, "mother", "mother_age")]
    assert "9" in problems[0].message


def test_sex_checks(couple, household, enter):
    husband, wife = couple
    found, _ = refused(
        enter,
        Change("pregnancy", D(2024, 5, 1), household, person=husband, outcome="1"),
        Change("method_start", D(2024, 5, 1), household, person=husband, method=codes.IUD),
        Change("method_start", D(2024, 5, 1), household, person=wife, method=codes.VASECTOMY),
    )
    assert found == [
        (0, "person", "sex_mismatch"),
        (1, "method", "sex_mismatch"),
        (2, "method", "sex_mismatch"),
    ]


def test_child_marriage_is_recorded_with_a_flag(household, enter):
    (girl,) = enter(
        Change(
            "registration",
            D(2024, 1, 1),
            household,
            person_data=person_data("Lò Thị Xuân", codes.FEMALE, D(2007, 2, 1)),
        ),
    )
    (marriage,) = enter(Change("marriage", D(2024, 9, 1), household, person=girl.person))
    assert marriage.is_child_marriage
    (adult,) = enter(
        Change(
            "registration",
            D(2024, 1, 1),
            household,
            person_data=person_data("Lò Văn Sáng", codes.MALE, D(2000, 2, 1)),
        ),
    )
    (marriage,) = enter(Change("marriage", D(2024, 9, 1), household, person=adult.person))
    assert not marriage.is_child_marriage


def test_dying_twice_and_events_after_death(couple, household, enter):
    husband, _ = couple
    enter(Change("death", D(2025, 1, 1), household, person=husband))
    found, _ = refused(enter, Change("death", D(2025, 2, 1), household, person=husband))
    assert found == [(0, "person", "dies_twice")]
    found, _ = refused(enter, Change("divorce", D(2025, 2, 1), household, person=husband))
    assert found == [(0, "person", "already_dead")]


def test_duplicate_person_in_household(couple, household, enter):
    found, problems = refused(
        enter,
        Change(
            "move_in",
            D(2024, 5, 1),
            household,
            person_data=person_data("y bhin  niê", codes.MALE, D(1990, 5, 1)),
        ),
    )
    assert found == [(0, "person.full_name", "duplicate_person")]


def test_all_problems_of_a_batch_are_reported_together(couple, household, enter):
    husband, wife = couple
    found, _ = refused(
        enter,
        Change("method_stop", D(2024, 5, 1), household, person=wife),  # uses no method
        Change("divorce", D(2024, 5, 1), household, person=husband),  # fine
        Change("move_in", D(2024, 5, 1), household, person_data={"sex": "3"}),
    )
    assert found == [
        (0, "method", "no_method_in_use"),
        (2, "person.full_name", "required"),
        (2, "person.date_of_birth", "required"),
        (2, "person.sex", "invalid_code"),
    ]


@pytest.mark.parametrize(
    ("value", "sex", "born", "ok"),
    [
        ("066090001234", codes.MALE, D(1990, 5, 1), True),
        ("066190001234", codes.FEMALE, D(1990, 5, 1), True),
        ("066307001234", codes.FEMALE, D(2007, 1, 1), True),
        ("06609000123", codes.MALE, D(1990, 5, 1), False),  # 11 digits
        ("099090001234", codes.MALE, D(1990, 5, 1), False),  # no province 099
        ("066190001234", codes.MALE, D(1990, 5, 1), False),  # female digit for a man
        ("066091001234", codes.MALE, D(1990, 5, 1), False),  # year 1991
        ("066290001234", codes.MALE, D(1990, 5, 1), False),  # century 2000
    ],
)
def test_citizen_id_checks(value, sex, born, ok):
    assert (check_citizen_id(value, sex, born) is None) == ok
