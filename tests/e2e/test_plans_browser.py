"""The province officer follows the demo plan's progress in a real browser."""

import datetime

import pytest

from .conftest import shot

pytestmark = pytest.mark.e2e


def test_province_officer_follows_progress_and_drills_down(login_as):
    page = login_as("tinh")
    page.get_by_role("link", name="Kế hoạch", exact=True).click()
    page.wait_for_load_state("networkidle")
    year = datetime.date.today().year
    assert (
        page.locator("h1").inner_text() == f"Tiến độ thực hiện kế hoạch năm {year} – Tỉnh Đắk Lắk"
    )
    # The demo plan: trips, workers, trained, people reached, CPR and third-birth share.
    assert page.locator("#own-targets tbody tr").count() == 6
    page.fill("#ngay", f"30/06/{year}")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_load_state("networkidle")
    assert "Đã qua 49,6 %" in page.locator("main").inner_text()  # 181 of 365 days
    assert page.locator("#chart-mine").bounding_box()["height"] > 100
    # Every commune (all have the people-reached target) and the association.
    assert page.locator("#units-below tbody tr").count() == 103
    assert page.locator("#lagging tbody tr").count() > 0
    shot(page, "plan-progress-province")

    page.locator("#units-below").get_by_role("link", name="Xã Ea Súp").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text().endswith("– Xã Ea Súp")
    assert page.locator("#ngay").input_value() == f"30/06/{year}"
    page.get_by_role("link", name=f"Kế hoạch năm {year}").click()
    page.wait_for_load_state("networkidle")
    assert "Tỉnh Đắk Lắk" in page.locator("table.plan").inner_text()  # allocated from above
    shot(page, "plan-commune")
