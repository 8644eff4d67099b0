"""Photos and documents attached to activities: what is accepted and where it is kept.

A file is accepted by its extension and by its first bytes (an office document must also be a
ZIP or OLE2 file of the right kind), so a renamed program or web page is refused. Files live
under MEDIA_ROOT with a random name and are served only through a view that checks the scope;
the original name is kept in the row for downloads.
"""

import os
import uuid
import zipfile

from django.db import transaction
from django.utils.translation import gettext as _

from danso.register.validation import Problem

from .models import ActivityAttachment

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_ACTIVITY = 20

JPEG, PNG, PDF = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-"
GIF = (b"GIF87a", b"GIF89a")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word, Excel, PowerPoint before 2007
ZIP = b"PK\x03\x04"

# extension → content type served, and the kind of content expected.
TYPES = {
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".png": ("image/png", "png"),
    ".gif": ("image/gif", "gif"),
    ".webp": ("image/webp", "webp"),
    ".heic": ("image/heic", "heic"),
    ".pdf": ("application/pdf", "pdf"),
    ".doc": ("application/msword", "ole2"),
    ".xls": ("application/vnd.ms-excel", "ole2"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole2"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ooxml",
    ),
    ".odt": ("application/vnd.oasis.opendocument.text", "odf"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    ".odp": ("application/vnd.oasis.opendocument.presentation", "odf"),
}
ACCEPT = ",".join(["image/*", *TYPES])  # for <input type="file" accept=…>


def _content_matches(upload, kind: str) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if kind in ("ooxml", "odf"):
        if not head.startswith(ZIP):
            return False
        try:
            names = set(zipfile.ZipFile(upload).namelist())  # reads the directory only
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names if kind == "ooxml" else "mimetype" in names
    return {
        "jpeg": head.startswith(JPEG),
        "png": head.startswith(PNG),
        "gif": head.startswith(GIF),
        "webp": head[:4] == b"RIFF" and head[8:12] == b"WEBP",
        "heic": head[4:8] == b"ftyp",
        "pdf": head.startswith(PDF),
        "ole2": head.startswith(OLE2),
    }[kind]


def check_uploads(uploads, already: int = 0) -> list[Problem]:
    """Problems with the files, each naming the file (field "attachments", index = position)."""
    problems = []
    if already + len(uploads) > MAX_PER_ACTIVITY:
        message = _("An activity holds at most %(n)s files.") % {"n": MAX_PER_ACTIVITY}
        problems.append(Problem("attachments", "too_many_files", message))
    for index, upload in enumerate(uploads):
        name = os.path.basename(upload.name or "")
        ext = os.path.splitext(name)[1].lower()
        problem = None
        if ext not in TYPES:
            problem = (
                "file_type",
                _("%(name)s is not a photo, a PDF or an office document.") % {"name": name},
            )
        elif upload.size == 0:
            problem = ("empty_file", _("%(name)s is empty.") % {"name": name})
        elif upload.size > MAX_BYTES:
            problem = ("file_too_large", _("%(name)s is larger than 10 MB.") % {"name": name})
        elif not _content_matches(upload, TYPES[ext][1]):
            problem = (
                "file_content",
                _("The content of %(name)s is not a %(ext)s file.") % {"name": name, "ext": ext},
            )
        if problem:
            problems.append(Problem("attachments", *problem, index=index))
    return problems


def store(activity, uploads, user, written: list) -> None:
    """Save checked uploads, appending each to `written` as soon as its file is on disk, so
    that the caller removes the files again (`discard`) if its transaction fails."""
    for upload in uploads:
        name = os.path.basename(upload.name)
        ext = os.path.splitext(name)[1].lower()
        attachment = ActivityAttachment(
            activity=activity,
            name=name[:200],
            content_type=TYPES[ext][0],
            size=upload.size,
            uploaded_by=user,
        )
        attachment.file.save(f"{uuid.uuid4().hex}{ext}", upload, save=False)
        written.append(attachment)
        attachment.save()


def discard(attachments) -> None:
    for attachment in attachments:
        attachment.file.delete(save=False)


def delete_files_on_commit(attachments) -> None:
    """Files go once the rows are gone for good; a rolled-back delete keeps them."""
    names = [a.file.name for a in attachments]
    storage = ActivityAttachment._meta.get_field("file").storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)
