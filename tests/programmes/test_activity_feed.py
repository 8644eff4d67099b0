"""Activities feed their data elements: figures worked out by hand from the activities below."""

from decimal import Decimal

import pytest

from danso.programmes.aggregate import element_values
from danso.programmes.models import CategoryOptionCombo, DataElement, DataValue

from .conftest import D

CODES = [
    "ACT_MOBILE_TRIPS", "ACT_MOBILE_CLIENTS", "ACT_COMM_SESSIONS", "ACT_COMM_REACHED",
    "ACT_CAMPAIGNS", "ACT_CLUB_SESSIONS",
]  # fmt: skip
Q1 = (D(2026, 1, 1), D(2026, 3, 31))
Q2 = (D(2026, 4, 1), D(2026, 6, 30))


def values(unit, span):
    elements = DataElement.objects.filter(code__in=CODES).select_related("category_combo")
    return {k: v for k, v in element_values(elements, unit.path, *span).items()}


@pytest.fixture
def activities(two_communes, make_user, record):
    a, b = two_communes["a"], two_communes["b"]
    officer_a, officer_b = a["user"], b["user"]
    trip = {"kind": "mobile_trip"}
    # Commune A: two trips in Q1 (12 and 7 clients), its village one more (5) that starts on
    # 30 March and ends in April: an activity counts on its start date.
    record(officer_a, a["commune"], services=[("iud", 5), ("pill", 7)],
           start_date=D(2026, 1, 10), **trip)  # fmt: skip
    record(officer_a, a["commune"], services=[("condom", 7)], start_date=D(2026, 2, 15), **trip)
    record(officer_a, a["village"], services=[("implant", 5)], start_date=D(2026, 3, 30),
           end_date=D(2026, 4, 2), **trip)  # fmt: skip
    # One trip on the first day of Q2, one of commune B in Q1.
    record(officer_a, a["commune"], services=[("iud", 9)], start_date=D(2026, 4, 1), **trip)
    record(officer_b, b["commune"], services=[("iud", 30)], start_date=D(2026, 2, 1), **trip)
    # People reached: a session (10 men; 15 + 8 women) and a campaign (4 men, 6 women) in Q1;
    # a session on the last day of 2025 is outside.
    record(officer_a, a["commune"], kind="communication", start_date=D(2026, 3, 8),
           participants=[("general", "male", 10), ("general", "female", 15),
                         ("ethnic_minority", "female", 8)])  # fmt: skip
    record(officer_a, a["village"], kind="campaign", start_date=D(2026, 3, 31),
           participants=[("adolescent", "male", 4), ("adolescent", "female", 6)])  # fmt: skip
    record(officer_a, a["commune"], kind="communication", start_date=D(2025, 12, 31),
           participants=[("general", "male", 100)])  # fmt: skip


def test_mobile_trips_and_their_clients_by_quarter(two_communes, activities):
    commune = two_communes["a"]["commune"]
    q1 = values(commune, Q1)
    assert q1[("ACT_MOBILE_TRIPS", "default")] == 3
    assert q1[("ACT_MOBILE_CLIENTS", "default")] == 12 + 7 + 5
    q2 = values(commune, Q2)
    assert q2[("ACT_MOBILE_TRIPS", "default")] == 1
    assert q2[("ACT_MOBILE_CLIENTS", "default")] == 9


def test_people_reached_are_summed_by_sex(two_communes, activities):
    q1 = values(two_communes["a"]["commune"], Q1)
    assert q1[("ACT_COMM_REACHED", "MALE")] == 10 + 4
    assert q1[("ACT_COMM_REACHED", "FEMALE")] == 15 + 8 + 6
    assert q1[("ACT_COMM_SESSIONS", "default")] == 1  # the campaign is not a session
    assert q1[("ACT_CAMPAIGNS", "default")] == 1
    assert ("ACT_CLUB_SESSIONS", "default") not in q1 or q1[("ACT_CLUB_SESSIONS", "default")] == 0


def test_a_child_unit_counts_alone_and_in_its_parents_subtree(two_communes, activities):
    village = values(two_communes["a"]["village"], Q1)
    assert village[("ACT_MOBILE_TRIPS", "default")] == 1
    assert village[("ACT_MOBILE_CLIENTS", "default")] == 5
    assert village[("ACT_COMM_REACHED", "MALE")] == 4
    province = values(two_communes["province"], Q1)
    assert province[("ACT_MOBILE_TRIPS", "default")] == 4
    assert province[("ACT_MOBILE_CLIENTS", "default")] == 24 + 30


def test_a_typed_value_of_a_fed_element_does_not_count_twice(two_communes, activities):
    commune = two_communes["a"]["commune"]
    DataValue.objects.create(
        data_element=DataElement.objects.get(code="ACT_MOBILE_TRIPS"),
        option_combo=CategoryOptionCombo.objects.get(code="default"),
        org_unit=commune, ou_path=commune.path, period="2026Q1",
        period_start=Q1[0], period_end=Q1[1], value=Decimal(99),
    )  # fmt: skip
    assert values(commune, Q1)[("ACT_MOBILE_TRIPS", "default")] == 3


def test_editing_an_activity_changes_its_figures(two_communes, activities):
    from danso.programmes.activities import ActivityInput, save_activity
    from danso.programmes.models import Activity

    commune = two_communes["a"]["commune"]
    first = Activity.objects.get(start_date=D(2026, 1, 10))
    data = ActivityInput(kind="mobile_trip", start_date=D(2026, 1, 10), organiser=commune.uid,
                         services=[("iud", 2)])  # fmt: skip
    save_activity(two_communes["a"]["user"], data, first, today=D(2026, 11, 1))
    assert values(commune, Q1)[("ACT_MOBILE_CLIENTS", "default")] == 2 + 7 + 5
