"""01-DSH of a province (102 communes) on a laptop-sized screen: the figures scroll inside the
table while its header and the indicator column stay in view."""

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e


def test_01_dsh_of_the_province_on_a_laptop(browser, server):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    try:
        sign_in(page, server, "tinh")
        page.goto(f"{server}/bao-cao/?bieu=01-DSH&dv=P66&ky=2026Q3")
        frame = page.locator(".table-frame")
        frame.scroll_into_view_if_needed()
        # The page itself never scrolls sideways; the frame does.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        assert page.evaluate("(f => f.scrollWidth > f.clientWidth)", frame.element_handle())
        label, head = page.locator("td.c-label").nth(3), page.locator("thead th").nth(5)
        x, y = label.bounding_box()["x"], head.bounding_box()["y"]
        page.evaluate("(f => { f.scrollLeft = 600; f.scrollTop = 300; })", frame.element_handle())
        page.wait_for_timeout(100)
        assert abs(page.locator("td.c-label").nth(3).bounding_box()["x"] - x) < 1  # frozen
        assert abs(page.locator("thead th").nth(5).bounding_box()["y"] - y) < 1  # frozen
        shot(page, "report-01-dsh-province-laptop")
        # The next twenty communes, then the units as rows.
        page.get_by_role("link", name="21–40").click()
        page.wait_for_load_state("networkidle")
        assert "cot=2" in page.url
        page.get_by_role("link", name="Đơn vị theo dòng").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("table.turned tbody tr").count() == 103  # the total and 102 communes
    finally:
        context.close()
