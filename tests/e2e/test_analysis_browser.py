"""A province officer builds "CPR and third+ share by commune of ethnic-minority areas, last 8
quarters" in the builder, saves it, pins it, exports it, and finds it on the dashboard; the
same on a phone."""

import io

import pytest
from openpyxl import load_workbook

from .conftest import shot

pytestmark = pytest.mark.e2e


def build_cpr_by_ethnic_minority_commune(page):
    page.get_by_role("link", name="Bảng và biểu đồ", exact=True).click()
    page.wait_for_load_state("networkidle")
    page.fill("#dx-filter", "cpr")
    page.check('input[name="dx"][value="cpr"]')
    page.fill("#dx-filter", "")
    page.check('input[name="dx"][value="third_share"]')
    page.select_option('select[name="ou_level"]', "LEVEL-3")
    page.select_option('select[name="ou_group"]', "OU_GROUP-DTTS")
    page.check('input[name="pe_rel"][value="LAST_8_QUARTERS"]')
    page.select_option('select[name="place_pe"]', "columns")
    page.select_option('select[name="chart"]', "line")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_selector("#pivot tbody tr")


def test_build_save_pin_export_and_see_on_the_dashboard(login_as):
    page = login_as("tinh")
    build_cpr_by_ethnic_minority_commune(page)
    table = page.locator("#pivot")
    assert table.locator("thead th").count() == 2 + 8  # unit, figure, then 8 quarters
    text = table.inner_text()
    assert "Tỷ lệ sử dụng biện pháp tránh thai (CPR)" in text
    assert "Tỷ lệ sinh con thứ 3 trở lên" in text
    assert "Xã Ea Súp" in text  # the demo commune, in the ethnic-minority group
    assert "Xã Xuân Lộc" not in text  # a commune of the province outside the group
    assert " / " in table.locator("td small.parts").first.inner_text()  # numerator / denominator
    assert page.locator("#as-of").inner_text().startswith("Tính trực tiếp lúc")
    assert page.locator("#chart").bounding_box()["height"] > 150
    shot(page, "analysis-builder")

    with page.expect_download() as download:
        page.click("#export-xlsx")
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book["Bảng"].iter_rows(values_only=True))
    assert any(r[0] == "Xã Ea Súp" for r in rows)
    assert book["Dữ liệu"].max_row > 2

    page.fill("#id_name", "CPR và sinh con thứ 3+ vùng DTTS, 8 quý")
    page.check("#id_shared")
    page.check("#id_pin")
    page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_selector("#pivot tbody tr")
    assert page.locator("h1").first.inner_text() == "CPR và sinh con thứ 3+ vùng DTTS, 8 quý"
    assert page.locator('input[name="dx"][value="cpr"]').is_checked()
    assert page.locator("#pivot thead th").count() == 10  # reopened as saved

    page.get_by_role("link", name="Bảng điều khiển", exact=True).click()
    page.wait_for_selector(".pinned table.pivot tbody tr", state="attached")
    assert "CPR và sinh con thứ 3+ vùng DTTS, 8 quý" in page.locator(".pinned h2").inner_text()
    shot(page, "analysis-pinned-dashboard")


def test_on_a_phone(phone, server):
    from .conftest import sign_in

    page = sign_in(phone, server, "xa")
    build_cpr_by_ethnic_minority_commune(page)
    assert page.locator("#pivot tbody tr").count() == 2  # their own commune: CPR, third+
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400  # the table scrolls inside its box, the page does not
    shot(page, "analysis-builder-phone")
