"""The commune officer opens the demo village's worklists on a phone (the free-contraceptive
review lists exactly the couples danso/fieldwork/demo.py describes), then reconciles a quarter
with other sectors at a desk: imports the counts, explains the differences, signs off."""

import pytest

from .conftest import ARTIFACTS, shot, sign_in

pytestmark = pytest.mark.e2e
VILLAGE = "C24211-MH"  # Buôn Minh Họa, the field-work demo village of Xã Ea Súp


def test_worklists_on_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone = context.new_page()
    sign_in(phone, server, "xa")
    phone.goto(f"{server}/so-a0/thon/{VILLAGE}/")
    phone.get_by_role("link", name="Danh sách công việc").click()
    phone.wait_for_load_state("networkidle")
    review = phone.locator("#free_contraception li strong")
    assert review.all_inner_texts() == ["H'Hen 01", "H'Hen 02", "H'Hen 06"]
    assert phone.locator("#no_method li strong").all_inner_texts() == ["H'Hen 01", "H'Hen 04"]
    shot(phone, "phone-worklists")
    # The item's button opens the slip entry that closes it, with the kind chosen.
    phone.locator("#free_contraception li").nth(1).get_by_role(
        "link", name="Ghi cấp lại thuốc"
    ).click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator("#id_kind").input_value() == "method_resupply"
    assert phone.locator("#id_method").input_value() == "5"
    shot(phone, "phone-resupply-form")
    context.close()


def test_a_quarter_reconciled(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    desk = context.new_page()
    sign_in(desk, server, "xa")
    desk.goto(f"{server}/thong-nhat-so-lieu/nhap/")
    bad = tmp_path / "bad.csv"
    bad.write_text("commune,period,source,value\nC24211,2025Q3,civil_births,x\n"
                   "C24211,2025M3,civil_deaths,1\n")  # fmt: skip
    desk.set_input_files("input[name=file]", str(bad))
    desk.click("main button[type=submit]")
    desk.wait_for_load_state("networkidle")
    errors = desk.locator(".errors").inner_text()
    assert "Dòng 2" in errors and "Dòng 3" in errors
    counts = tmp_path / "counts.csv"
    rows = ["civil_births,40", "civil_deaths,9", "police_residents,5000"]
    lines = [f"C24211,2025Q3,{r}" for r in rows]
    counts.write_text("\n".join(["commune,period,source,value", *lines]) + "\n")
    desk.set_input_files("input[name=file]", str(counts))
    desk.click("main button[type=submit]")
    desk.wait_for_load_state("networkidle")
    assert "Đã nhập 3 dòng" in desk.locator(".flash.success").inner_text()
    desk.goto(f"{server}/thong-nhat-so-lieu/C24211/2025Q3/")
    desk.fill("textarea[name=explanation]", "Khai sinh muộn; công an tính cả người đi làm xa.")
    desk.get_by_role("button", name="Ký xác nhận kỳ này").click()
    desk.wait_for_load_state("networkidle")
    assert "Đã được" in desk.locator("main").inner_text()
    shot(desk, "reconciliation-signed-off")
    context.close()
    assert (ARTIFACTS / "reconciliation-signed-off.png").exists()


def test_an_arrival_from_another_province_confirmed(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    phone = context.new_page()
    sign_in(phone, server, "xa")
    phone.goto(f"{server}/chuyen-cu/xa/C24211/")
    arrival = phone.locator("article.arrival", has_text="H'Lan Êban")
    assert "Chuyển đi khỏi" in arrival.inner_text()
    arrival.locator("select[name=village]").select_option(label="Buôn Minh Họa")
    arrival.locator("input[name=number]").fill("01")
    shot(phone, "phone-move-inbox")
    # Event ids in the thousands: the form must not write them as 7.691.
    with phone.expect_navigation():
        arrival.get_by_role("button", name="Xác nhận đã đến").click()
    assert "giữ một lịch sử" in phone.locator(".flash.success").inner_text()
    # She is no longer expected (the generated register has moves of its own still pending).
    assert phone.locator("article.arrival", has_text="H'Lan Êban").count() == 0
    # Her record came with her: her son's birth, in the other province, is in her history.
    phone.goto(f"{server}/so-a0/tim/?q=H'Lan")
    phone.get_by_role("link", name="H'Lan Êban").first.click()
    phone.wait_for_load_state("networkidle")
    history = phone.locator("main").inner_text()
    assert "Y Minh Êban" in history and "Chuyển đến" in history
    shot(phone, "phone-moved-person-history")
    context.close()
