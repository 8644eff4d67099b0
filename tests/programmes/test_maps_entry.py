"""Which map a period is entered in (programmes/maps.py): old units for periods ending by
30/06/2025, new units for periods ending from 01/07/2025; plans for the years a unit exists in.
"""

import json

import pytest

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.programmes import entry, plans
from danso.programmes.models import DataSet, DataValue, Target
from danso.statistics.periods import Period

WARD_2019 = "LC24118"  # Phường Tân Lập, Thành phố Buôn Ma Thuột (before the reform)
DISTRICT_2019 = "LD643"  # Thành phố Buôn Ma Thuột


@pytest.fixture
def officer(make_user):
    return make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66"))


@pytest.fixture
def xa():
    return DataSet.objects.get(code="XA_HOAT_DONG")


def _save(user, data_set, uid, period):
    unit = OrgUnit.objects.get(uid=uid)
    return entry.save(user, data_set, unit, Period.parse(period),
                      {("XA_CLUBS_ACTIVE", "default"): "3"})  # fmt: skip


def test_old_ward_takes_periods_ending_before_the_reform(officer, xa):
    assert _save(officer, xa, WARD_2019, "2025Q2") == {}
    assert _save(officer, xa, WARD_2019, "2019Q4") == {}
    stored = DataValue.objects.filter(org_unit__uid=WARD_2019).values_list("period", "value")
    assert sorted((p, int(v)) for p, v in stored) == [("2019Q4", 3), ("2025Q2", 3)]
    with pytest.raises(entry.EntryError) as refused:
        _save(officer, xa, WARD_2019, "2025Q3")
    assert refused.value.code == "unit_closed_for_period"
    assert "30/06/2025" in refused.value.message
    assert not DataValue.objects.filter(org_unit__uid=WARD_2019, period="2025Q3").exists()


def test_new_commune_takes_periods_ending_from_the_reform(officer, xa):
    new = OrgUnit.objects.filter(parent__uid="P66", unit_type="phuong").first()
    assert _save(officer, xa, new.uid, "2025Q3") == {}
    with pytest.raises(entry.EntryError) as refused:
        _save(officer, xa, new.uid, "2025Q2")
    assert refused.value.code == "unit_not_yet_in_force"
    assert "01/07/2025" in refused.value.message


def test_the_year_2025_is_reported_on_the_new_map(db):
    hoi = Period.parse("2025")  # ends 31/12/2025: the new units'
    old, new = OrgUnit.objects.get(uid="LP66"), OrgUnit.objects.get(uid="P66")
    from danso.programmes import maps

    maps.check_period(new, hoi.start, hoi.end)
    with pytest.raises(maps.MapError):
        maps.check_period(old, hoi.start, hoi.end)
    half = Period.parse("2025S1")
    maps.check_period(old, half.start, half.end)


def test_web_and_api_refuse_with_message_and_code(officer, xa, login, bearer):
    page = login(officer).get(f"/so-lieu/XA_HOAT_DONG/{WARD_2019}/2025Q3/", follow=True)
    text = page.content.decode()
    assert "tồn tại đến 30/06/2025" in text
    api = bearer(officer)
    answer = api.get(f"/api/v1/dataEntry/XA_HOAT_DONG/{WARD_2019}/2025Q3")
    assert answer.status_code == 400
    assert "unit_closed_for_period" in answer.json()["detail"]
    ok = api.get(f"/api/v1/dataEntry/XA_HOAT_DONG/{WARD_2019}/2024Q4")
    assert ok.status_code == 200


def test_plans_for_the_years_a_unit_exists_in(officer, bearer):
    district = OrgUnit.objects.get(uid=DISTRICT_2019)
    target = plans.set_target(officer, district, 2019, "ACT_COMM_SESSIONS", 40)
    assert target.plan.year == 2019 and target.value == 40
    plans.set_target(officer, OrgUnit.objects.get(uid="LP66"), 2025, "ACT_COMM_SESSIONS", 400)
    plans.set_target(officer, OrgUnit.objects.get(uid="P66"), 2025, "ACT_COMM_SESSIONS", 300)
    with pytest.raises(plans.PlanError) as closed:
        plans.set_target(officer, district, 2026, "ACT_COMM_SESSIONS", 40)
    assert closed.value.code == "unit_closed_for_period"
    with pytest.raises(plans.PlanError) as early:
        plans.set_target(officer, OrgUnit.objects.get(uid="P66"), 2024, "ACT_COMM_SESSIONS", 9)
    assert early.value.code == "unit_not_yet_in_force"
    answer = bearer(officer).post(
        f"/api/v1/plans/{DISTRICT_2019}/2026/targets",
        json.dumps({"metric": "ACT_COMM_SESSIONS", "value": 40}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "unit_closed_for_period"
    assert Target.objects.filter(plan__unit=district).count() == 1


def test_an_old_unit_outside_the_area_is_not_reached(make_user, xa):
    other = make_user("tinh_khac", Role.PROVINCE, OrgUnit.objects.get(uid="P01"))
    with pytest.raises(entry.EntryError) as refused:
        _save(other, xa, WARD_2019, "2024Q4")
    assert refused.value.code == "forbidden"
