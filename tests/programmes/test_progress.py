"""Progress of plan targets at a date, worked out by hand.

On 31/03/2026, 90 of the year's 365 days have passed: a count is on track from 90/365 ≈ 24,7 %
of its target, amber from 80 % of that (≈ 19,7 %), red below.

- Đắk Lắk: 12 mobile trips; three trips by 31/03 (a fourth on 02/04 is not counted yet):
  3 ÷ 12 = 25 % ≥ 24,7 % → green.
- 50 collaborators trained, allocated 30 to commune A and 20 to B. A trained 10 (33,3 %,
  green), B 3 (15 %: 15 ÷ 24,7 = 0,61 of what is expected → red, lagging); the province
  13 ÷ 50 = 26 % → green.
- 20,000 workers counselled: 4,000 entered for 2026Q1 (ended 31/03) → 20 %: 0,81 of what is
  expected → amber. A value for 2026Q2 is not counted before 30/06.
- Commune A's register (one village): two married women 15–49, one using an IUD, so CPR = 50 %;
  births in February (the mother's third child) and March (a first child): 2 births, third-or-
  higher share 1 ÷ 2 = 50 %. Targets: CPR ≥ 70 % → 50 ÷ 70 = 71 % of it → red; third-birth
  share ≤ 10 % → 500 % of the ceiling → red; births ≤ 10 in the year → 2 ÷ 10 = 20 %, under
  the 24,7 % expected by 31/03 → green.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from danso.accounts.models import Role
from danso.programmes import aggregate, plans, progress
from danso.programmes.models import (
    Activity,
    ActivityParticipants,
    CategoryOptionCombo,
    DataElement,
    DataValue,
)
from danso.programmes.plans import Share
from danso.register import codes
from danso.register.models import Slip
from danso.register.services import accept, create_household, slip_for, submit
from danso.register.services import record as record_changes
from danso.register.validation import Change

D = datetime.date
YEAR = 2026
MARCH_31 = D(2026, 3, 31)


@pytest.fixture
def world(two_communes, make_user):
    two_communes["officer"] = make_user("tinh", Role.PROVINCE, two_communes["province"])
    return two_communes


def _activity(unit, kind, day, trained=0):
    activity = Activity.objects.create(kind=kind, title=kind, start_date=day, end_date=day,
                                       organiser=unit, ou_path=unit.path)  # fmt: skip
    if trained:
        ActivityParticipants.objects.create(activity=activity, target_group="collaborator",
                                            sex="female", count=trained)  # fmt: skip
    return activity


def _value(unit, code, coc, period, start, end, value):
    DataValue.objects.create(
        data_element=DataElement.objects.get(code=code),
        option_combo=CategoryOptionCombo.objects.get(code=coc),
        org_unit=unit, ou_path=unit.path, period=period, period_start=start, period_end=end,
        value=Decimal(value),
    )  # fmt: skip


@pytest.fixture
def activities(world):
    """The figures of the module docstring, without the register."""
    officer, province = world["officer"], world["province"]
    a, b = world["a"]["commune"], world["b"]["commune"]
    plans.set_target(officer, province, YEAR, "ACT_MOBILE_TRIPS", 12)
    for day in (D(2026, 1, 15), D(2026, 2, 20), MARCH_31, D(2026, 4, 2)):
        _activity(a, "mobile_trip", day)
    trained = plans.set_target(officer, province, YEAR, "ACT_TRAINED", 50)
    plans.allocate(officer, trained, [Share(a, Decimal(30)), Share(b, Decimal(20))])
    _activity(a, "training", D(2026, 2, 3), trained=10)
    _activity(b, "training", D(2026, 3, 10), trained=3)
    plans.set_target(officer, province, YEAR, "KCN_WORKERS_SERVED", 20000)
    q1, q2 = (D(2026, 1, 1), MARCH_31), (D(2026, 4, 1), D(2026, 6, 30))
    _value(a, "KCN_WORKERS_SERVED", "FEMALE_KINH", "2026Q1", *q1, 2500)
    _value(b, "KCN_WORKERS_SERVED", "MALE_ETHNIC_MINORITY", "2026Q1", *q1, 1500)
    _value(b, "KCN_WORKERS_SERVED", "MALE_KINH", "2026Q2", *q2, 9000)
    return world


def _rows(found, unit):
    [mine] = [p for p in found if p.unit.pk == unit.pk]
    return {r.metric.code: r for r in mine.rows}


def test_counts_against_the_share_of_the_year_elapsed(activities):
    assert progress.elapsed_share(MARCH_31) == 90 / 365
    found = progress.progress(activities["province"], YEAR, MARCH_31, activities["officer"])
    province = _rows(found, activities["province"])
    trips = province["ACT_MOBILE_TRIPS"]
    assert (trips.actual, trips.percent, trips.status) == (3, 25.0, "green")
    assert trips.expected == pytest.approx(24.6575, abs=1e-4)
    assert not trips.met
    trained = province["ACT_TRAINED"]
    assert (trained.actual, trained.percent, trained.status) == (13, 26.0, "green")
    workers = province["KCN_WORKERS_SERVED"]
    assert (workers.actual, workers.percent, workers.status) == (4000, 20.0, "amber")
    a = _rows(found, activities["a"]["commune"])["ACT_TRAINED"]
    b = _rows(found, activities["b"]["commune"])["ACT_TRAINED"]
    assert (a.actual, round(a.percent, 1), a.status) == (10, 33.3, "green")
    assert (b.actual, b.percent, b.status) == (3, 15.0, "red")
    assert progress.lagging(found) == [b]
    # By the end of the year the fourth trip counts and the range is met.
    year_end = _rows(progress.progress(activities["province"], YEAR, D(2026, 12, 31)),
                     activities["province"])  # fmt: skip
    assert year_end["ACT_MOBILE_TRIPS"].actual == 4
    assert year_end["KCN_WORKERS_SERVED"].actual == 13000


def test_indicator_of_aggregate_data_is_a_rate(activities):
    # Workers of ethnic minorities among those served in 2026Q1: 1,500 of 4,000 = 37,5 %;
    # against at least 40 %: 93,75 % of the target, compared with the whole of it → amber.
    officer, province = activities["officer"], activities["province"]
    plans.set_target(officer, province, YEAR, "KCN_ETHNIC_MINORITY_SHARE", 40)
    share = _rows(progress.progress(province, YEAR, MARCH_31, officer), province)[
        "KCN_ETHNIC_MINORITY_SHARE"
    ]
    assert (share.actual, share.percent, share.expected, share.status) == (37.5, 93.75, 100,
                                                                         "amber")  # fmt: skip


def test_grouped_values_agree_with_the_values_of_one_unit(activities):
    elements = DataElement.objects.filter(code__in=["ACT_MOBILE_TRIPS", "ACT_TRAINED",
                                                    "KCN_WORKERS_SERVED"])  # fmt: skip
    a = activities["a"]["commune"]
    by_path = aggregate.values_by_path(elements, "/VN/P66/", D(2026, 1, 1), MARCH_31)
    one = aggregate.element_values(elements, a.path, D(2026, 1, 1), MARCH_31)
    assert dict(by_path[a.path]) == {k: v for k, v in one.items() if v}


def test_progress_reads_the_subtree_in_a_fixed_number_of_queries(
    activities, django_assert_max_num_queries
):
    officer = activities["officer"]
    for key in ("a", "b"):
        commune = activities[key]["commune"]
        plans.set_target(officer, commune, YEAR, "ACT_COMM_SESSIONS", 12)
    with django_assert_max_num_queries(10):  # whatever the number of plans and targets
        progress.progress(activities["province"], YEAR, MARCH_31, officer)


def _register(village):
    """Two married women, one using an IUD; births on 10/02 (a third child) and 15/03."""
    h1 = create_household(village, number="1")
    h2 = create_household(village, number="2")

    def enter(*changes):
        slip = slip_for(village, f"{changes[0].occurred_on:%Y%m}")
        events, _warnings = record_changes(slip, list(changes), today=D(2026, 11, 1))
        return [e.person for e in events]

    def woman(name, born, **extra):
        return {"full_name": name, "sex": "2", "date_of_birth": born, "marital_status": "2",
                "relationship": "1", **extra}  # fmt: skip

    jan = D(2026, 1, 1)
    w1, w2 = enter(
        Change("registration", jan, h1, person_data=woman("W1", D(1990, 5, 1),
                                                          prior_live_births=2),
               data={"method": codes.IUD}),
        Change("registration", jan, h2, person_data=woman("W2", D(1998, 5, 1))),
    )  # fmt: skip
    for mother, household, day in ((w1, h1, D(2026, 2, 10)), (w2, h2, D(2026, 3, 15))):
        child = {"full_name": f"con {day:%d%m}", "sex": "1", "date_of_birth": day}
        enter(Change("birth", day, household, other_person=mother, person_data=child))
    for slip in Slip.objects.filter(village=village):
        submit(slip, None)
        accept(slip, None)


def test_rates_and_register_counts(world, bearer):
    commune = world["a"]["commune"]
    _register(world["a"]["village"])
    officer = world["officer"]
    for metric, value in (("cpr", 70), ("third_share", 10), ("births", 10)):
        plans.set_target(officer, commune, YEAR, metric, value)
    rows = _rows(progress.progress(world["province"], YEAR, MARCH_31, officer), commune)
    cpr, third, births = rows["cpr"], rows["third_share"], rows["births"]
    assert (cpr.actual, round(cpr.percent, 1), cpr.expected, cpr.status) == (50, 71.4, 100, "red")
    assert (third.actual, third.percent, third.target.direction) == (50, 500, "at_most")
    assert (third.status, third.met) == ("red", False)
    assert (births.actual, births.percent, births.status, births.met) == (2, 20, "green", True)
    assert births.through == MARCH_31
    # On 15/02 only January has ended: no birth yet, so no third-birth share to judge.
    early = _rows(progress.progress(world["province"], YEAR, D(2026, 2, 15), officer), commune)
    assert (early["third_share"].actual, early["third_share"].status) == (None, "none")
    assert early["cpr"].actual == 50 and early["cpr"].through == D(2026, 1, 31)

    api = bearer(officer)
    body = api.get("/api/v1/progress", {"ou": commune.uid, "as_of": "2026-03-31"}).json()
    [unit] = body["units"]
    assert {t["metric"]: t["status"] for t in unit["targets"]} == {
        "births": "green", "cpr": "red", "third_share": "red"
    }  # fmt: skip
    lagging = api.get("/api/v1/progress/lagging", {"ou": "P66", "as_of": "2026-03-31"}).json()
    assert [(r["ou"], r["metric"]) for r in lagging] == [
        (commune.uid, "third_share"), (commune.uid, "cpr")
    ]  # fmt: skip
    outside = api.get("/api/v1/progress", {"ou": "P66", "year": 2025, "as_of": "2026-03-31"})
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["code"] == "date_outside_year"


def test_dashboard_and_excel(activities, login):
    client = login(activities["officer"])
    page = client.get("/tien-do/", {"dv": "P66", "ngay": "31/03/2026"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "25,0 %" in text and "Chậm tiến độ" in text and "24,7" in text
    assert activities["b"]["commune"].name in text
    export = client.get("/tien-do/", {"dv": "P66", "ngay": "31/03/2026", "xuat": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = [r for r in book["Tiến độ"].iter_rows(values_only=True) if r and r[0]]
    lines = {(r[1], r[2]): r for r in rows if isinstance(r[0], int)}
    trips = lines[("Tỉnh Đắk Lắk", "Số chuyến dịch vụ lưu động")]
    assert (trips[5], trips[8], trips[10], trips[12]) == (12, 3, 25.0, "Đúng tiến độ")
    assert len(lines) == 5  # the province's three targets and the two communes' allocations
    lagging = [r for r in book["Chậm tiến độ"].iter_rows(values_only=True) if r and r[0] == 1]
    assert lagging[0][1] == activities["b"]["commune"].name

    assert client.get("/tien-do/", {"nam": "abc", "ngay": "31/13/2026"}).status_code == 200

    commune = login(activities["a"]["user"])
    assert commune.get("/tien-do/", {"dv": "P66"}).status_code == 404
    own = commune.get("/tien-do/", {"ngay": "31/03/2026"})
    assert own.status_code == 200 and "33,3 %" in own.content.decode()
