"""An ad hoc data request in a real browser: the province officer asks Ea Súp (the demo's
commune) for two figures of 2026Q3, the commune officer sees it on the home page, answers with
the usual entry form and submits, and the province officer sees who answered and the totals."""

import datetime

import pytest

from .conftest import shot, sign_in

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1366, "height": 768}


def test_create_answer_and_see_completeness(browser, server):
    deadline = datetime.date.today() + datetime.timedelta(days=7)
    province = browser.new_context(viewport=LAPTOP, locale="vi-VN").new_page()
    sign_in(province, server, "tinh")
    province.locator("#adhoc-sent a", has_text="Yêu cầu báo cáo mới").click()
    province.wait_for_load_state("networkidle")
    province.fill("#title", "Tình hình tư vấn tiền hôn nhân quý 3")
    province.fill("#period", "2026Q3")
    province.fill("#deadline", deadline.isoformat())
    province.fill("#note", "Đề nghị xã báo cáo số buổi và số người được tư vấn.")
    province.check("input[name=units_mode][value=uids]")
    province.fill("input[name=uids]", "C24211")
    province.fill("input[name=name_0]", "Số buổi tư vấn tiền hôn nhân")
    province.fill("input[name=unit_0]", "Buổi")
    province.fill("input[name=name_1]", "Người được tư vấn tiền hôn nhân")
    province.select_option("select[name=combo_1]", "SEX")
    shot(province, "adhoc-create")
    province.click("#adhoc-form button[type=submit]")
    province.wait_for_load_state("networkidle")
    assert "Đã gửi yêu cầu" in province.locator(".flash").inner_text()
    code = province.locator("h1 .muted").inner_text()
    assert code.startswith("YC")

    commune = browser.new_context(viewport=LAPTOP, locale="vi-VN").new_page()
    sign_in(commune, server, "xa")
    card = commune.locator("#adhoc-requests")
    assert "Tình hình tư vấn tiền hôn nhân quý 3" in card.inner_text()
    assert deadline.strftime("%d/%m/%Y") in card.inner_text()
    assert "còn 7 ngày" in card.inner_text() and "Quý 3/2026" in card.inner_text()
    shot(commune, "adhoc-home-commune")
    card.get_by_role("link", name="Tình hình tư vấn tiền hôn nhân quý 3").click()
    commune.wait_for_load_state("networkidle")
    assert "Đề nghị xã báo cáo" in commune.locator("#adhoc-note").inner_text()
    commune.fill(f"[name='v:{code}_1:default']", "4")
    commune.fill(f"[name='v:{code}_2:MALE']", "18")
    commune.fill(f"[name='v:{code}_2:FEMALE']", "23")
    commune.click("form.entry button[type=submit]")
    commune.wait_for_load_state("networkidle")
    assert "Đã lưu số liệu" in commune.locator(".flash").inner_text()
    commune.get_by_role("button", name="Nộp báo cáo với số liệu này").click()
    commune.wait_for_load_state("networkidle")
    assert "phiên bản 1" in commune.locator(".flash").inner_text()
    shot(commune, "adhoc-answer")

    province.reload()
    province.wait_for_load_state("networkidle")
    assert "1/1 đơn vị đã trả lời" in province.locator("#adhoc-summary").inner_text()
    assert "Xã Ea Súp" in province.locator("#adhoc-completeness").inner_text()
    totals = province.locator("#adhoc-answers tfoot th").all_inner_texts()
    assert totals == ["Tổng", "4", "18", "23"]
    shot(province, "adhoc-completeness")
    with province.expect_download() as download:
        province.get_by_role("link", name="Xuất Excel").click()
    assert download.value.suggested_filename == f"{code}.xlsx"
    province.context.close()
    commune.context.close()
