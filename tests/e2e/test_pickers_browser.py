"""The unit and period pickers on the report page, typed into as an officer would."""

import pytest

from .conftest import shot

pytestmark = pytest.mark.e2e


def test_province_officer_picks_a_commune_by_name_and_a_period_in_words(login_as):
    page = login_as("tinh")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#dv") == "Tỉnh Đắk Lắk"  # the name shown, not P66
    page.click("#dv")
    page.wait_for_selector(".picker-results li")
    first = page.locator(".picker-results li").first.inner_text()
    assert first.startswith("Tỉnh Đắk Lắk")  # the user's own unit first
    page.fill("#dv", "ea sup")
    page.wait_for_selector(".picker-results li:has-text('Huyện Ea Súp')")
    assert "trước năm 2025" in page.locator(".picker-results").inner_text()  # both maps
    shot(page, "picker-unit")
    page.keyboard.press("Enter")
    assert page.input_value("#dv") == "Xã Ea Súp" and page.input_value("#dv-code") == "C24211"
    # The form says which kinds of period it takes; the period follows.
    page.select_option("#bieu", "01-DSX")
    assert page.locator("#ky option:checked").inner_text().startswith("Tháng ")
    page.select_option("#bieu", "02-DSX")
    assert page.locator("#ky option:checked").inner_text().startswith("Quý ")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "dv=C24211" in page.url and "bieu=02-DSX" in page.url and "ky=20" in page.url
    assert page.input_value("#dv") == "Xã Ea Súp"
    assert page.locator("table.report").is_visible()
    shot(page, "report-with-pickers")
