"""Templates are data: an administrator downloads a kind's DOCX template, changes it and
uploads it back; a broken one is refused with a clear reason and the old one stays."""

import io

import pytest
from docx import Document

from danso.accounts.models import Role
from danso.narratives import drafting, drafts, render, templates
from danso.narratives.kinds import KINDS
from danso.narratives.models import NarrativeTemplate
from danso.orgunits.models import OrgUnit

from .conftest import docx_text

pytestmark = pytest.mark.django_db


def edited(data: bytes, old: str, new: str) -> bytes:
    """The template with one paragraph's text replaced, as a person would in Word."""
    document = Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        if paragraph.text == old:
            for run in paragraph.runs[1:]:
                run.text = ""
            paragraph.runs[0].text = new
            break
    else:
        raise AssertionError(f"no paragraph {old!r}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def admin(make_user):
    return make_user("quantri", Role.ADMIN, OrgUnit.objects.get(uid="VN"))


def upload(client, code, data, name="mau.docx"):
    return client.post("/bao-cao/van-ban/mau/", {"loai": code, "file": _file(data, name)})


def _file(data, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_a_changed_template_is_used_and_a_broken_one_refused(admin, login):
    web = login(admin)
    builtin = web.get("/bao-cao/van-ban/mau/event.docx")
    assert builtin.status_code == 200
    heading = "III. KẾT QUẢ"
    assert heading in docx_text(builtin.content)
    changed = edited(
        builtin.content, heading, "III. KẾT QUẢ ĐẠT ĐƯỢC VÀ {{ figures.ACT_MOBILE_TRIPS }}"
    )
    assert upload(web, "event", changed).status_code == 302
    (kept,) = NarrativeTemplate.objects.all()
    assert (kept.kind, kept.number, kept.uploaded_by) == ("event", 1, admin)
    kind = KINDS["event"]
    request = drafting.make_request(kind, OrgUnit.objects.get(uid="C24211"), "2025-12-26")
    template, number = templates.template_bytes(kind)
    assert number == 1
    text = docx_text(render.docx(template, kind, drafting.gather(request), {}, True))
    assert "III. KẾT QUẢ ĐẠT ĐƯỢC VÀ …" in text  # a figure this draft does not hold: "…"

    # Broken: an unclosed tag, a name no draft holds, not a Word file. Each is refused with
    # its reason, and template no. 1 stays in use.
    for data, reason in (
        (edited(builtin.content, heading, "{{ figures.ACT_MOBILE_TRIPS"), "có thẻ chưa đóng"),
        (edited(builtin.content, heading, "{{ tittle }}"), "mẫu dùng tên “tittle” không có"),
        (edited(builtin.content, "{{p body.results }}", "kết quả"), "mất chỗ đặt nội dung"),
        (b"PK\x03\x04 not a zip at all", "không phải là văn bản word"),
        (b"", "tệp không có dữ liệu"),
    ):  # fmt: skip
        response = upload(web, "event", data)
        assert response.status_code == 422
        assert reason in response.content.decode().lower(), reason
        assert templates.template_bytes(kind)[1] == 1
    assert NarrativeTemplate.objects.count() == 1

    # Back to the built-in one (the upload is kept).
    web.post("/bao-cao/van-ban/mau/", {"loai": "event", "action": "restore"})
    assert templates.template_bytes(kind)[1] == 0
    assert NarrativeTemplate.objects.count() == 1


def test_only_national_administrators_keep_templates(make_user, login):
    officer = make_user("tinh", Role.PROVINCE, OrgUnit.objects.get(uid="P66"))
    web = login(officer)
    assert web.get("/bao-cao/van-ban/mau/").status_code == 403
    assert web.get("/bao-cao/van-ban/mau/event.docx").status_code == 403
    province_admin = make_user("qt_tinh", Role.ADMIN, OrgUnit.objects.get(uid="P66"))
    assert login(province_admin).get("/bao-cao/van-ban/mau/").status_code == 403


def test_every_builtin_template_passes_its_own_check():
    for kind in KINDS.values():
        templates.check(kind, templates.builtin(kind))


def test_drafts_use_the_unit_texts_and_placeholders(db):
    """An editable section left empty prints a dotted line for writing by hand."""
    kind = KINDS["event"]
    request = drafting.make_request(kind, OrgUnit.objects.get(uid="C24211"), "2025-12-26")
    content = drafting.gather(request)
    text = docx_text(render.docx(templates.builtin(kind), kind, content,
                                 {"content": "Văn nghệ, tuyên truyền."}, True))  # fmt: skip
    assert "Văn nghệ, tuyên truyền." in text
    assert render.PLACEHOLDER in text  # the other sections to write
    assert drafts.sensitive_ok(None)
