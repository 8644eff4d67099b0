"""What an export holds: the area and permissions of the user, the units and periods asked for,
and the values counted from activities only when asked."""

import datetime

import pytest

from danso.exchange.dhis2_export import (
    ExportError,
    ExportRequest,
    export_data_values,
    periods_within,
)
from danso.exchange.dhis2_formats import write
from danso.exchange.dhis2_import import import_data_values
from danso.programmes.models import Activity, ActivityParticipants

from .factories import put

pytestmark = pytest.mark.django_db
ALL_SETS = ["XA_HOAT_DONG", "KCN_QUY", "HLHPN_NAM"]


def rows(records):
    return [(r.org_unit, r.period, r.data_element, r.category_option_combo, r.value,
             r.stored_by) for r in records]  # fmt: skip


def elements(records):
    return {r.data_element for r in records}


def test_sensitive_elements_only_with_the_permission(stored):
    unit = stored["a"]["commune"].uid
    request = ExportRequest(data_sets=ALL_SETS, periods=["2025Q3", "2025"], org_units=[unit],
                            children=True)  # fmt: skip
    officer = elements(export_data_values(stored["a"]["user"], request))
    province = elements(export_data_values(stored["province_user"], request))
    assert {"WU_DV_DETECTED", "WU_TRUSTED_ADDRESSES", "WU_SPONSOR_FUNDS"} <= officer
    # WU_DV_DETECTED is flagged; the two others are in the sensitive data set HLHPN_NAM.
    assert province == officer - {"WU_DV_DETECTED", "WU_TRUSTED_ADDRESSES", "WU_SPONSOR_FUNDS"}


def test_units_children_periods_and_dates(stored):
    a = stored["a"]
    officer = a["user"]
    put("XA_CLUBS_ACTIVE", "default", a["commune"], "2025Q2", "2")
    put("XA_CLUBS_ACTIVE", "default", stored["b"]["commune"], "2025Q3", "9")  # not a's

    def export(**asked):
        defaults = {"data_sets": ["XA_HOAT_DONG", "KCN_QUY"], "org_units": [a["commune"].uid]}
        return rows(export_data_values(officer, ExportRequest(**{**defaults, **asked})))

    only_commune = export(periods=["2025Q3"])
    assert {r[0] for r in only_commune} == {a["commune"].uid}
    assert {r[0] for r in export(periods=["2025Q3"], children=True)} == {
        a["commune"].uid, a["zone"].uid
    }  # fmt: skip
    both = export(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 9, 30))
    assert {r[1] for r in both} == {"2025Q2", "2025Q3"}
    within_q3 = export(start=datetime.date(2025, 7, 1), end=datetime.date(2025, 12, 31))
    assert {r[1] for r in within_q3} == {"2025Q3"}
    with pytest.raises(ExportError, match=stored["b"]["commune"].uid):
        export(periods=["2025Q3"], org_units=[stored["b"]["commune"].uid])
    with pytest.raises(ExportError):
        export(periods=[])
    with pytest.raises(ExportError, match="NO_SUCH"):
        export(periods=["2025Q3"], data_sets=["NO_SUCH"])


def _activity(kind, organiser, day, **participants):
    activity = Activity.objects.create(kind=kind, title=kind, start_date=day, end_date=day,
                                       organiser=organiser, ou_path=organiser.path)  # fmt: skip
    for sex, count in participants.items():
        ActivityParticipants.objects.create(activity=activity, target_group="general", sex=sex,
                                            count=count)  # fmt: skip


def test_activity_figures_only_when_asked_each_at_its_organiser(world):
    a, b = world["a"], world["b"]
    day = datetime.date(2025, 8, 12)
    _activity("communication", a["commune"], day, female=30, male=10)
    _activity("counselling", a["zone"], day, female=5)
    _activity("communication", b["commune"], day, female=99)  # outside a's area
    _activity("communication", a["commune"], datetime.date(2025, 10, 1), female=7)  # Q4
    request = ExportRequest(data_sets=["XA_HOAT_DONG"], periods=["2025Q3"],
                            org_units=[a["commune"].uid], children=True)  # fmt: skip
    assert export_data_values(a["user"], request) == []

    request.include_activities = True
    fed = rows(export_data_values(a["user"], request))

    commune, zone, marked = a["commune"].uid, a["zone"].uid, "danso:activities"
    assert fed == [
        (commune, "2025Q3", "ACT_COMM_REACHED", "FEMALE", "30", marked),
        (commune, "2025Q3", "ACT_COMM_REACHED", "MALE", "10", marked),
        (commune, "2025Q3", "ACT_COMM_SESSIONS", "default", "1", marked),
        (zone, "2025Q3", "ACT_COUNSELLED", "FEMALE", "5", marked),
    ]
    request.children = False
    assert rows(export_data_values(a["user"], request)) == fed[:3]

    # danso never imports them back: each is a conflict, and nothing changes.
    data = write("json", export_data_values(a["user"], request))
    summary = import_data_values(data, "json", a["user"])
    assert {c.code for c in summary.conflicts} == {"fed_by_activities"}
    assert len(summary.conflicts) == 3


def test_periods_within_dates():
    ids = [p.id for p in periods_within("quarter", datetime.date(2025, 2, 1),
                                        datetime.date(2026, 3, 31))]  # fmt: skip
    assert ids == ["2025Q2", "2025Q3", "2025Q4", "2026Q1"]
    assert [p.id for p in periods_within("year", datetime.date(2024, 1, 1),
                                         datetime.date(2025, 12, 30))] == ["2024"]  # fmt: skip
    assert len(periods_within("month", datetime.date(2025, 11, 1),
                              datetime.date(2026, 2, 28))) == 4  # fmt: skip
