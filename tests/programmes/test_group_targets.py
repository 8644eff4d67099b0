"""A target for an org-unit group as one planned area (Plan.group): "the communes of the
ethnic-minority areas" of Đắk Lắk, here the two test communes a and b.

The province sets 40 communication sessions for the group in 2025. Sessions held (activities)
in 2025: a 3 (in February, May and August), b 1 (in March), and 2 by a commune outside the
group. By 30/09/2025: 4 of 40 = 10,0 %; in the analysis, the group's row (a group set's, or
the group as the ou filter) has TARGET 40 and PROGRESS 10,0 (4 ÷ 40).
"""

import datetime

import pytest

from danso.accounts.models import Role
from danso.analysis.query import run
from danso.orgunits.models import OrgUnit, OrgUnitGroup, OrgUnitGroupSet
from danso.programmes import plans, progress
from danso.programmes.activities import ActivityInput, save_activity
from danso.programmes.models import Plan

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)


@pytest.fixture
def group_plan(two_communes, make_user):
    province = two_communes["province"]
    a, b = two_communes["a"], two_communes["b"]
    group = OrgUnitGroup.objects.create(uid="GrpDTTS0001", code="DTTS_T", name="Vùng DTTS")
    group.members.add(a["commune"], b["commune"])
    group_set = OrgUnitGroupSet.objects.create(uid="GrpSetT0001", code="VUNG_T", name="Vùng")
    group_set.groups.add(group)
    officer = make_user("tinh", Role.PROVINCE, province)
    target = plans.set_target(officer, province, 2025, "ACT_COMM_SESSIONS", 40, group=group)
    plans.set_target(officer, province, 2025, "ACT_COMM_SESSIONS", 500)  # the province's own
    other = OrgUnit.objects.filter(parent=province, level="commune").exclude(
        pk__in=[a["commune"].pk, b["commune"].pk]).first()  # fmt: skip
    outsider = make_user("xa_khac", Role.COMMUNE, other)
    for user, unit, day in ((a["user"], a["commune"], D(2025, 2, 10)),
                            (a["user"], a["commune"], D(2025, 5, 10)),
                            (a["user"], a["commune"], D(2025, 8, 10)),
                            (b["user"], b["commune"], D(2025, 3, 10)),
                            (outsider, other, D(2025, 4, 10)),
                            (outsider, other, D(2025, 8, 11))):  # fmt: skip
        save_activity(user, ActivityInput(kind="communication", start_date=day,
                                          organiser=unit.uid, title="Truyền thông"),
                      today=TODAY)  # fmt: skip
    return {"officer": officer, "group": group, "target": target, "province": province}


def test_the_group_plan_is_apart_from_the_unit_plan(group_plan):
    province = group_plan["province"]
    assert Plan.objects.filter(unit=province, year=2025).count() == 2
    assert group_plan["target"].plan.group == group_plan["group"]
    with pytest.raises(plans.PlanError) as twice:
        plans.set_target(group_plan["officer"], province, 2025, "ACT_COMM_SESSIONS", 1,
                         group=group_plan["group"])  # fmt: skip
    assert twice.value.code == "already_set"


def test_progress_over_the_members(group_plan, login):
    found = progress.progress(group_plan["province"], 2025, D(2025, 9, 30), group_plan["officer"])
    grouped = next(p for p in found if p.plan.group_id)
    row = grouped.rows[0]
    assert (row.actual, row.percent) == (4.0, 10.0)
    own = next(p for p in found if p.unit == group_plan["province"] and not p.plan.group_id)
    assert own.rows[0].actual == 6.0  # the province: every commune's sessions
    page = login(group_plan["officer"]).get("/tien-do/", {"dv": "P66", "ngay": "30/09/2025"})
    assert "Vùng DTTS" in page.content.decode()


def test_analysis_row_of_the_group(group_plan):
    officer = group_plan["officer"]
    dx = "dx:TARGET.ACT_COMM_SESSIONS;PROGRESS.ACT_COMM_SESSIONS"
    r = run(officer, [dx, "pe:2025Q3", "VUNG_T"], [], {}, today=TODAY)
    target = r.cell("TARGET.ACT_COMM_SESSIONS", "2025Q3", "DTTS_T")
    done = r.cell("PROGRESS.ACT_COMM_SESSIONS", "2025Q3", "DTTS_T")
    assert (target.value, done.value, done.numerator, done.denominator) == (40, 10.0, 4, 40)
    r = run(officer, [dx, "pe:2025Q3"], ["ou:P66;OU_GROUP-DTTS_T"], {}, today=TODAY)
    assert r.cell("PROGRESS.ACT_COMM_SESSIONS", "2025Q3", "OU_FILTER").value == 10.0


def test_api_sets_a_group_target(group_plan, bearer):
    import json

    api = bearer(group_plan["officer"])
    url = "/api/v1/plans/P66/2026/targets"
    body = {"metric": "ACT_COMM_SESSIONS", "value": 30, "group": "DTTS_T"}
    answer = api.post(url, json.dumps(body), content_type="application/json")
    assert answer.status_code == 201
    assert Plan.objects.get(unit=group_plan["province"], year=2026).group == group_plan["group"]
    body["group"] = "NOPE"
    refused = api.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 422 and refused.json()["code"] == "unknown_group"


def test_plan_page_sets_and_shows_a_group_target(group_plan, login):
    client = login(group_plan["officer"])
    page = client.get("/ke-hoach/P66/2027/")
    assert "DTTS_T" in page.content.decode()  # the group is offered
    answer = client.post("/ke-hoach/P66/2027/", {"metric": "ACT_COMM_SESSIONS", "value": "25",
                                                 "group": "DTTS_T"}, follow=True)  # fmt: skip
    text = answer.content.decode()
    assert 'id="group-plan-DTTS_T"' in text and "Vùng DTTS" in text
    plan = Plan.objects.get(unit=group_plan["province"], year=2027)
    assert plan.group == group_plan["group"] and plan.targets.get().value == 25
