"""A province officer creates a commune officer with an API token on one page, in a real
browser, picking the commune by typing its name."""

import urllib.request

import pytest

from .conftest import shot

pytestmark = pytest.mark.e2e


def test_province_officer_creates_a_commune_officer_with_a_token(login_as, server):
    page = login_as("tinh")
    page.get_by_role("link", name="Người dùng", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Người dùng"
    assert page.locator("#users").get_by_role("link", name="xa", exact=True).is_visible()
    assert page.locator("#users").get_by_role("link", name="admin").count() == 0  # above tỉnh
    shot(page, "users-list")

    page.get_by_role("link", name="Thêm người dùng").click()
    page.fill("#id_username", "xa.eabung")
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.select_option("#id_role", "commune")
    # Only roles up to the province officer's own are offered.
    offered = page.locator("#id_role option").evaluate_all("os => os.map(o => o.value)")
    assert "admin" not in offered and "central" not in offered
    page.fill("#unit-search", "ea bung")
    # Both maps are searched; the current commune comes first, the pre-2025 one after.
    assert "trước năm 2025" in page.locator("#unit-choices li").nth(1).inner_text()
    page.locator("#unit-choices").get_by_text("Xã Ea Bung").first.click()
    page.fill("#unit-search", "ea sup")  # a new search keeps the unit already ticked
    page.locator("#unit-choices li").first.wait_for()
    assert page.locator(".chosen-units").get_by_text("Xã Ea Bung").is_visible()
    page.fill("#id_token_name", "Phần mềm quản lý của xã")
    shot(page, "users-create")
    page.get_by_role("button", name="Tạo người dùng").click()
    page.wait_for_load_state("networkidle")

    assert page.locator(".flash").first.inner_text() == "Đã tạo người dùng xa.eabung."
    token = page.locator("#new-token code").inner_text()
    assert token.startswith("danso_") and page.locator("#new-password code").inner_text()
    assert page.locator(".chosen-units input:checked").count() == 1
    shot(page, "users-created")
    request = urllib.request.Request(
        f"{server}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as response:
        assert b'"xa.eabung"' in response.read()

    page.get_by_role("button", name="Đặt lại mật khẩu").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#new-password code").inner_text()
    page.get_by_role("button", name="Thu hồi").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#tokens").get_by_text("Chưa có mã truy cập nào.").is_visible()
    shot(page, "users-detail")


def test_the_user_form_fits_a_phone(phone, server):
    from .conftest import sign_in

    page = sign_in(phone, server, "admin")
    page.goto(f"{server}/nguoi-dung/them/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shot(page, "users-create-phone")
