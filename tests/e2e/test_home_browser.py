"""Each role's home page in a real browser, on a laptop-sized screen: what it shows first and
where its links lead."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def laptop(browser, server):
    context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
    page = context.new_page()
    yield lambda username: sign_in(page, server, username)
    context.close()


def test_collaborator_home_leads_to_this_months_slip(laptop):
    page = laptop("ctv")
    assert page.locator("h1").inner_text() == "Thôn 1"
    month = page.locator("#this-month h2").inner_text()
    assert month.startswith("Phiếu thu tin Tháng ")
    assert "hãy nộp phiếu trước ngày" in page.locator("#this-month").inner_text()
    assert page.locator("#village .stats").inner_text().count("hộ") == 1
    shot(page, "home-collaborator")
    page.get_by_role("link", name="Ghi thay đổi của một hộ").click()
    page.wait_for_load_state("networkidle")
    assert "/so-a0/thon/" in page.url


def test_commune_officer_home_lists_the_days_work(laptop):
    page = laptop("xa")
    assert page.locator("h1").inner_text() == "Xã Ea Súp"
    assert page.locator("#slips h2").inner_text().startswith("Phiếu thu tin chờ duyệt")
    forms = page.locator("#reports-due tbody tr td:first-child a").all_inner_texts()
    assert forms == ["01-DSX", "02-DSX", "03-DSX"]
    assert page.locator("#targets-behind h2").inner_text().startswith("Chỉ tiêu chậm tiến độ")
    shot(page, "home-commune")
    # The quarterly form's link opens it computed for the period being reported.
    page.locator("#reports-due a", has_text="02-DSX").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.report").is_visible()
    assert "ky=" in page.url and "bieu=02-DSX" in page.url


def test_province_officer_home_fits_a_province_of_102_communes(laptop):
    page = laptop("tinh")
    assert page.locator("h1").inner_text() == "Tỉnh Đắk Lắk"
    completeness = page.locator("#completeness").inner_text()
    assert "01-DSX" in completeness and "02-DSX" in completeness and "/102" in completeness
    page.wait_for_function("Chart.getChart('chart-flows') !== undefined")
    assert page.evaluate("Chart.getChart('chart-flows').data.datasets[0].data.length") == 4
    assert page.locator("#below-list li").count() == 102
    # A list of links in columns, not the 4,700-pixel table of the record card.
    height = page.evaluate("document.body.scrollHeight")
    assert height < 3200, height
    shot(page, "home-province")
    page.fill("#below input[data-filter]", "ea sup")
    visible = [li for li in page.locator("#below-list li").all() if li.is_visible()]
    assert [li.locator("a").first.inner_text() for li in visible] == ["Xã Ea Súp"]
    visible[0].locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Bảng điều khiển – Xã Ea Súp"


def test_central_officer_home_goes_down_to_the_provinces(laptop):
    page = laptop("trunguong")
    assert page.locator("h1").inner_text() == "Việt Nam"
    assert "01-DSH" in page.locator("#completeness").inner_text()
    assert page.locator("#below-list li").count() == 34
    shot(page, "home-central")
