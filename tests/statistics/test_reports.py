"""Every cell of the quarterly form 01-DSH against figures worked out by hand.

A small register in Đắk Lắk (66), in two villages of two current communes that came from two
different old provinces (Đắk Lắk and Phú Yên):

village A1 (Xã Ea Súp, formerly Thị trấn Ea Súp, old Đắk Lắk)
  H1 family: M1 man 1990 head; W1 woman 1994 married, 1 earlier child, IUD when registered;
             G1 woman 1950 widowed
  H2 family: W2 woman born 2008-03-01; M2 man 2004
village B1 (Phường Tuy Hòa, formerly in Phú Yên)
  H3 collective: M3 man 1985; W3 woman 1988 married, no method
All registered on 01/01/2025. Before the quarter: W3 gives birth to a girl on 01/05/2025.
In 2025Q3: W1 gives birth to a boy (10/08, her 2nd child, she is 31); W2 (17) and M2 marry
(15/07); G1 is checked (05/07) and dies (01/09); W2 has a pre-marital check (01/07);
W3 starts the pill (20/07) and has an abortion (10/07); W4 (1999, married) moves into H3 (01/08,
intends to stay); M3 moves out (15/09).

By hand, on 30/09/2025:        A1   B1   total
  households                    2    1    3
  of which family               2    0    2
  residents                     5    3    8   (A: M1 W1 boy W2 M2; B: W3 girl W4)
  married women 15–49           2    2    4   (W1 W2 | W3 W4)
  users (any / modern)          1    1    2   (W1 IUD | W3 pill)
  in the quarter: births 1 (boy, 2nd child, mother not under 20) in A; deaths 1 in A;
  married 2 (W2 and M2: one marriage entered once marries both), child marriages 2 (both
  people of W2's marriage at 17) in A; pre-marital checks 1 in A; moved in 1, out 1 in B;
  new modern users 1 (pill) in B; abortions 1 in B; elderly checked 1 in A.
  residents on 30/06: A 5 (M1 W1 G1 W2 M2), B 3 (M3 W3 girl): the stock identity holds.
"""

import datetime

import pytest

from danso.orgunits.models import OrgUnit
from danso.register.services import accept, record, slip_for, submit
from danso.register.validation import Change
from danso.statistics.forms import DSH_01
from danso.statistics.periods import Period, PeriodError
from danso.statistics.report import build

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 1)


EXPECTED = {  # code: (A1's commune, B1's commune)
    "households": (2, 1), "family_households": (2, 0), "residents": (5, 3),
    "married_women_15_49": (2, 2), "births": (1, 0), "births_male": (1, 0),
    "births_female": (0, 0), "births_order2": (1, 0), "births_order3plus": (0, 0),
    "births_mother_u20": (0, 0), "deaths": (1, 0), "married": (2, 0),
    "child_marriages": (2, 0), "consanguineous": (0, 0), "premarital_checks": (1, 0),
    "divorced": (0, 0), "moved_in": (0, 1), "moved_out": (0, 1), "new_users_modern": (0, 1),
    "new_users_1": (0, 0), "new_users_2": (0, 0), "new_users_3": (0, 0), "new_users_4": (0, 0),
    "new_users_5": (0, 1), "new_users_6": (0, 0), "new_users_7": (0, 0), "users": (1, 1),
    "users_modern": (1, 1), "abortions": (0, 1), "prenatal_screened": (0, 0),
    "newborn_screened": (0, 0), "elderly_checked": (1, 0),
}  # fmt: skip


def cells(report):
    uids = [c.uid for c in report.columns]
    return {row.code: dict(zip(uids, (c.value for c in values), strict=True))
            for row, _unit, values in report.rows}  # fmt: skip


def test_every_cell_of_01_dsh_for_the_province(register):
    report = build(DSH_01, OrgUnit.objects.get(uid="P66"), Period.parse("2025Q3"))
    got = cells(report)
    assert set(got) == set(EXPECTED)  # the form shows exactly these rows
    a, b = register["A"].uid, register["B"].uid
    for code, (in_a, in_b) in EXPECTED.items():
        assert (got[code]["P66"], got[code][a], got[code][b]) == (in_a + in_b, in_a, in_b), code
    others = [c.uid for c in report.columns if c.uid not in ("P66", a, b)]
    assert all(got[code][uid] == 0 for code in EXPECTED for uid in others)
    assert report.warnings == []  # boys + girls = births, parts ≤ totals, stock identity


def test_the_same_people_in_the_old_units(register):
    """Before/after the reform: the old provinces split the same figures exactly."""
    quarter = Period.parse("2025Q3")
    old_dak_lak = cells(build(DSH_01, OrgUnit.objects.get(uid="LP66"), quarter))
    old_phu_yen = cells(build(DSH_01, OrgUnit.objects.get(uid="LP54"), quarter))
    for code, (in_a, in_b) in EXPECTED.items():
        assert old_dak_lak[code]["LP66"] == in_a, code
        assert old_phu_yen[code]["LP54"] == in_b, code
    assert old_dak_lak["births"]["LD646"] == 1  # the old district of Ea Súp


def test_a_province_is_the_sum_of_its_communes(register):
    report = build(DSH_01, OrgUnit.objects.get(uid="P66"), Period.parse("2025Q3"))
    for _row, _unit, values in report.rows:
        assert values[0].value == sum(c.value for c in values[1:])


def test_derived_indicators_show_their_parts(register):
    from danso.statistics.compute import compute

    figures = compute(OrgUnit.objects.get(uid="C22015"), Period.parse("2025Q3"))
    value, num, den = figures.indicator("C22015", "cpr")
    assert (num, den, value) == (1, 2, 50.0)
    value, num, den = figures.indicator("C22015", "cdr")  # no deaths in B
    assert (value, num) == (0.0, 0)
    assert figures.indicator("C22015", "srb")[0] is None  # no births: no ratio


def test_rates_divide_by_the_average_population_of_the_period(register):
    """GSO's average population, (start + end) ÷ 2. On 30/06/2025 the province had 8 residents
    (A: M1 W1 G1 W2 M2; B: M3 W3 girl), on 30/09/2025 8 again (A: M1 W1 boy W2 M2; B: W3 girl
    W4), so 8; W4 (26, arrived 01/08) is the only woman of 25–29: (0 + 1) ÷ 2 = 0.5. One birth
    in the 92 days of Q3: CBR = 1 ÷ 8 × 1000 × 365 ÷ 92 ‰. W1 (31) is the only woman of 30–34
    at both ends and bore the boy: TFR = 5 × (1 ÷ 1) × 365 ÷ 92."""
    from danso.statistics.compute import compute

    figures = compute(OrgUnit.objects.get(uid="P66"), Period.parse("2025Q3"))
    assert figures.value("P66", "residents_mid") == 8
    assert figures.value("P66", "women_mid_25_29") == 0.5
    assert figures.value("P66", "women_mid_30_34") == 1
    value, num, den = figures.indicator("P66", "cbr")
    assert (num, den) == (1, 8) and value == pytest.approx(1 / 8 * 1000 * 365 / 92)
    assert figures.indicator("P66", "tfr")[0] == pytest.approx(5 * 365 / 92, abs=1e-4)


def test_quality_warning_when_parts_exceed_totals(register):
    from danso.statistics.report import quality_checks

    report = build(DSH_01, OrgUnit.objects.get(uid="C24211"), Period.parse("2025Q3"))
    report.figures.values["C24211"]["births_male"] = 2  # as if a boy were counted twice
    codes_found = {w.code for w in quality_checks(DSH_01, report.figures)}
    assert {"sex_sum", "part_exceeds_total"} <= codes_found


@pytest.mark.parametrize(
    ("pe", "start", "end"),
    [("202406", D(2024, 6, 1), D(2024, 6, 30)), ("2024Q2", D(2024, 4, 1), D(2024, 6, 30)),
     ("2024S2", D(2024, 7, 1), D(2024, 12, 31)), ("2024", D(2024, 1, 1), D(2024, 12, 31))],
)  # fmt: skip
def test_dhis2_period_identifiers(pe, start, end):
    period = Period.parse(pe)
    assert (period.start, period.end) == (start, end)


def test_bad_period_is_refused():
    with pytest.raises(PeriodError):
        Period.parse("2024Q5")


def test_report_api_json_csv_and_scope(register, make_user, bearer):
    officer_a = bearer(make_user("xa_a", "commune", register["A"]))
    province = bearer(make_user("tinh", "province", OrgUnit.objects.get(uid="P66")))
    answer = province.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025Q3"}).json()
    births = next(r for r in answer["rows"] if r["code"] == "births")
    assert births["values"][0] == 1 and answer["columns"][0]["uid"] == "P66"
    assert answer["as_of"] and answer["warnings"] == []
    csv_text = province.get(
        "/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025Q3", "format": "csv"}
    ).content.decode()
    import csv

    table = list(csv.DictReader(csv_text.lstrip("\ufeff").splitlines()))
    assert next(r for r in table if r["code"] == "births")["P66"] == "1"
    assert officer_a.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025Q3"}).status_code == 404
    assert (
        officer_a.get(
            "/api/v1/reports/01-DSH", {"ou": register["B"].uid, "pe": "2025Q3"}
        ).status_code
        == 404
    )
    own = officer_a.get("/api/v1/reports/03-DSX", {"ou": register["A"].uid, "pe": "2025"})
    assert own.status_code == 200
    assert province.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025Q7"}).status_code == 422


def test_excel_export_in_the_official_layout(register, make_user, login):
    import io

    from openpyxl import load_workbook

    client = login(make_user("tinh", "province", OrgUnit.objects.get(uid="P66")))
    response = client.get(
        "/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q3", "xuat": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Biểu 01-DSH" and "Tỉnh Đắk Lắk" in values[1][0]
    assert values[4][0] == "Quý 3/2025"
    births = next(r for r in values if r[1] == "Tổng số trẻ sinh ra trong quý")
    assert births[3] == 1
    assert any(r[1] == "Người lập biểu" for r in values if len(r) > 1)
    page = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q3"})
    assert "Tổng số trẻ sinh ra trong quý" in page.content.decode()


def test_newborn_screening_list_03_ds_csyt(register, make_user, login):
    import io

    from openpyxl import load_workbook

    from danso.register.models import Household, Person
    from danso.statistics.lists import NEWBORNS, list_rows

    household = Household.objects.get(number="1")
    boy = Person.objects.get(full_name="boy")
    slip = slip_for(household.village, "202611")  # reported late, on this month's slip
    record(slip, [Change("newborn_screening", D(2025, 8, 12), household, person=boy,
                         data={"results": {"hypothyroidism": "0", "g6pd": "2"}})],
           today=TODAY)  # fmt: skip
    submit(slip, None)
    accept(slip, None)
    rows = list_rows(NEWBORNS, OrgUnit.objects.get(uid="P66"), Period.parse("2025Q3"))
    # mother's card, name, residence, birth date; child, born (boy | girl); the five results
    assert rows == [["", "W1", "Thôn A1", "01/01/1994", "boy", "10/08/2025", "",
                     "Bình thường", "Nguy cơ cao", "", "", ""]]  # fmt: skip
    client = login(make_user("tinh", "province", OrgUnit.objects.get(uid="P66")))
    response = client.get(
        "/bao-cao/danh-sach/", {"bieu": "03-DS/CSYT", "dv": "P66", "ky": "2025Q3", "xuat": "xlsx"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    data = list(sheet.iter_rows(min_row=7, max_row=7, values_only=True))[0]
    assert data[:8] == (1, None, "W1", "Thôn A1", "01/01/1994", "boy", "10/08/2025", None)
    assert data[8:10] == ("Bình thường", "Nguy cơ cao")


def test_provisional_health_facility_lists_01_and_02_ds_csyt(register, make_user, login):
    """01-DS/CSYT lists W3's pill (20/07/2025, in B); 02-DS/CSYT a prenatal screening of W1
    recorded here (A, 03/07/2025): both in the province's list, each in its own commune's."""
    from danso.register.models import Household, Person
    from danso.statistics.lists import NEW_USERS, PRENATAL, list_rows

    household = Household.objects.get(number="1")
    slip = slip_for(household.village, "202611")
    record(slip, [Change("prenatal_screening", D(2025, 7, 3), household,
                         person=Person.objects.get(full_name="W1"),
                         data={"results": {"down": "1", "thalassemia": "2"}})],
           today=TODAY)  # fmt: skip
    submit(slip, None)
    accept(slip, None)
    q3 = Period.parse("2025Q3")
    province = OrgUnit.objects.get(uid="P66")
    assert list_rows(NEW_USERS, province, q3) == [
        ["", "W3", "Khu phố B1", "01/01/1988", "20/07/2025", "Thuốc uống tránh thai", ""]
    ]
    assert list_rows(PRENATAL, province, q3) == [
        ["", "W1", "Thôn A1", "01/01/1994", "03/07/2025", "Nguy cơ thấp", "", "", "Nguy cơ cao"]
    ]
    assert list_rows(PRENATAL, register["B"], q3) == []
    client = login(make_user("tinh", "province", province))
    page = client.get("/bao-cao/danh-sach/", {"bieu": "01-DS/CSYT", "dv": "P66", "ky": "2025Q3"})
    assert "Danh sách người mới sử dụng biện pháp tránh thai" in page.content.decode()
    assert client.get("/bao-cao/danh-sach/", {"bieu": "09-DS/CSYT"}).status_code == 404
    api = client.get("/api/v1/lists", {"form": "02-DS/CSYT", "ou": "P66", "pe": "2025Q3"}).json()
    assert api["provisional"] and api["rows"] == list_rows(PRENATAL, province, q3)
    assert api["columns"][:2] == ["Mã số thẻ BHYT", "Họ và tên"]
    officer_b = login(make_user("xa_b", "commune", register["B"]))
    assert (
        officer_b.get(
            "/api/v1/lists", {"form": "02-DS/CSYT", "ou": "P66", "pe": "2025Q3"}
        ).status_code
        == 404
    )


def test_large_units_are_computed_in_the_background(register, make_user, login, monkeypatch):
    from django.core.management import call_command

    from danso.statistics import jobs
    from danso.statistics.models import ReportJob

    monkeypatch.setattr(jobs, "BACKGROUND_VILLAGES", 1)  # the province has 2 villages here
    monkeypatch.setattr(  # keep the test's connection (see test_import_export)
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    client = login(make_user("tinh", "province", OrgUnit.objects.get(uid="P66")))
    response = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q3"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/bao-cao/tinh-nen/{job.pk}/"
    waiting = client.get(response.url).content.decode()
    assert "<progress" in waiting
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert job.status == "done"
    births = next(r for r in job.result["rows"] if r["code"] == "births")
    assert births["values"][0] == 1
    page = client.get(response.url).content.decode()
    assert "Tổng số trẻ sinh ra trong quý" in page and "<progress" not in page
    # The job stored the villages' counts: the same report is now read at once, in the page.
    again = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q3"})
    assert again.status_code == 200 and ReportJob.objects.count() == 1


def test_every_cell_of_the_monthly_commune_form_01_dsx(register):
    """July 2025, by hand: in A (Xã Ea Súp) W2's pre-marital check (01/07), G1's check (05/07)
    and the marriage of W2 (17, a child marriage) and M2 (15/07); in B (Phường Tuy Hòa) W3's
    abortion (10/07) and her pill (20/07). Nothing else happened in July."""
    from danso.statistics.forms import DSX_01

    july = Period.parse("202507")
    expected = {
        "C24211": {"married": 2, "child_marriages": 2, "premarital_checks": 1,
                   "elderly_checked": 1},
        "C22015": {"abortions": 1, "new_users": 1, "new_users_modern": 1},
    }  # fmt: skip
    for uid, nonzero in expected.items():
        report = build(DSX_01, OrgUnit.objects.get(uid=uid), july)
        got = {code: values[uid] for code, values in cells(report).items()}
        assert got == {row.code: nonzero.get(row.code, 0) for row in DSX_01.rows}, uid
        assert [c.uid for c in report.columns] == [uid]


def test_the_quarterly_commune_form_02_dsx_has_a_column_per_village(register):
    from danso.statistics.forms import DSX_02

    report = build(DSX_02, register["A"], Period.parse("2025Q3"))
    village = OrgUnit.objects.get(uid__endswith="-A1")
    assert [c.uid for c in report.columns] == [register["A"].uid, village.uid]
    got = cells(report)
    for code, (in_a, _in_b) in EXPECTED.items():
        assert (got[code][register["A"].uid], got[code][village.uid]) == (in_a, in_a), code
