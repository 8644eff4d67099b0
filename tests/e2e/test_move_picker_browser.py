"""A collaborator records a move-in and finds the commune moved from by typing its name in the
commune picker (a commune of another province); the form posts its identifier."""

import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from .conftest import shot

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_move_in_names_its_origin_with_the_commune_picker(login_as):
    page = login_as("ctv")
    page.get_by_role("link", name="Sổ ghi chép ban đầu về dân số (Sổ A0)").click()
    page.fill("#id_number", "E2E-MV")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name="Ghi thay đổi").click()
    page.select_option("#id_kind", "move_in")
    assert page.locator("#id_origin").is_visible()
    assert page.locator("#id_origin-code").get_attribute("type") == "hidden"
    today = timezone.localdate().strftime("%d/%m/%Y")
    page.fill("#id_occurred_on", today)
    page.fill("#id_full_name", "H'Mai Êban")
    page.fill("#id_date_of_birth", "10/03/1998")
    page.select_option("#id_sex", "2")
    page.select_option("#id_relationship", "1")
    page.select_option("#id_ethnicity", "12")
    page.fill("#id_arrived_on", today)
    page.click("#id_origin")
    page.fill("#id_origin", "ba dinh")
    option = page.locator(".picker-results li", has_text="Phường Ba Đình").first
    option.wait_for()
    assert "trước năm 2025" not in page.locator("#id_origin-results").inner_text()
    path = shot(page, "move-origin-picker")
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SCREENSHOTS / "move-origin-picker.png")
    option.click()
    assert page.input_value("#id_origin") == "Phường Ba Đình"
    code = page.input_value("#id_origin-code")
    assert code.startswith("C") and code != "Phường Ba Đình"
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".flash.success").is_visible(), page.locator("main").inner_text()
    assert "H'Mai Êban" in page.locator("ol.timeline").inner_text()
