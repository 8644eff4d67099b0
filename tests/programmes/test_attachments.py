"""Files attached to activities: accepted by extension and content, kept out of public reach."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danso.programmes.activities import ActivityError, ActivityInput, delete_activity, save_activity
from danso.programmes.attachments import MAX_BYTES
from danso.programmes.models import ActivityAttachment

from .conftest import TODAY, D

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def office(kind="ooxml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml" if kind == "ooxml" else "mimetype", "x")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_photos_pdfs_and_office_documents_are_kept(two_communes, record, media):
    a = two_communes["a"]
    files = [upload("ảnh buổi họp.png", PNG), upload("báo cáo.pdf", PDF),
             upload("danh sách.xlsx", office()), upload("biên bản.odt", office("odf"))]  # fmt: skip
    activity = record(a["user"], a["commune"], uploads=files)
    kept = {x.name: x for x in activity.attachments.all()}
    assert set(kept) == {"ảnh buổi họp.png", "báo cáo.pdf", "danh sách.xlsx", "biên bản.odt"}
    assert kept["báo cáo.pdf"].content_type == "application/pdf"
    assert kept["ảnh buổi họp.png"].size == len(PNG)
    stored = kept["ảnh buổi họp.png"].file.name
    assert stored.startswith("activities/") and "ảnh" not in stored  # a random name on disk
    assert (media / stored).read_bytes() == PNG


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("chuong-trinh.exe", b"MZ\x90\0", "file_type"),
        ("trang.html", b"<html>", "file_type"),
        ("anh.jpg", b"<html><script>alert(1)</script>", "file_content"),
        ("tai-lieu.docx", b"PK\x03\x04 not really a zip", "file_content"),
        ("nen.docx", office("odf"), "file_content"),  # a zip, but not a Word document
        ("rong.pdf", b"", "empty_file"),
        ("lon.pdf", b"%PDF-" + b"0" * MAX_BYTES, "file_too_large"),
    ],
)
def test_other_files_are_refused(two_communes, record, media, name, content, code):
    a = two_communes["a"]
    with pytest.raises(ActivityError) as excinfo:
        record(a["user"], a["commune"], uploads=[upload("ok.png", PNG), upload(name, content)])
    (problem,) = excinfo.value.problems
    assert (problem.field, problem.code, problem.index) == ("attachments", code, 1)
    assert name in problem.message
    assert not ActivityAttachment.objects.exists()
    assert not media.exists()  # checked before anything is written


def test_a_failed_save_leaves_no_file_behind(two_communes, record, media, monkeypatch):
    """The file is on disk before its row is saved: if the row fails, the file goes too."""

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ActivityAttachment, "save", broken)
    a = two_communes["a"]
    with pytest.raises(RuntimeError):
        record(a["user"], a["commune"], uploads=[upload("ok.png", PNG), upload("b.pdf", PDF)])
    assert not [f for f in media.rglob("*") if f.is_file()]


def test_removed_and_deleted_files_leave_the_disk(
    two_communes, record, media, django_capture_on_commit_callbacks
):
    a = two_communes["a"]
    activity = record(a["user"], a["commune"], uploads=[upload("a.png", PNG), upload("b.pdf", PDF)])
    png, pdf = activity.attachments.get(name="a.png"), activity.attachments.get(name="b.pdf")
    data = ActivityInput(kind="communication", start_date=D(2026, 3, 2), organiser=a["commune"].uid)
    with django_capture_on_commit_callbacks(execute=True):
        save_activity(a["user"], data, activity, remove=[png.pk], today=TODAY)
    assert not (media / png.file.name).exists()
    assert (media / pdf.file.name).exists()
    with django_capture_on_commit_callbacks(execute=True):
        delete_activity(a["user"], activity)
    assert not (media / pdf.file.name).exists()
