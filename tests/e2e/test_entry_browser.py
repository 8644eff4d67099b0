"""The Family Planning Association's officer enters the year's figures on a phone: a broken
rule is shown, a refused cell keeps what was typed, the corrected form saves."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_association_enters_its_yearly_figures_on_a_phone(phone, server):
    sign_in(phone, server, "hoi")
    phone.get_by_role("link", name="Nhập số liệu").click()
    assert "Hội Kế hoạch hóa gia đình" in phone.locator("main").inner_text()
    phone.locator("a.button", has_text="Nhập").first.click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator("h1").inner_text().startswith("Hội Kế hoạch hóa gia đình")

    phone.fill("[name='v:FPA_CLIENTS:default']", "5.838")
    phone.fill("[name='v:FPA_FP_CLINIC:default']", "6.000")
    phone.fill("[name='v:FPA_SPECIAL_COUNSEL:default']", "ba chín")
    phone.click("form.entry button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "Chưa lưu gì" in phone.locator(".flash").inner_text()
    assert phone.locator("[name='v:FPA_SPECIAL_COUNSEL:default']").input_value() == "ba chín"
    assert "không phải là số" in phone.locator(".cell.invalid").inner_text()

    phone.fill("[name='v:FPA_SPECIAL_COUNSEL:default']", "39")
    phone.click("form.entry button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "Đã lưu số liệu" in phone.locator(".flash").inner_text()
    # Saved, but 6.000 clinic clients > 5.838 clients breaks a rule: shown above the form.
    rules = phone.locator("[role=alert]").inner_text()
    assert "6.000 ≤ 5.838" in rules
    assert phone.locator("[name='v:FPA_CLIENTS:default']").input_value() == "5.838"
    shot(phone, "phone-data-entry")
