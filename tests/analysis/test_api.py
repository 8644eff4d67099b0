"""GET /api/v1/analytics: the engine's figures (test_engine.py has them by hand) in DHIS2's
shape, as CSV and Excel, with its refusals; scoped by the caller's token."""

import csv
import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from danso.accounts.models import Role

pytestmark = pytest.mark.django_db
A, B = "C24211", "C22015"
URL = "/api/v1/analytics"


def test_dhis2_shaped_answer_with_parts_and_as_of(register, officer, bearer):
    response = bearer(officer).get(
        URL, {"dimension": ["dx:cpr;births", "pe:2025Q3", "ou:P66;LEVEL-3"], "filter": []}
    )
    assert response.status_code == 200
    body = response.json()
    assert [h["name"] for h in body["headers"]] == [
        "dx", "pe", "ou", "value", "numerator", "denominator", "caution", "estimate",
    ]  # fmt: skip
    rows = {(r[0], r[2]): r[3:] for r in body["rows"]}
    value, numerator, denominator, caution, estimate = rows[("cpr", A)]
    assert (value, numerator, denominator) == (50.0, 1, 2) and caution and estimate is None
    assert rows[("births", A)][:3] == [1, None, None]
    assert body["metaData"]["items"]["cpr"]["rate"] is True
    assert body["metaData"]["dimensions"]["pe"] == ["2025Q3"]
    assert datetime.datetime.fromisoformat(body["as_of"]).tzinfo is not None
    assert body["height"] == len(body["rows"])


def test_shortcuts_and_a_filter(register, officer, bearer):
    response = bearer(officer).get(URL, {"dx": "cpr", "pe": "2025Q3", "filter": f"ou:{A};{B}"})
    body = response.json()
    assert [h["name"] for h in body["headers"]][:2] == ["dx", "pe"]
    assert body["rows"] == [["cpr", "2025Q3", 50.0, 2, 4, body["rows"][0][-2], None]]
    assert body["metaData"]["filters"]["ou"].startswith("Xã Ea Súp")


def test_csv_flat_and_as_a_table(register, officer, bearer):
    client = bearer(officer)
    params = {"dimension": ["dx:births;residents", "pe:2025Q2;2025Q3", f"ou:{A};{B}"]}
    flat = client.get(URL, {**params, "format": "csv"})
    assert flat["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(flat.content.decode("utf-8-sig"))))
    assert lines[0] == ["dx", "dxname", "pe", "pename", "ou", "ouname", "value", "numerator",
                        "denominator", "caution", "estimate"]  # fmt: skip
    assert ["births", "Số trẻ sinh ra", "2025Q2", "Quý 2/2025", B, "Phường Tuy Hòa", "1", "",
            "", "", ""] in lines  # fmt: skip
    table = client.get(URL, {**params, "format": "csv", "tableLayout": "true",
                             "rows": "ou;dx", "columns": "pe"})  # fmt: skip
    lines = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert lines[0] == ["", "", "Quý 2/2025", "Quý 3/2025"]
    assert ["Xã Ea Súp", "Số trẻ sinh ra", "0", "1"] in lines
    assert ["Phường Tuy Hòa", "Tổng số nhân khẩu thực tế thường trú", "3", "3"] in lines


def test_xlsx_pivot_with_filters_as_of_and_the_parts(register, officer, bearer):
    response = bearer(officer).get(URL, {
        "dimension": ["dx:cpr;third_share", f"ou:{A};{B}"],
        "filter": ["pe:2025Q3"], "format": "xlsx", "rows": "ou", "columns": "dx",
    })  # fmt: skip
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    table = list(book["Bảng"].iter_rows(values_only=True))
    assert table[1][0] == "Kỳ: Quý 3/2025"
    assert str(table[2][0]).startswith("Số liệu tính trực tiếp lúc")
    header = next(r for r in table if r[0] is None and r[1])
    assert header[1].startswith("Tỷ lệ sử dụng biện pháp tránh thai")
    assert ("Xã Ea Súp", 50.0, 0.0) in table and ("Phường Tuy Hòa", 50.0, None) in table
    parts = list(book["Dữ liệu"].iter_rows(values_only=True))
    assert parts[0][:4] == ("Chỉ tiêu", "Đơn vị", "Giá trị", "Tử số")
    assert any(r[1] == "Xã Ea Súp" and r[2:5] == (50.0, 1, 2) for r in parts)


def test_refusals_are_machine_readable(register, make_user, unit, bearer):
    commune = make_user("xa", Role.COMMUNE, unit(A))
    client = bearer(commune)
    for params, code in [
        ({"dx": "births", "pe": "2025Q3", "ou": B}, "unknown_unit"),
        ({"dx": "nope", "pe": "2025Q3", "ou": A}, "unknown_figure"),
        ({"dx": "births", "pe": "LAST_99_WEEKS", "ou": A}, "invalid_period"),
        ({"dx": "births", "pe": "2025Q3", "ou": A, "format": "xlsx", "rows": "dx",
          "columns": "pe"}, "invalid_layout"),
    ]:  # fmt: skip
        response = client.get(URL, params)
        assert response.status_code == 400, params
        assert response.json()["errors"][0]["code"] == code
    assert Client().get(URL, {"dx": "births", "pe": "2025Q3", "ou": A}).status_code == 401


def test_in_the_openapi_document(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/analytics" in paths
    names = {p["name"] for p in paths["/api/v1/analytics"]["get"]["parameters"]}
    assert {"dimension", "filter", "dx", "pe", "ou", "format"} <= names


def test_previous_year_through_the_api(register, officer, bearer):
    body = (
        bearer(officer)
        .get(URL, {"dx": "births", "pe": "2025Q3", "ou": A, "previousYear": "true"})
        .json()
    )
    assert body["metaData"]["dimensions"]["dx"] == ["births", "births__LY", "births__CHANGE"]
    assert body["metaData"]["items"]["births__LY"]["name"].startswith("Số trẻ sinh ra")
    rows = {r[0]: r[3] for r in body["rows"]}
    assert rows == {"births": 1, "births__LY": 0, "births__CHANGE": 1}


def test_the_format_as_a_suffix_as_in_dhis2(register, officer, bearer):
    client = bearer(officer)
    params = {"dx": "births", "pe": "2025Q3", "ou": A}
    rows = client.get(f"{URL}.json", params).json()["rows"]
    assert rows == [["births", "2025Q3", A, 1, None, None, None, None]]
    got = client.get(f"{URL}.csv", params)
    assert got["Content-Type"].startswith("text/csv"), got.content
    xlsx = client.get(f"{URL}.xlsx", {**params, "rows": "ou", "columns": "pe;dx"})
    assert load_workbook(io.BytesIO(xlsx.content))["Bảng"].max_row > 3
    assert client.get(f"{URL}.pdf", params).json()["errors"][0]["code"] == "invalid_format"
    assert client.get(URL, {**params, "format": "csv"})["Content-Type"].startswith("text/csv")
