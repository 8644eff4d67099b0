"""A browser that asks for English still gets Vietnamese; the switch in the top bar changes to
English and back, and the choice survives a new visit."""

import pytest

from .conftest import PASSWORD, shot

pytestmark = pytest.mark.e2e


def test_language_switch_in_an_english_browser(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{server}/dang-nhap/")
        assert page.evaluate("navigator.language") == "en-US"
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.locator("h1").inner_text() == "Đăng nhập"
        page.fill("#id_username", "xa")
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("button", name="Đăng xuất").is_visible()
        switch = page.locator("form.language button")
        assert switch.inner_text() == "English" and switch.is_visible()
        shot(page, "language-vietnamese-in-english-browser")

        switch.click()
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("button", name="Log out").is_visible()
        assert page.locator("h1").inner_text() == "Xã Ea Súp"  # data stay as they are
        shot(page, "language-english")

        # Kept: another page, and the same browser coming back later.
        page.goto(f"{server}/bao-cao/")
        assert page.locator("h1").inner_text() == "Statistical reports"
        again = context.new_page()
        again.goto(f"{server}/")
        assert again.locator("html").get_attribute("lang") == "en"
        again.close()

        page.locator("form.language button", has_text="Tiếng Việt").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.locator("h1").inner_text() == "Báo cáo thống kê"
    finally:
        context.close()
