"""The province officer sets two old communes' 2025 targets, is refused a 2026 target for an
old unit, and reallocates the 2025 targets to the new communes in a real browser."""

import pytest

from .conftest import shot

pytestmark = pytest.mark.e2e


def _add_target(page, server, uid, year, value):
    page.goto(f"{server}/ke-hoach/{uid}/{year}/")
    page.select_option("#id_metric", "ACT_COMM_SESSIONS")
    page.fill("#id_value", value)
    page.get_by_role("button", name="Thêm", exact=True).click()
    page.wait_for_load_state("networkidle")
    return page.locator("main").inner_text()


def test_province_officer_reallocates_old_2025_targets(login_as, server):
    page = login_as("tinh")
    # Xã Ea BHốk (split between Ea Ktur and Dray Bhăng) and Xã Ea Tiêu (whole into Ea Ktur).
    assert "Đã thêm chỉ tiêu" in _add_target(page, server, "LC24550", 2025, "40")
    assert "Đã thêm chỉ tiêu" in _add_target(page, server, "LC24547", 2025, "20")
    refused = _add_target(page, server, "LC24547", 2026, "20")
    assert "chỉ tồn tại đến 30/06/2025" in refused

    page.goto(f"{server}/ke-hoach/P66/2025/")
    page.get_by_role("link", name="Phân bổ lại cho xã, phường mới").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#old-total").inner_text() == "60"
    rows = page.locator("#reallocation-table tbody tr")
    names = rows.all_inner_texts()
    assert any("Xã Ea Ktur" in r for r in names) and any("Xã Dray Bhăng" in r for r in names)
    ea_ktur = page.get_by_label("Xã Ea Ktur", exact=True)
    dray = page.get_by_label("Xã Dray Bhăng", exact=True)
    proposed = int(ea_ktur.input_value()) + int(dray.input_value())
    assert abs(proposed - 60) <= 1  # the shares add up to the old total, rounded each
    ea_ktur.fill(str(62 - int(dray.input_value())))
    page.get_by_role("button", name="Lưu thành chỉ tiêu năm 2025 của các xã, phường mới").click()
    page.wait_for_load_state("networkidle")
    text = page.locator("main").inner_text()
    assert "Đã lưu chỉ tiêu năm 2025 của các xã, phường mới." in text
    assert "nhiều hơn chỉ tiêu năm 2025 của các đơn vị cũ (60) là 2" in text
    shot(page, "plan-reallocation")
