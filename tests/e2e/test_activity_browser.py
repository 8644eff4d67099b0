"""On a phone, the commune officer records a mobile service trip: a place found by search,
participants in the grid, clients by service, a photo; the detail page shows what it feeds."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_a_mobile_trip_recorded_on_a_phone(phone, server):
    sign_in(phone, server, "xa")
    phone.get_by_role("link", name="Hoạt động", exact=True).click()
    phone.get_by_role("link", name="Ghi hoạt động").click()
    phone.wait_for_load_state("networkidle")

    phone.select_option("#id_kind", "mobile_trip")
    assert phone.locator("#services").get_attribute("open") is not None  # opened for trips
    assert not phone.locator("#id_club").is_visible()  # only club sessions name a club
    phone.fill("#id_title", "Chuyến lưu động thôn 2")
    phone.fill("#id_start_date", "10/11/2026")
    with phone.expect_response(lambda r: "/hoat-dong/dia-ban/?q=thon" in r.url):
        phone.fill("#place-q", "thon 2")
    phone.locator("#place-results label", has_text="Thôn 2").first.click()
    assert "Thôn 2" in phone.locator("#chosen-places").inner_text()
    phone.wait_for_load_state("networkidle")
    assert "Không tìm thấy" not in phone.locator("#place-results").inner_text()
    phone.fill("[name=p_ethnic_minority_female]", "14")
    phone.fill("[name=p_ethnic_minority_male]", "6")
    phone.fill("[name=s_iud]", "5")
    phone.fill("[name=s_pill]", "9")
    phone.set_input_files("input[name=files]", files=[
        {"name": "anh-chuyen-di.png", "mimeType": "image/png", "buffer": PNG},
    ])  # fmt: skip
    shot(phone, "phone-activity-form")
    phone.click("#activity-form button[type=submit]")
    phone.wait_for_load_state("networkidle")

    assert "Đã lưu: Chuyến lưu động thôn 2" in phone.locator(".flash").inner_text()
    main = phone.locator("main").inner_text()
    assert "Thôn 2" in main and "10/11/2026" in main
    assert "Số chuyến dịch vụ lưu động: 1" in main
    assert "anh-chuyen-di.png" in main
    shot(phone, "phone-activity-detail")
