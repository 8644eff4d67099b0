"""Recording changes: the register as a history, state at any date, corrections."""

import datetime

import pytest

from danso.register import codes
from danso.register.models import Event, MethodSpell, Person, Residence, Slip
from danso.register.projection import state_as_of
from danso.register.services import RegisterError, accept, correct, slip_for, submit
from danso.register.validation import Change

from .conftest import person_data

D = datetime.date
pytestmark = pytest.mark.django_db


def accept_all(village, user=None):
    for slip in Slip.objects.filter(village=village, status=Slip.Status.OPEN):
        submit(slip, user)
        accept(slip, user)


def test_registration_creates_persons_pending_until_the_slip_is_accepted(couple, village):
    husband, wife = couple
    assert husband.is_pending and not Residence.objects.filter(person=husband).exists()
    accept_all(village)
    husband.refresh_from_db()
    assert not husband.is_pending
    assert husband.ethnicity == "12" and husband.relationship == codes.HEAD
    assert husband.household.head_name == "Y Bhin Niê"
    residence = Residence.objects.get(person=husband)
    assert (residence.start, residence.end, residence.counted_from) == (
        D(2024, 1, 1),
        None,
        D(2024, 1, 1),
    )


def test_birth_order_is_derived_from_the_mothers_history(couple, household, enter, village):
    husband, wife = couple
    (birth,) = enter(
        Change(
            "birth",
            D(2024, 6, 10),
            household,
            other_person=wife,
            place="1",
            person_data=person_data(
                "Y Khoa Niê", codes.MALE, D(2024, 6, 10), relationship="3", ethnicity="12"
            ),
        ),
    )
    assert birth.birth_order == 2  # one live birth before she entered the register
    assert birth.age == 30  # the mother's age at the birth
    assert birth.sex == codes.MALE
    with pytest.raises(RegisterError) as refused:
        enter(
            Change(
                "birth",
                D(2025, 9, 1),
                household,
                other_person=wife,
                birth_order=2,
                person_data=person_data("H'Mai Niê", codes.FEMALE, D(2025, 9, 1)),
            ),
        )
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("birth_order", "birth_order_inconsistent")
    ]
    assert not Person.objects.filter(full_name="H'Mai Niê").exists()


def test_state_on_any_past_date(couple, household, enter, village):
    husband, wife = couple
    enter(Change("method_start", D(2024, 3, 1), household, person=wife, method=codes.IUD))
    accept_all(village)
    enter(Change("method_stop", D(2025, 2, 1), household, person=wife))
    enter(Change("death", D(2025, 8, 20), household, person=husband))
    accept_all(village)
    assert state_as_of(wife, D(2024, 2, 1))["method"] is None
    assert state_as_of(wife, D(2024, 12, 31))["method"] == codes.IUD
    assert state_as_of(wife, D(2025, 3, 1))["method"] is None
    assert state_as_of(wife, D(2025, 8, 19))["marital_status"] == codes.MARRIED
    assert state_as_of(husband, D(2025, 8, 19))["alive"] is True
    assert state_as_of(husband, D(2025, 8, 21))["alive"] is False
    assert state_as_of(husband, D(2025, 8, 21))["household"] is None
    assert list(MethodSpell.objects.filter(person=wife).values_list("start", "end")) == [
        (D(2024, 3, 1), D(2025, 2, 1))
    ]


def test_a_correction_supersedes_and_keeps_the_old_entry(couple, household, enter, village):
    husband, wife = couple
    (wrong,) = enter(Change("method_start", D(2024, 3, 1), household, person=wife, method="5"))
    accept_all(village)
    fixed = correct(
        wrong,
        Change("method_start", D(2024, 3, 1), household, method=codes.IUD),
        "Nhầm biện pháp: vòng, không phải thuốc uống",
        user=None,
    )
    wrong.refresh_from_db()
    assert wrong.is_superseded and fixed.supersedes == wrong and fixed.is_accepted
    assert Event.objects.filter(pk=wrong.pk).exists()
    assert state_as_of(wife, D(2024, 6, 1))["method"] == codes.IUD
    cancelled = correct(fixed, None, "Không có thật", user=None)
    assert cancelled.kind == "void"
    assert state_as_of(wife, D(2024, 6, 1))["method"] is None
    assert not MethodSpell.objects.filter(person=wife).exists()


def test_a_submitted_slip_is_closed_and_can_be_sent_back(couple, household, village):
    from danso.register.services import record, send_back

    slip = slip_for(village, "202401")
    submit(slip, None)
    with pytest.raises(RegisterError) as refused:
        record(slip, [Change("death", D(2024, 1, 5), household, person=couple[0])])
    assert refused.value.problems[0].code == "slip_closed"
    send_back(slip, None, "Thiếu ngày sinh của trẻ")
    slip.refresh_from_db()
    assert slip.status == Slip.Status.RETURNED and slip.is_editable


def test_widowhood_follows_the_spouses_death(couple, household, enter, village):
    husband, wife = couple
    accept_all(village)
    enter(Change("death", D(2025, 1, 10), household, person=husband))
    accept_all(village)
    assert state_as_of(wife, D(2025, 2, 1))["marital_status"] == codes.WIDOWED
