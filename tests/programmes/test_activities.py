"""Recording an activity: every part saved together, every check with its own code."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from danso.accounts.models import Role
from danso.programmes.activities import (
    ActivityError,
    ActivityInput,
    contributions,
    delete_activity,
    save_activity,
)
from danso.programmes.clubs import ClubInput, save_club
from danso.programmes.models import Activity, ActivityParticipants

from .conftest import TODAY, D


def codes(excinfo) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in excinfo.value.problems}


def test_an_activity_is_saved_with_every_part(two_communes, record):
    a = two_communes["a"]
    activity = record(
        a["user"], a["commune"], kind="mobile_trip", title="  Chuyến   lưu động  ",
        start_date=D(2026, 5, 4), end_date=D(2026, 5, 5),
        places=[a["village"].uid, a["commune"].uid, a["village"].uid],
        participants=[("ethnic_minority", "female", 12), ("worker", "male", 3),
                      ("elderly", "male", 0)],
        services=[("iud", 4), ("pill", 8), ("condom", 0)],
        cost=Decimal(2500000), funding_source="central", notes="Ghi chú",
    )  # fmt: skip
    activity.refresh_from_db()
    assert activity.title == "Chuyến lưu động"
    assert activity.ou_path == a["commune"].path
    assert activity.created_by == a["user"]
    assert {p.uid for p in activity.places.all()} == {a["village"].uid, a["commune"].uid}
    assert sorted(activity.participants.values_list("target_group", "sex", "count")) == [
        ("ethnic_minority", "female", 12), ("worker", "male", 3),
    ]  # fmt: skip
    assert sorted(activity.services.values_list("service", "clients")) == [("iud", 4), ("pill", 8)]
    assert (activity.cost, activity.funding_source) == (2500000, "central")
    fed = {e.code: n for e, n in contributions(activity)}
    assert fed == {"ACT_MOBILE_TRIPS": 1, "ACT_MOBILE_CLIENTS": 12}


def test_defaults_one_day_and_the_kind_as_title(two_communes, record):
    a = two_communes["a"]
    activity = record(a["user"], a["commune"], kind="meeting", start_date=D(2026, 6, 1))
    assert activity.end_date == D(2026, 6, 1)
    assert activity.title == "Họp, giao ban"


def test_an_edit_replaces_the_counts(two_communes, record):
    a = two_communes["a"]
    activity = record(a["user"], a["commune"], participants=[("general", "male", 5)])
    data = ActivityInput(kind="communication", start_date=D(2026, 3, 2),
                         organiser=a["commune"].uid,
                         participants=[("general", "female", 7)])  # fmt: skip
    save_activity(a["user"], data, activity, today=TODAY)
    assert list(activity.participants.values_list("sex", "count")) == [("female", 7)]
    assert ActivityParticipants.objects.count() == 1


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"kind": "picnic"}, ("kind", "unknown_kind")),
        ({"start_date": None}, ("start_date", "required")),
        ({"start_date": D(2026, 11, 2)}, ("start_date", "in_future")),
        ({"start_date": D(2026, 5, 4), "end_date": D(2026, 5, 3)},
         ("end_date", "end_before_start")),
        ({"participants": [("general", "male", -1)]}, ("participants", "negative_count")),
        ({"participants": [("aliens", "male", 1)]}, ("participants", "unknown_target_group")),
        ({"participants": [("general", "x", 1)]}, ("participants", "unknown_sex")),
        ({"participants": [("general", "male", 1), ("general", "male", 2)]},
         ("participants", "duplicate")),
        ({"services": [("iud", -3)]}, ("services", "negative_count")),
        ({"services": [("magic", 3)]}, ("services", "unknown_service")),
        ({"services": [("iud", 1), ("iud", 1)]}, ("services", "duplicate")),
        ({"cost": Decimal(-1)}, ("cost", "negative_cost")),
        ({"funding_source": "lottery"}, ("funding_source", "unknown_funding_source")),
        ({"kind": "club_session"}, ("club", "required")),
        ({"kind": "club_session", "club": 999999}, ("club", "required")),
    ],
)  # fmt: skip
def test_each_check_refuses_with_its_code(two_communes, record, fields, expected):
    a = two_communes["a"]
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], **fields)
    assert expected in codes(excinfo)
    assert all(p.message for p in excinfo.value.problems)
    assert not Activity.objects.exists()


def test_every_problem_is_reported_at_once(two_communes, record):
    a = two_communes["a"]
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], start_date=D(2026, 5, 4), end_date=D(2026, 5, 1),
               participants=[("general", "male", -1)], services=[("iud", -1)])  # fmt: skip
    assert codes(excinfo) == {
        ("end_date", "end_before_start"), ("participants", "negative_count"),
        ("services", "negative_count"),
    }  # fmt: skip
    messages = [p.message for p in excinfo.value.problems]
    assert "Ngày kết thúc không được trước ngày bắt đầu." in messages
    assert "Số người tham gia (Người dân, Nam) không được âm." in messages


def test_the_organiser_and_every_place_must_be_in_the_users_area(two_communes, record):
    a, b = two_communes["a"], two_communes["b"]
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], b["commune"])
    assert codes(excinfo) == {("organiser", "unknown_unit")}
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], places=[b["village"].uid, "NO-SUCH-UNIT"])
    assert codes(excinfo) == {("places", "unknown_place")}
    assert len(excinfo.value.problems) == 2
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], places=[two_communes["province"].uid])
    assert ("places", "unknown_place") in codes(excinfo)  # above the officer's commune


def test_a_province_is_not_a_place(two_communes, make_user, record):
    officer = make_user("tinh", Role.PROVINCE, two_communes["province"])
    with pytest.raises(ActivityError) as excinfo:
        record(officer, two_communes["province"], places=[two_communes["province"].uid])
    assert codes(excinfo) == {("places", "place_level")}


def test_an_association_reaches_the_communes_of_its_province(fpa, two_communes, record):
    """The FP Association's mobile trips go to communes of the province, old ones included,
    though its staff hold only the association."""
    old_commune = two_communes["a"]["commune"].predecessor_links.first().old
    activity = record(fpa["user"], fpa["unit"], kind="mobile_trip",
                      places=[two_communes["a"]["commune"].uid, old_commune.uid])  # fmt: skip
    assert activity.places.count() == 2
    with pytest.raises(ActivityError) as excinfo:
        record(fpa["user"], fpa["unit"], places=["C00004"])  # another province (Hà Nội)
    assert codes(excinfo) == {("places", "unknown_place")}


def test_who_may_record(two_communes, make_user, fpa, record):
    a = two_communes["a"]
    viewer = make_user("xem", Role.VIEWER, two_communes["province"])
    with pytest.raises(PermissionDenied):
        record(viewer, a["commune"])
    collaborator = make_user("ctv", Role.COLLABORATOR, a["village"])
    assert record(collaborator, a["village"]).organiser == a["village"]
    with pytest.raises(ActivityError) as excinfo:
        record(collaborator, a["commune"])  # above the collaborator's village
    assert codes(excinfo) == {("organiser", "unknown_unit")}
    with pytest.raises(ActivityError):
        record(fpa["user"], a["commune"])  # partner staff record for their organisation only
    province = make_user("tinh", Role.PROVINCE, two_communes["province"])
    assert record(province, a["village"]).organiser == a["village"]


def test_an_officer_cannot_change_or_delete_another_communes_activity(two_communes, record):
    a, b = two_communes["a"], two_communes["b"]
    activity = record(b["user"], b["commune"])
    data = ActivityInput(kind="communication", start_date=D(2026, 3, 2), organiser=a["commune"].uid)
    with pytest.raises(PermissionDenied):
        save_activity(a["user"], data, activity, today=TODAY)
    with pytest.raises(PermissionDenied):
        delete_activity(a["user"], activity)
    delete_activity(b["user"], activity)
    assert not Activity.objects.exists()


def test_a_club_session_names_a_club_of_the_organisers_subtree(two_communes, record):
    a, b = two_communes["a"], two_communes["b"]
    club = save_club(a["user"], ClubInput(
        organiser=a["village"].uid, name="CLB Tiền hôn nhân",
        founded_on=D(2026, 1, 1), closed_on=D(2026, 9, 30),
    ))  # fmt: skip
    session = record(a["user"], a["commune"], kind="club_session", club=club.pk)
    assert list(club.sessions.all()) == [session]
    other = save_club(b["user"], ClubInput(organiser=b["commune"].uid, name="CLB B"))
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], kind="club_session", club=other.pk)
    assert codes(excinfo) == {("club", "required")}  # B's club is not even visible to A
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["village"], kind="club_session", club=club.pk,
               start_date=D(2026, 10, 1))  # fmt: skip
    assert codes(excinfo) == {("club", "club_closed")}
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["village"], kind="club_session", club=club.pk,
               start_date=D(2025, 12, 1))  # fmt: skip
    assert codes(excinfo) == {("club", "club_not_founded")}
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], kind="training", club=club.pk)
    assert codes(excinfo) == {("club", "not_a_session")}


def test_a_club_of_a_village_is_outside_a_sibling_organiser(two_communes, make_user, record):
    from danso.orgunits.services import create_village

    a = two_communes["a"]
    second = create_village(a["commune"], code="02", name="Thôn 2", unit_type="thon",
                            legacy_commune=a["village"].legacy_commune.code)  # fmt: skip
    club = save_club(a["user"], ClubInput(organiser=a["village"].uid, name="CLB thôn 1"))
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], second, kind="club_session", club=club.pk)
    assert codes(excinfo) == {("club", "club_outside_organiser")}
