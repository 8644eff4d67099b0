"""Plans and targets: setting a unit's targets, allocating them to the units below (counts add
up, with a warning where they do not; rates do not), mid-year revisions that keep the original,
and who may do what."""

from decimal import Decimal

import pytest

from danso.accounts.models import Role
from danso.orgunits.models import OrgUnit
from danso.programmes import plans
from danso.programmes.models import Plan, Target
from danso.programmes.plans import PlanError, Share

YEAR = 2026


@pytest.fixture
def world(two_communes, make_user):
    two_communes["officer"] = make_user("tinh", Role.PROVINCE, two_communes["province"])
    return two_communes


def _set(world, metric, value, value_max=None, **extra):
    return plans.set_target(world["officer"], world["province"], YEAR, metric, value, value_max,
                            **extra)  # fmt: skip


def _allocate(world, target, a, b, reason=""):
    shares = [Share(world["a"]["commune"], Decimal(a)), Share(world["b"]["commune"], Decimal(b))]
    return plans.allocate(world["officer"], target, shares, reason)


def test_allocations_that_do_not_add_up_are_kept_with_the_difference(world):
    trained = _set(world, "ACT_TRAINED", 50)
    result = _allocate(world, trained, 20, 25)
    # 20 + 25 = 45 of 50: kept, with a warning that 5 are missing.
    assert result.total == 45
    assert result.warning["code"] == "allocation_does_not_add_up"
    assert result.warning["difference"] == -5
    assert result.warning["message"] == (
        "Phân bổ cho các đơn vị trực thuộc cộng lại được 45, chưa bằng chỉ tiêu của "
        "Tỉnh Đắk Lắk (50): còn thiếu 5."
    )
    child = Target.objects.get(plan__unit=world["b"]["commune"], metric="ACT_TRAINED")
    assert (child.value, child.allocated_from, child.direction) == (25, trained, "at_least")

    result = _allocate(world, trained, 20, 30)
    assert result.total == 50 and result.warning is None
    # b's share changed after it was allocated: a revision, the first allocation kept.
    b_rows = Target.objects.filter(plan__unit=world["b"]["commune"], metric="ACT_TRAINED")
    assert [(t.revision, t.value) for t in b_rows] == [(0, 25), (1, 30)]
    assert b_rows[1].reason == "Tỉnh Đắk Lắk thay đổi phân bổ"
    # a's share did not change: no new row.
    assert Target.objects.filter(plan__unit=world["a"]["commune"]).count() == 1

    over = _allocate(world, trained, 20, 33)
    assert over.warning["difference"] == 3 and over.warning["message"].endswith("vượt 3.")


def test_a_range_is_met_by_any_sum_inside_it(world):
    trips = _set(world, "ACT_MOBILE_TRIPS", 10, 12)
    assert plans.target_text(trips) == "10–12"
    assert _allocate(world, trips, 6, 5).warning is None  # 11 lies in 10–12
    assert _allocate(world, trips, 6, 7).warning["difference"] == 1  # 13: one over 12


def test_rates_are_allocated_as_rates_without_adding_up(world):
    cpr = _set(world, "cpr", 70)
    result = _allocate(world, cpr, "72.5", 68)
    assert result.warning is None and result.total is None
    assert [t.value if t else None for _u, t in result.rows[:2]] == [Decimal("72.5"), 68]
    third = _set(world, "third_share", 10)
    assert third.direction == "at_most"  # less is better: a ceiling unless said otherwise


def test_revision_keeps_the_original(world):
    workers = _set(world, "KCN_WORKERS_SERVED", 20000)
    with pytest.raises(PlanError) as refused:
        plans.revise(world["officer"], workers, 22000, reason=" ")
    assert refused.value.code == "reason_required"
    revised = plans.revise(world["officer"], workers, 22000, reason="Bổ sung kinh phí dự án")
    assert (revised.revision, revised.value) == (1, 22000)
    [line] = plans.lines(Plan.objects.get(unit=world["province"], year=YEAR))
    assert (line.original.value, line.current.value, line.revised) == (20000, 22000, True)
    assert line.current.reason == "Bổ sung kinh phí dự án"
    # A second revision from the original (someone read it before the first) is stale: the
    # current revision comes back, nothing is written.
    with pytest.raises(plans.StaleTarget) as stale:
        plans.revise(world["officer"], workers, 21000, reason="lần nữa")
    assert stale.value.code == "stale_version" and stale.value.current == revised
    assert "22.000" in stale.value.message
    assert Target.objects.filter(metric="KCN_WORKERS_SERVED").count() == 2


def test_refusals_have_codes_and_vietnamese_messages(world):
    _set(world, "ACT_TRAINED", 50)
    cases = [
        (("ACT_TRAINED", 60), "already_set"),
        (("NO_SUCH_CODE", 1), "unknown_metric"),
        (("births", -1), "negative"),
        (("ACT_MOBILE_TRIPS", 12, 10), "range_reversed"),
        (("WU_DV_DETECTED", 5), "forbidden"),  # sensitive, and the officer lacks the permission
    ]
    for args, code in cases:
        with pytest.raises(PlanError) as refused:
            _set(world, *args)
        assert refused.value.code == code
    assert refused.value.message == "Chỉ tiêu này cần quyền xem chương trình nhạy cảm."


def test_commune_officer_sets_its_own_plan_but_not_the_province_s(world):
    commune_officer = world["a"]["user"]
    with pytest.raises(PlanError) as refused:
        plans.set_target(commune_officer, world["province"], YEAR, "births", 100)
    assert refused.value.code == "forbidden"
    own = plans.set_target(commune_officer, world["a"]["commune"], YEAR, "ACT_COMM_SESSIONS", 24)
    assert own.plan.ou_path == world["a"]["commune"].path
    # A target allocated from the province is revised by the province, not by the commune.
    trained = _set(world, "ACT_TRAINED", 50)
    _allocate(world, trained, 25, 25)
    mine = Target.objects.get(plan__unit=world["a"]["commune"], metric="ACT_TRAINED")
    with pytest.raises(PlanError) as refused:
        plans.revise(commune_officer, mine, 30, reason="muốn tăng")
    assert refused.value.code == "forbidden"
    assert plans.revise(world["officer"], mine, 30, reason="tăng").revision == 1


def test_allocation_goes_only_to_units_directly_below(world):
    trained = _set(world, "ACT_TRAINED", 50)
    elsewhere = OrgUnit.objects.filter(parent__uid="P01", level="commune").first()
    with pytest.raises(PlanError) as refused:
        plans.allocate(world["officer"], trained, [Share(elsewhere, Decimal(5))])
    assert refused.value.code == "not_a_child_unit"
    # The villages of a commune are below the commune, not the province.
    with pytest.raises(PlanError):
        plans.allocate(world["officer"], trained, [Share(world["a"]["village"], Decimal(5))])


def test_plan_pages_are_scoped(world, login):
    trained = _set(world, "ACT_TRAINED", 50)
    _allocate(world, trained, 20, 25)
    province = login(world["officer"])
    page = province.get(f"/ke-hoach/P66/{YEAR}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Số người được tập huấn" in text and "còn thiếu 5" in text
    allocation = province.get(f"/chi-tieu/{trained.pk}/phan-bo/")
    assert allocation.status_code == 200
    assert world["a"]["commune"].name in allocation.content.decode()
    commune = login(world["a"]["user"])
    assert commune.get(f"/ke-hoach/P66/{YEAR}/").status_code == 404
    assert commune.get(f"/ke-hoach/{world['b']['commune'].uid}/{YEAR}/").status_code == 404
    assert commune.get(f"/chi-tieu/{trained.pk}/phan-bo/").status_code == 404
    # The commune sees its own plan with the allocated target, and may not post to the province.
    own = commune.get(f"/ke-hoach/{world['a']['commune'].uid}/{YEAR}/")
    assert own.status_code == 200 and "Tỉnh Đắk Lắk" in own.content.decode()
    posted = commune.post(f"/ke-hoach/P66/{YEAR}/", {"metric": "births", "value": "1"})
    assert posted.status_code == 404


def test_province_officer_sets_and_allocates_through_the_pages(world, login):
    client = login(world["officer"])
    response = client.post(
        f"/ke-hoach/P66/{YEAR}/",
        {"metric": "KCN_WORKERS_SERVED", "value": "20.000", "value_max": "", "direction": ""},
    )
    assert response.status_code == 302
    target = Target.objects.get(plan__unit=world["province"], metric="KCN_WORKERS_SERVED")
    assert target.value == 20000  # "20.000" as officials write it
    a, b = world["a"]["commune"], world["b"]["commune"]
    shares = {f"u_{a.uid}": "12.000", f"u_{b.uid}": "7.500"}
    response = client.post(f"/chi-tieu/{target.pk}/phan-bo/", shares, follow=True)
    assert "còn thiếu 500" in response.content.decode()
    revision = {"value": "21.000", "reason": "Giữa năm: thêm khu công nghiệp"}
    revise = client.post(f"/chi-tieu/{target.pk}/dieu-chinh/", revision)
    assert revise.status_code == 302
    page = client.get(f"/ke-hoach/P66/{YEAR}/").content.decode()
    assert "20.000" in page and "21.000" in page and "Giữa năm: thêm khu công nghiệp" in page


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_api_sets_revises_and_allocates(world, bearer):
    api = bearer(world["officer"])
    province_targets = f"/api/v1/plans/P66/{YEAR}/targets"
    created = _post(api, province_targets, {"metric": "ACT_TRAINED", "value": 50})
    assert created.status_code == 201, created.content
    target = created.json()
    assert (target["metric"], target["value"], target["revision"]) == ("ACT_TRAINED", 50, 0)
    a, b = world["a"]["commune"], world["b"]["commune"]
    shares = [{"ou": a.uid, "value": 20}, {"ou": b.uid, "value": 25}]
    allocated = _post(api, f"/api/v1/targets/{target['id']}/allocate", {"allocations": shares})
    body = allocated.json()
    assert allocated.status_code == 200, body
    assert body["warnings"][0]["code"] == "allocation_does_not_add_up"
    assert body["warnings"][0]["difference"] == -5
    assert {r["ou"]: r["value"] for r in body["rows"] if r["value"] is not None} == {
        a.uid: 20,
        b.uid: 25,
    }
    revised = _post(
        api, f"/api/v1/targets/{target['id']}/revise", {"value": 60, "reason": "Bổ sung"}
    )
    assert revised.status_code == 201 and revised.json()["revision"] == 1
    plan = api.get(f"/api/v1/plans/P66/{YEAR}").json()
    [line] = plan["targets"]
    assert (line["original"]["value"], line["current"]["value"]) == (50, 60)

    commune = bearer(world["a"]["user"])
    births = {"metric": "births", "value": 1}
    refused = _post(commune, province_targets, births)
    assert refused.status_code == 404  # the province lies outside the commune's scope
    other = _post(commune, f"/api/v1/plans/{b.uid}/{YEAR}/targets", births)
    assert other.status_code == 404
    wrong = _post(api, province_targets, {"metric": "ACT_TRAINED", "value": 5})
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["code"] == "already_set"
    # The commune may not revise what the province allocated to it: 403 with a code.
    mine = Target.objects.get(plan__unit=a, metric="ACT_TRAINED")
    forbidden = _post(commune, f"/api/v1/targets/{mine.pk}/revise", {"value": 1, "reason": "x"})
    assert forbidden.status_code == 403
    assert forbidden.json()["errors"][0]["code"] == "forbidden"
