"""The six-month summary of the quarterly forms: 01-DSH for 2025S1 and 2025S2 from the
statistics tests' register (tests/statistics/test_reports.py), a derived local report.

By hand: S1 (January–June) has the girl born in Tuy Hòa on 01/05 and nothing else; S2
(July–December) the boy in Ea Súp, G1's death, the marriage of W2 and M2 (2 people), W4 moving
in and M3 moving out; residents on 30/06: 5 + 3, on 31/12: 5 + 3."""

import io

import pytest
from openpyxl import load_workbook

from danso.analysis.six_month import six_month_summary
from danso.statistics.forms import DSH_01, DSX_01
from danso.statistics.periods import Period

pytestmark = pytest.mark.django_db


def test_six_month_summary_of_01_dsh(register, officer, login):
    client = login(officer)
    page = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025S1"})
    html = page.content.decode()
    assert "sơ kết 6 tháng (tổng hợp từ các quý)" in html
    assert "không phải biểu của Thông tư 01/2022/TT-BYT" in html
    assert "Chưa nộp" not in html  # no reporting cycle: no submissions listed, no button
    quarter = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q2"})
    assert "Chưa nộp" in quarter.content.decode()  # what a quarter shows
    rows = {row.code: [c.value for c in cells] for row, _label, _unit, cells in
            page.context["lines"]}  # fmt: skip
    columns = [c.uid for c in page.context["report"].columns]
    a, b = columns.index("C24211"), columns.index("C22015")
    assert (rows["births"][0], rows["births"][a], rows["births"][b]) == (1, 0, 1)
    assert rows["residents"][0] == 8
    s2 = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025S2"}).context
    s2_rows = {row.code: [c.value for c in cells] for row, _l, _u, cells in s2["lines"]}
    assert [s2_rows[c][0] for c in ("births", "deaths", "married", "moved_in", "moved_out")] == [
        1, 1, 2, 1, 1,
    ]  # fmt: skip
    xlsx = client.get("/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025S1", "xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "sơ kết 6 tháng" in sheet.cell(4, 1).value.lower()


def test_only_quarterly_forms_have_one():
    assert six_month_summary(DSX_01, Period.parse("2025S1")) is None  # a monthly form
    assert six_month_summary(DSH_01, Period.parse("2025Q1")) is None  # a quarter as it is
    assert "half" in six_month_summary(DSH_01, Period.parse("2025S2")).period_types


def test_a_report_beside_the_same_period_last_year(register, officer, login):
    """01-DSH for 2025Q3 beside 2024Q3 (before anyone was registered): births 1 against 0
    (+1), residents 8 against 0 (+8), married women 15–49 4 against 0 (+4)."""
    page = login(officer).get(
        "/bao-cao/", {"bieu": "01-DSH", "dv": "P66", "ky": "2025Q3", "cungky": "1"}
    )
    compared = {r["code"]: r for r in page.context["previous_year"]["rows"]}
    for code, expected in [
        ("births", [1, 0, 1]),
        ("residents", [8, 0, 8]),
        ("married_women_15_49", [4, 0, 4]),
    ]:
        row = compared[code]
        assert [c.value for c in row["cells"]] + [row["change"]] == expected, code
    assert page.context["previous_year"]["period"].id == "2024Q3"
    assert "So sánh với cùng kỳ năm trước" in page.content.decode()
    assert "Quý 3/2025 / Quý 3/2024" in page.content.decode()
