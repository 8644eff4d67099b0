"""The FP Association's staff drafts its 2023 annual report in a real browser: picks the kind
under Reports, sees the figures drafted, writes the assessment, saves, downloads the DOCX."""

import io

import pytest
from docx import Document

from .conftest import shot

pytestmark = pytest.mark.e2e


def test_partner_staff_drafts_edits_and_downloads_the_annual_report(login_as):
    page = login_as("hoi")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    page.get_by_role("link", name="soạn từ dữ liệu").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Văn bản báo cáo"
    page.select_option("#id_loai", "partner_annual")
    assert page.locator("#id_dv").input_value() == "P66-HKHHGD"
    page.fill("#id_ky", "2023")
    shot(page, "narrative-start")
    page.get_by_role("button", name="Soạn").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main").inner_text()
    assert "Báo cáo năm của tổ chức đối tác" in main
    assert "Tổng số lượt khách hàng được cung cấp dịch vụ: 5.838 lượt, trong đó:" in main
    assert "1.253 lượt người qua 10 chuyến dịch vụ lưu động" in main
    page.fill("#text_situation", "Hội có 15 chi hội cơ sở, 1.200 hội viên.")
    page.fill("#text_assessment", "Hoàn thành các chỉ tiêu chính của năm.")
    page.get_by_role("button", name="Lưu nội dung").click()
    page.wait_for_load_state("networkidle")
    assert "Đã lưu nội dung." in page.locator("main").inner_text()
    assert (
        page.locator("#text_situation").input_value() == "Hội có 15 chi hội cơ sở, 1.200 hội viên."
    )
    page.get_by_text("Phụ lục:").click()  # the appendix opens
    shot(page, "narrative-draft")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về DOCX").click()
    data = open(download.value.path(), "rb").read()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Hội có 15 chi hội cơ sở, 1.200 hội viên." in text
    assert "Tổng số lượt khách hàng được cung cấp dịch vụ: 5.838 lượt, trong đó:" in text


def test_an_administrator_sees_the_templates(login_as, server):
    page = login_as("admin")
    page.goto(f"{server}/bao-cao/van-ban/mau/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Mẫu văn bản báo cáo"
    assert page.locator("tbody tr").count() == 6
    shot(page, "narrative-templates")
