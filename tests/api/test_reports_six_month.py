"""`/api/v1/reports` for a half-year: the six-month summary (sơ kết 6 tháng) of a quarterly
form, marked as a derived local report, from the statistics tests' register
(tests/statistics/test_reports.py).

By hand: S1 (January–June) has one birth, the girl born in Tuy Hòa (C22015) on 01/05, none in
Ea Súp (C24211); residents on 30/06: 5 in Ea Súp + 3 in Tuy Hòa = 8. S2 (July–December): the
boy born in Ea Súp, G1's death, the marriage of W2 and M2 (2 people married), W4 moving in and
M3 moving out; residents on 31/12: 8."""

import pytest

from danso.accounts.models import Role
from tests.statistics.conftest import register  # noqa: F401  (the shared fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("register")]


@pytest.fixture
def api(make_user, unit, bearer):
    return bearer(make_user("tinh", Role.PROVINCE, unit("P66"), sensitive=True))


def _rows(report: dict) -> dict:
    return {row["code"]: row["values"] for row in report["rows"]}


def test_s1_and_s2_of_01_dsh(api):
    s1 = api.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025S1"})
    assert s1.status_code == 200, s1.content
    report = s1.json()
    assert report["derived"] is True
    assert "không phải biểu của Thông tư 01/2022/TT-BYT" in report["note"]
    assert "sơ kết 6 tháng" in report["title"]
    assert report["pe"] == "2025S1"
    columns = [c["uid"] for c in report["columns"]]
    a, b = columns.index("C24211"), columns.index("C22015")
    rows = _rows(report)
    assert (rows["births"][0], rows["births"][a], rows["births"][b]) == (1, 0, 1)
    assert (rows["residents"][0], rows["residents"][a], rows["residents"][b]) == (8, 5, 3)
    s2 = _rows(api.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025S2"}).json())
    assert [s2[c][0] for c in ("births", "deaths", "married", "moved_in", "moved_out")] == [
        1, 1, 2, 1, 1,
    ]  # fmt: skip
    assert s2["residents"][0] == 8


def test_a_quarter_is_not_derived(api):
    report = api.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025Q3"}).json()
    assert report["derived"] is False and report["note"] == ""
    assert _rows(report)["births"][0] == 1  # the boy of 10/08


def test_a_monthly_form_refuses_a_half_year(api):
    answer = api.get("/api/v1/reports/01-DSX", {"ou": "C24211", "pe": "2025S1"})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == "wrong_period_type"


def test_csv_of_a_half_year(api):
    answer = api.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025S1", "format": "csv"})
    assert answer.status_code == 200
    assert answer["X-Danso-Derived-Report"] == "six-month-summary"
    births = next(r for r in answer.content.decode("utf-8-sig").splitlines() if ",births," in r)
    assert births.split(",")[4:6] == ["1", "1"]  # P66, then C22015 (Tuy Hòa)
    quarter = api.get("/api/v1/reports/01-DSH", {"ou": "P66", "pe": "2025Q2", "format": "csv"})
    assert "X-Danso-Derived-Report" not in quarter
