"""Clubs: members (linked to the register or not), leaving, and the checks."""

import pytest
from django.core.exceptions import PermissionDenied

from danso.programmes.activities import ActivityError
from danso.programmes.clubs import (
    ClubInput,
    MemberInput,
    delete_club,
    leave_club,
    save_club,
    save_member,
)
from danso.register import codes
from danso.register.services import create_household, record, slip_for
from danso.register.validation import Change

from .conftest import TODAY, D


def registered(village, name, sex, born):
    household = create_household(village, number=name[:5], address="")
    change = Change("registration", D(2024, 1, 1), household, person_data={
        "full_name": name, "sex": sex, "date_of_birth": born, "relationship": codes.HEAD,
        "ethnicity": "01", "marital_status": "1",
    })  # fmt: skip
    (event,) = record(slip_for(village, "202401"), [change], today=TODAY)[0]
    return event.person


def problem_codes(excinfo):
    return {(p.field, p.code) for p in excinfo.value.problems}


@pytest.fixture
def club(two_communes):
    a = two_communes["a"]
    return save_club(a["user"], ClubInput(organiser=a["commune"].uid, name="CLB Vị thành niên",
                                          founded_on=D(2025, 1, 1)))  # fmt: skip


def test_a_member_from_the_register_takes_name_sex_and_year(two_communes, club):
    a = two_communes["a"]
    person = registered(a["village"], "Nguyễn Văn Tú", codes.MALE, D(2008, 4, 2))
    member = save_member(a["user"], club, MemberInput(person=person.pk), today=TODAY)
    assert (member.full_name, member.sex, member.birth_year) == ("Nguyễn Văn Tú", "male", 2008)
    assert member.joined_on == TODAY
    with pytest.raises(ActivityError) as excinfo:
        save_member(a["user"], club, MemberInput(person=person.pk), today=TODAY)
    assert problem_codes(excinfo) == {("person", "already_member")}


def test_a_person_outside_the_scope_cannot_be_linked(two_communes, club):
    a, b = two_communes["a"], two_communes["b"]
    stranger = registered(b["village"], "Trần Thị Lan", codes.FEMALE, D(2007, 1, 1))
    with pytest.raises(ActivityError) as excinfo:
        save_member(a["user"], club, MemberInput(person=stranger.pk, full_name="X", sex="female"))
    assert problem_codes(excinfo) == {("person", "unknown_person")}


def test_member_checks(two_communes, club):
    user = two_communes["a"]["user"]
    with pytest.raises(ActivityError) as excinfo:
        save_member(user, club, MemberInput(birth_year=2030, joined_on=D(2026, 5, 1),
                                            left_on=D(2026, 4, 1)), today=TODAY)  # fmt: skip
    assert problem_codes(excinfo) == {
        ("full_name", "required"), ("sex", "required"), ("birth_year", "invalid_year"),
        ("left_on", "left_before_joined"),
    }  # fmt: skip


def test_leaving_keeps_the_member_in_the_history(two_communes, club):
    user = two_communes["a"]["user"]
    member = save_member(user, club, MemberInput(full_name="Lê Thị Mai", sex="female",
                                                 joined_on=D(2026, 2, 1)))  # fmt: skip
    with pytest.raises(ActivityError):
        leave_club(user, member, D(2026, 1, 1))
    leave_club(user, member, D(2026, 9, 1))
    member.refresh_from_db()
    assert member.left_on == D(2026, 9, 1)


def test_club_checks_and_who_may_change_it(two_communes, club, record):
    a, b = two_communes["a"], two_communes["b"]
    with pytest.raises(ActivityError) as excinfo:
        founded, closed = D(2026, 1, 1), D(2025, 1, 1)
        save_club(a["user"], ClubInput(organiser=b["commune"].uid, name=" ",
                                       founded_on=founded, closed_on=closed))  # fmt: skip
    assert problem_codes(excinfo) == {
        ("organiser", "unknown_unit"), ("name", "required"), ("closed_on", "closed_before_founded"),
    }  # fmt: skip
    with pytest.raises(PermissionDenied):
        save_club(b["user"], ClubInput(organiser=b["commune"].uid, name="X"), club)
    with pytest.raises(PermissionDenied):
        save_member(b["user"], club, MemberInput(full_name="X", sex="male"))
    record(a["user"], a["commune"], kind="club_session", club=club.pk)
    with pytest.raises(ActivityError) as excinfo:
        delete_club(a["user"], club)
    assert problem_codes(excinfo) == {("club", "has_sessions")}
    empty = save_club(a["user"], ClubInput(organiser=a["commune"].uid, name="CLB mới"))
    delete_club(a["user"], empty)
