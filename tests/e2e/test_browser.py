"""The home page, search and village entry, in a real browser."""

import pytest

from .conftest import shot

pytestmark = pytest.mark.e2e


def test_commune_officer_lands_on_home_page_and_adds_a_village(login_as, server):
    page = login_as("xa")
    assert page.locator("h1").inner_text() == "Xã Ea Súp"
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="Hồ sơ đơn vị").click()  # the record card, off the home page
    assert page.get_by_text("Thôn 1", exact=True).is_visible()
    shot(page, "unit-commune")

    page.get_by_role("link", name="Thêm thôn, tổ dân phố").click()
    page.fill("#id_code", "09")
    page.fill("#id_name", "Tổ dân phố Hòa Bình")
    page.select_option("#id_unit_type", "to_dan_pho")
    page.click("main button[type=submit]")
    # Xã Ea Súp was formed from several old communes: the form asks which one.
    assert "trước ngày 01/07/2025" in page.locator(".errorlist").inner_text()
    shot(page, "village-needs-old-commune")
    page.select_option("#id_legacy_commune", index=1)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Tổ dân phố Hòa Bình").is_visible()
    assert page.locator(".flash").inner_text().startswith("Đã tạo")

    # The same code again is refused with a Vietnamese message and nothing is created.
    page.get_by_role("link", name="Thêm thôn, tổ dân phố").click()
    page.fill("#id_code", "09")
    page.fill("#id_name", "Trùng mã")
    page.click("main button[type=submit]")
    assert "đã được dùng" in page.locator(".errorlist, .errors").first.inner_text()
    shot(page, "village-duplicate-code")


def test_search_without_diacritics_in_the_top_bar(login_as):
    page = login_as("tinh")
    page.fill("input[name=q]", "ea sup")
    page.wait_for_selector("#search-results li")
    results = page.locator("#search-results").inner_text()
    assert "Xã Ea Súp" in results
    assert "Huyện Ea Súp" in results
    shot(page, "search-ea-sup")
    page.get_by_role("link", name="Xã Ea Súp").first.click()
    assert page.locator("h1").inner_text() == "Xã Ea Súp"


def test_collaborator_cannot_open_another_village(login_as, server):
    page = login_as("ctv")
    assert page.locator("h1").inner_text() == "Thôn 1"
    response = page.goto(f"{server}/don-vi/P01/")
    assert response.status == 404


def test_province_officer_computes_the_quarterly_report(login_as, server):
    page = login_as("tinh")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.select_option("#ky", "2026Q3")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    table = page.locator("table.report")
    assert "Toàn Đắk Lắk" in table.locator("thead").inner_text()
    births = table.locator("tr", has_text="Tổng số trẻ sinh ra trong quý").locator("td.num")
    assert int(births.first.inner_text().replace(".", "")) > 0  # the demo's generated births
    shot(page, "report-01-dsh")


def test_dashboard_draws_its_charts(login_as):
    page = login_as("tinh")
    page.get_by_role("link", name="Bảng điều khiển").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#chart-flows").bounding_box()["height"] > 100
    assert page.locator("table.ranking tbody tr").count() >= 1
    drawn = page.evaluate("Chart.getChart('chart-flows').data.datasets[0].data.length")
    assert drawn == 8
    shot(page, "dashboard")


def test_commune_officer_opens_the_monthly_form_and_a_name_list(login_as):
    page = login_as("xa")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.select_option("#bieu", "01-DSX")
    page.select_option("#ky", "202609")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "01-DSX – Báo cáo thống kê chuyên ngành dân số cấp xã – tháng" in page.inner_text("h2")
    assert page.locator("table.report tr", has_text="Số trẻ sinh ra").count() == 1
    shot(page, "report-01-dsx")
    page.get_by_role(
        "link", name="01-DS/CSYT – Danh sách người mới sử dụng biện pháp tránh thai"
    ).click()
    page.wait_for_load_state("networkidle")
    assert "Danh sách người mới sử dụng biện pháp tránh thai" in page.inner_text("h1")
    assert "tạm thời" in page.inner_text("h1")
    shot(page, "list-01-ds-csyt")
