"""On a phone-sized screen a collaborator opens a household, enters a woman and records the
birth of her child; the commune officer accepts the month's slip at a desk."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def record(page, kind, fields, selects=()):
    page.get_by_role("link", name="Ghi thay đổi").click()
    page.select_option("#id_kind", kind)
    for selector, value in selects:
        page.select_option(selector, value)
    for selector, value in fields:
        page.fill(selector, value)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_birth_recorded_on_a_phone_then_accepted(browser, server):
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone = phone_context.new_page()
    sign_in(phone, server, "ctv")
    phone.get_by_role("link", name="Sổ ghi chép ban đầu về dân số (Sổ A0)").click()
    phone.fill("#id_number", "E2E-1")
    phone.click("main form[method=post] button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "E2E-1" in phone.locator("h1").inner_text()

    record(phone, "registration",
           [("#id_occurred_on", "01/11/2026"), ("#id_full_name", "H'Linh Niê"),
            ("#id_date_of_birth", "15/05/1996")],
           [("#id_sex", "2"), ("#id_relationship", "1"), ("#id_ethnicity", "12"),
            ("#id_marital_status", "2")])  # fmt: skip
    assert phone.locator(".flash.success").is_visible()

    phone.get_by_role("link", name="Ghi thay đổi").click()
    phone.select_option("#id_kind", "birth")
    assert phone.locator("#id_mother").is_visible()
    assert not phone.locator("#id_method").is_visible()  # fields of other kinds are hidden
    phone.select_option("#id_mother", label="H'Linh Niê (1996)")
    phone.fill("#id_occurred_on", "02/11/2026")
    phone.fill("#id_full_name", "Y Bé Niê")
    phone.select_option("#id_sex", "1")
    phone.fill("#id_date_of_birth", "02/11/2026")
    shot(phone, "phone-birth-form")
    phone.click("main button[type=submit]")
    phone.wait_for_load_state("networkidle")
    history = phone.locator("ol.timeline").inner_text()
    assert "Y Bé Niê" in history and "chờ xã duyệt" in history
    shot(phone, "phone-household-after-birth")

    slip_url = server + phone.locator("a[href^='/phieu/']").first.get_attribute("href")
    phone.goto(slip_url)
    phone.get_by_role("button", name="Nộp phiếu thu tin lên xã").click()
    phone.wait_for_load_state("networkidle")
    phone_context.close()

    desk_context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="vi-VN")
    desk = desk_context.new_page()
    sign_in(desk, server, "xa")
    desk.goto(slip_url)
    assert "Y Bé Niê" in desk.locator("main table").inner_text()
    desk.get_by_role("button", name="Duyệt", exact=True).click()
    desk.wait_for_load_state("networkidle")
    assert desk.locator("main .tag").first.inner_text() == "Đã duyệt"
    shot(desk, "slip-accepted")
    desk_context.close()
