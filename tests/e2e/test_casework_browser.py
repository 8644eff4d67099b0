"""The demo commune's union cadre keeps the registries on a phone: the counts, a new child
kept by code only, its sponsorship and a month of support, a case and its service; a province
officer without the permission sees counts only."""

import datetime

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_a_union_cadre_records_a_child_and_a_case_on_a_phone(phone, server):
    sign_in(phone, server, "phunu")
    phone.goto(f"{server}/hoi-phu-nu/")
    main = phone.locator("main").inner_text()
    assert "Công tác của Hội Liên hiệp Phụ nữ" in main
    assert "Phụ nữ và trẻ em gái bị bạo lực gia đình được phát hiện" in main
    shot(phone, "casework-counts")

    phone.goto(f"{server}/hoi-phu-nu/child/")
    assert "(hư cấu)" in phone.locator("main").inner_text()
    shot(phone, "casework-children")
    phone.get_by_role("link", name="Thêm", exact=True).click()
    phone.wait_for_load_state("networkidle")
    phone.select_option("#id_naming", "pseudonymous")
    phone.fill("#id_full_name", "Tên Không Được Ghi")
    phone.fill("#id_birth_date", "2016-03-04")
    phone.select_option("#id_sex", "female")
    phone.select_option("#id_orphaned", "both")
    phone.select_option("#id_cause", "covid19")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "Người này chỉ đồng ý ghi bằng mã" in phone.locator("main").inner_text()
    shot(phone, "casework-child-refused")
    phone.fill("#id_full_name", "")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "(ẩn danh)" in phone.locator("main").inner_text()

    phone.get_by_role("link", name="Thêm việc đỡ đầu").click()
    phone.wait_for_load_state("networkidle")
    phone.select_option("#id_sponsor", index=1)
    phone.select_option("#id_kind", "indirect")
    phone.fill("#id_start", "2025-01-01")
    phone.fill("#id_monthly_amount", "500000")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    phone.get_by_role("link", name="Ghi hỗ trợ đã trao").click()
    phone.wait_for_load_state("networkidle")
    phone.fill("#id_date", "2025-01-15")
    phone.fill("#id_cash", "500000")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    text = phone.locator("main").inner_text()
    assert "15/01/2025" in text and "500.000" in text
    shot(phone, "casework-child-record")

    phone.goto(f"{server}/hoi-phu-nu/case/them/")
    phone.fill("#id_opened_on", datetime.date.today().isoformat())
    phone.select_option("#id_form", "psychological")
    phone.select_option("#id_detected_by", "neighbour")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "Chưa được hỗ trợ dịch vụ nào" in phone.locator("main").inner_text()
    phone.get_by_role("link", name="Ghi dịch vụ").click()
    phone.wait_for_load_state("networkidle")
    phone.select_option("#id_service", "counselling")
    phone.fill("#id_date", datetime.date.today().isoformat())
    phone.fill("#id_provider", "Chi hội phụ nữ")
    phone.click("main form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "Được hỗ trợ ít nhất một dịch vụ" in phone.locator("main").inner_text()
    shot(phone, "casework-case-record")


def test_without_the_permission_only_counts_show(phone, server):
    sign_in(phone, server, "xem")
    phone.goto(f"{server}/hoi-phu-nu/")
    assert "Chỉ hiện số liệu tổng hợp" in phone.locator("main").inner_text()
    shot(phone, "casework-counts-only")
    assert phone.goto(f"{server}/hoi-phu-nu/case/").status == 403
