"""The event report from the demo's Population Day meeting (26/12/2025, organised by the demo
commune in its 8 villages): by hand 96 + 24 = 120 women and 71 + 19 = 90 men, 210 in all
(general public 167, adolescents 43); 5,000,000 đồng from the local budget. And the PDF copy,
through LibreOffice."""

import os

import pytest

from danso.demo import create_demo
from danso.narratives import render
from danso.programmes.models import Activity

from .conftest import docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def population_day(db):
    create_demo()
    return Activity.objects.get(kind="commemoration")


def test_the_event_report_of_an_activity(population_day, bearer):
    from danso.accounts.models import User

    api = bearer(User.objects.get(username="xa"))
    created = api.post("/api/v1/narratives", {"kind": "event", "ou": population_day.organiser.uid,
                                              "activity": population_day.pk},
                       content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    text = docx_text(api.get(f"/api/v1/narratives/{created.json()['id']}/docx").content)
    assert "Kết quả tổ chức Mít tinh hưởng ứng Ngày Dân số Việt Nam 26/12" in text
    assert "Quy mô: 210 lượt người tham dự (nữ 120, nam 90)." in text
    assert ("Địa điểm: xã Ea Súp: thôn 1, thôn 2, thôn 3, thôn 4, thôn 5, thôn 6, thôn 7 và "
            "thôn 8.") in text  # fmt: skip
    assert "Kinh phí: 5.000.000 đồng (nguồn: ngân sách địa phương)." in text
    assert f"Hoạt động số {population_day.pk}" in text  # the appendix
    # The same event by its dates: the activities of the commune begun in the range.
    by_dates = api.post("/api/v1/narratives", {"kind": "event", "ou": population_day.organiser.uid,
                                               "period": "2025-12-01/2025-12-31"},
                        content_type="application/json")  # fmt: skip
    assert by_dates.status_code == 201
    assert "210 lượt người" in str(by_dates.json()["content"]["sections"]["event"])
    backwards = api.post("/api/v1/narratives", {"kind": "event", "ou": population_day.organiser.uid,
                                                "period": "2025-12-31/2025-12-01"},
                         content_type="application/json")  # fmt: skip
    assert backwards.json()["errors"][0]["code"] == "end_before_start"


def test_the_pdf_copy(population_day, login, tmp_path):
    """Where LibreOffice is installed (CI installs it): a real PDF of the draft."""
    if render.libreoffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (apt-get install libreoffice-writer-nogui)")
        pytest.skip("LibreOffice not installed; CI always runs this")
    from danso.accounts.models import User

    web = login(User.objects.get(username="hoi"))
    location = web.post("/bao-cao/van-ban/", {"loai": "partner_annual", "dv": "P66-HKHHGD",
                                              "ky": "2023"})["Location"]  # fmt: skip
    web.get(location)
    response = web.get(f"{location}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "hoi.pdf"
    path.write_bytes(response.content)
    import subprocess

    if text := _pdf_text(path, subprocess):
        assert "5.838" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


def _pdf_text(path, subprocess) -> str:
    """The PDF's text by pdftotext (poppler-utils), when it is installed."""
    import shutil

    if not shutil.which("pdftotext"):
        return ""
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
