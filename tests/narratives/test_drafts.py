"""Drafts as users work on them, on the web and through the API: opened once per kind, unit
and period; the unit's texts saved all or nothing with every problem listed; a stale edit
refused (409) with what was typed kept; submitted through the reporting cycle, which freezes
a version and locks the draft until the level above returns it; scope."""

import pytest

from danso.accounts.models import Role
from danso.narratives.models import Narrative
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_organisation
from danso.programmes import entry
from danso.programmes.models import DataSet
from danso.statistics.models import Submission
from danso.statistics.periods import Period

from .conftest import docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def fpa(db, make_user):
    province = OrgUnit.objects.get(uid="P66")
    unit = create_organisation(province, code="HKHHGD", name="Hội KHHGĐ tỉnh Đắk Lắk",
                               unit_type="hoi_khhgd")  # fmt: skip
    staff = make_user("hoi", Role.PARTNER, unit)
    entry.save(staff, DataSet.objects.get(code="HKHHGD_NAM"), unit, Period.parse("2023"),
               {("FPA_CLIENTS", "default"): "5.838"})  # fmt: skip
    return {"unit": unit, "staff": staff, "province": province,
            "officer": make_user("tinh", Role.PROVINCE, province),
            "outsider": make_user("xa", Role.COMMUNE, OrgUnit.objects.get(uid="C24211")),
            "viewer": make_user("xem", Role.VIEWER, province)}  # fmt: skip


def start(client):
    return client.post("/bao-cao/van-ban/", {"loai": "partner_annual", "dv": "P66-HKHHGD",
                                             "ky": "2023"})  # fmt: skip


def test_a_draft_is_opened_once_edited_and_reopened(fpa, login):
    web = login(fpa["staff"])
    first = start(web)
    assert first.status_code == 302
    page = web.get(first["Location"])  # drafts the figures, then shows them
    assert page.status_code == 200
    assert "5.838 lượt" in page.content.decode()  # the drafted figures, previewed
    assert start(web)["Location"] == first["Location"]  # reopened, not a second draft
    narrative = Narrative.objects.get()
    saved = web.post(first["Location"], {"version": narrative.version,
                                         "text_situation": "Hội có 15 chi hội cơ sở.",
                                         "text_tasks": "Tổ chức 12 chuyến lưu động."})  # fmt: skip
    assert saved.status_code == 302
    narrative.refresh_from_db()
    assert narrative.texts == {"situation": "Hội có 15 chi hội cơ sở.",
                               "tasks": "Tổ chức 12 chuyến lưu động."}  # fmt: skip
    assert narrative.version == 2
    text = docx_text(web.get(f"/bao-cao/van-ban/{narrative.pk}/docx/").content)
    assert "Hội có 15 chi hội cơ sở." in text and "Tổ chức 12 chuyến lưu động." in text
    # Someone else saved meanwhile: the stale form is refused, nothing of it is saved, and
    # both what was typed and what is now saved are on the page.
    stale = web.post(first["Location"], {"version": 1, "text_situation": "Bản cũ của tôi"})
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Bản cũ của tôi" in body and "Hội có 15 chi hội cơ sở." in body
    narrative.refresh_from_db()
    assert narrative.texts["situation"] == "Hội có 15 chi hội cơ sở."
    bad = web.post(first["Location"], {"version": 2, "text_situation": "a\x00b",
                                       "text_tasks": "x" * 20_001})  # fmt: skip
    assert bad.status_code == 422
    assert "NUL" in bad.content.decode() and "20.000" in bad.content.decode()
    narrative.refresh_from_db()
    assert narrative.version == 2  # all or nothing


def test_the_api_creates_reads_and_changes_a_draft(fpa, bearer):
    api = bearer(fpa["staff"])
    kinds = api.get("/api/v1/narratives/kinds").json()
    assert [k["code"] for k in kinds] == ["year_review", "six_month_review",
                                          "quarterly_briefing", "partner_annual",
                                          "womens_union", "event"]  # fmt: skip
    payload = {"kind": "partner_annual", "ou": "P66-HKHHGD", "period": "2023",
               "texts": {"assessment": "Hoàn thành kế hoạch."}}  # fmt: skip
    created = api.post("/api/v1/narratives", payload, content_type="application/json")
    assert created.status_code == 201
    draft = created.json()
    assert draft["texts"] == {"assessment": "Hoàn thành kế hoạch."}
    assert "5.838 lượt" in str(draft["content"]["sections"]["results"])
    again = api.post("/api/v1/narratives", payload, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == draft["id"]
    url = f"/api/v1/narratives/{draft['id']}"
    etag = api.get(url)["ETag"]
    assert etag == '"1"'
    changed = api.patch(url, {"texts": {"tasks": "12 chuyến."}}, content_type="application/json",
                        headers={"If-Match": etag})  # fmt: skip
    assert changed.status_code == 200 and changed["ETag"] == '"2"'
    stale = api.patch(url, {"texts": {"tasks": "cũ"}}, content_type="application/json",
                      headers={"If-Match": etag})  # fmt: skip
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version" and stale.json()["current_version"] == 2
    refused = api.patch(url, {"texts": {"nope": "x", "tasks": "a\x00"}},
                        content_type="application/json", headers={"If-Match": '"2"'})  # fmt: skip
    assert refused.status_code == 422
    assert [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("texts.nope", "unknown_section"),
        ("texts.tasks", "nul_byte"),
    ]
    docx = api.get(f"{url}/docx")
    assert docx.status_code == 200 and "12 chuyến." in docx_text(docx.content)
    wrong = api.post("/api/v1/narratives", {**payload, "period": "2023Q1"},
                     content_type="application/json")  # fmt: skip
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "wrong_period_type"
    openapi = api.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/narratives",
        "/api/v1/narratives/kinds",
        "/api/v1/narratives/{narrative_id}",
        "/api/v1/narratives/{narrative_id}/docx",
    } <= set(openapi)


def test_scope_and_roles(fpa, bearer, login):
    created = bearer(fpa["staff"]).post("/api/v1/narratives", {"kind": "partner_annual",
                                        "ou": "P66-HKHHGD", "period": "2023"},
                                        content_type="application/json")  # fmt: skip
    pk = created.json()["id"]
    outsider = bearer(fpa["outsider"])
    assert outsider.get(f"/api/v1/narratives/{pk}").status_code == 404
    assert outsider.get(f"/api/v1/narratives/{pk}/docx").status_code == 404
    assert login(fpa["outsider"]).get(f"/bao-cao/van-ban/{pk}/").status_code == 404
    assert outsider.get("/api/v1/narratives").json()["count"] == 0
    viewer = bearer(fpa["viewer"])
    assert viewer.get(f"/api/v1/narratives/{pk}").status_code == 200
    payload = {"kind": "partner_annual", "ou": "P66-HKHHGD", "period": "2023"}
    refused = viewer.post("/api/v1/narratives", payload, content_type="application/json")
    assert refused.status_code == 403


def test_submission_freezes_the_draft_and_locks_it_until_returned(fpa, login, bearer):
    staff = login(fpa["staff"])
    no_draft = staff.post("/bao-cao/nop/", {"bieu": "VB-DOITAC", "dv": "P66-HKHHGD", "ky": "2023"},
                          follow=True)  # fmt: skip
    assert "Chưa có bản thảo báo cáo này để nộp." in no_draft.content.decode()
    assert no_draft.redirect_chain[-1][0].startswith("/bao-cao/van-ban/?loai=partner_annual")
    assert Submission.objects.count() == 0
    location = start(staff)["Location"]
    narrative = Narrative.objects.get()
    staff.post(location, {"version": narrative.version, "text_assessment": "Lần 1"})
    submitted = staff.post("/bao-cao/nop/", {"bieu": "VB-DOITAC", "dv": "P66-HKHHGD",
                                             "ky": "2023"})  # fmt: skip
    assert submitted.status_code == 302 and submitted["Location"] == location
    submission = Submission.objects.get()
    version = narrative.versions.get()
    assert (version.number, version.submission, version.texts) == (
        1,
        submission,
        {"assessment": "Lần 1"},
    )
    assert "Lần 1" in docx_text(bytes(version.docx))
    # Locked: the texts cannot change, on the web or through the API.
    narrative.refresh_from_db()
    staff.post(location, {"version": narrative.version, "text_assessment": "Sửa sau khi nộp"})
    narrative.refresh_from_db()
    assert narrative.texts == {"assessment": "Lần 1"}
    api = bearer(fpa["staff"])
    locked = api.patch(f"/api/v1/narratives/{narrative.pk}", {"texts": {"assessment": "x"}},
                       content_type="application/json")  # fmt: skip
    assert locked.status_code == 409 and locked.json()["code"] == "locked"
    # The province returns it; the unit corrects and submits again: version 2.
    province = login(fpa["officer"])
    returned = {"action": "return", "comment": "Bổ sung đánh giá"}
    province.post(f"/bao-cao/nop/{submission.pk}/xet/", returned)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
    staff.post(location, {"version": narrative.version, "text_assessment": "Lần 2"})
    narrative.refresh_from_db()
    assert narrative.texts == {"assessment": "Lần 2"}
    staff.post("/bao-cao/nop/", {"bieu": "VB-DOITAC", "dv": "P66-HKHHGD", "ky": "2023"})
    assert [v.number for v in narrative.versions.all()] == [2, 1]
    frozen = staff.get(f"/bao-cao/van-ban/{narrative.pk}/docx/?phien-ban=1")
    assert "Lần 1" in docx_text(frozen.content) and "Lần 2" not in docx_text(frozen.content)


def test_a_large_unit_is_drafted_in_the_background_with_progress(fpa, login, monkeypatch):
    """Above the threshold of villages to count afresh, the page hands the drafting to a
    background job and shows its progress (here the threshold is lowered to 0 and the job run
    as the worker would run it)."""
    from danso.narratives import drafting, jobs
    from danso.narratives.models import DraftJob

    monkeypatch.setattr(drafting, "BACKGROUND_VILLAGES", -1)
    officer = login(fpa["officer"])
    location = officer.post("/bao-cao/van-ban/", {"loai": "year_review", "dv": "P66",
                                                  "ky": "2024"})["Location"]  # fmt: skip
    waiting = officer.get(location)
    job = DraftJob.objects.get()
    assert waiting.status_code == 302 and waiting["Location"] == f"/bao-cao/van-ban/viec/{job.pk}/"
    running = officer.get(waiting["Location"])
    assert "<progress" in running.content.decode()
    jobs.run_job(job)
    done = officer.get(waiting["Location"], headers={"HX-Request": "true"})
    assert "Đã soạn xong số liệu." in done.content.decode()
    page = officer.get(location)
    assert page.status_code == 200
    assert "Tổng kết công tác Dân số năm 2024" in str(Narrative.objects.get().content["header"])
