"""The page to import and export aggregate data in DHIS2's files."""

import io

import pytest
from django.core.management import call_command

from danso.exchange.models import ImportJob
from danso.programmes.models import DataValue
from danso.web import dhis2_views

pytestmark = pytest.mark.django_db

URL = "/trao-doi-dhis2/"


def upload(name: str, text: str):
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def test_dry_run_shows_every_conflict_in_vietnamese_and_changes_nothing(world, login):
    a = world["a"]
    client = login(a["user"])
    csv = (f"XA_CLUBS_ACTIVE,2025Q3,{a['commune'].uid},,,3\n"
           f"XA_CLUBS_ACTIVE,2025Q3,{world['b']['commune'].uid},,,3\n")  # fmt: skip
    page = client.post(URL, {"file": upload("so-lieu.csv", csv), "id_scheme": "code",
                             "dry_run": "on", "import_valid": "on"})  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chỉ kiểm tra" in text  # the dry run's description
    assert f"Không có đơn vị {world['b']['commune'].uid} trong địa bàn của bạn." in text
    assert not DataValue.objects.exists()

    page = client.post(URL, {"file": upload("so-lieu.csv", csv), "id_scheme": "code"})
    assert "Không nhập gì" in page.content.decode()
    assert not DataValue.objects.exists()

    client.post(URL, {"file": upload("so-lieu.csv", csv), "id_scheme": "code",
                      "import_valid": "on"})  # fmt: skip
    assert DataValue.objects.get().value == 3


def test_the_format_comes_from_the_name_or_the_choice(world, login):
    client = login(world["a"]["user"])
    page = client.post(URL, {"file": upload("so-lieu.txt", "x"), "id_scheme": "code"})
    assert "định dạng" in page.content.decode().lower()
    assert not DataValue.objects.exists()


def test_export_downloads_the_chosen_format(stored, login):
    a = stored["a"]
    client = login(a["user"])
    query = {"data_set": "KCN_QUY", "period": "2025Q3", "unit": a["commune"].uid,
             "children": "on", "format": "adx"}  # fmt: skip
    answer = client.get(URL + "xuat/", query)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/adx+xml"
    assert b'period="2025-07-01/P3M"' in answer.content
    assert b'SEX="FEMALE"' in answer.content
    wrong = client.get(URL + "xuat/", {**query, "unit": stored["b"]["commune"].uid})
    assert wrong.status_code == 422
    assert "trong địa bàn của bạn" in wrong.content.decode()


def test_a_large_file_is_imported_in_the_background(world, login, monkeypatch):
    a = world["a"]
    monkeypatch.setattr(dhis2_views, "BACKGROUND_FROM", 10)  # bytes: any file is "large"
    client = login(a["user"])
    csv = f"XA_CLUBS_ACTIVE,2025Q3,{a['commune'].uid},,,3\n"
    response = client.post(URL, {"file": upload("lon.csv", csv), "id_scheme": "code"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "datavalues"
    assert "hx-get" in client.get(response["Location"]).content.decode()  # progress, polled
    # See tests/register/test_import_export.py: keep the test's connection through the worker.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.summary["importCount"]["imported"]) == ("done", 1)
    assert DataValue.objects.get().value == 3
    assert "Đã nhập xong" in client.get(response["Location"]).content.decode()


def test_the_register_import_page_links_here(world, login):
    page = login(world["a"]["user"]).get("/nhap-du-lieu/").content.decode()
    assert URL in page
