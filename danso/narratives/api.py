"""/api/v1/narratives: the kinds, drafts (create or reopen, read, change the texts with
If-Match, draft the figures again) and their DOCX (and PDF where LibreOffice is installed).

Refusals: 422 {"detail", "errors": [{index, field, code, message}]} for a kind, unit, period
or texts that do not go together; 409 `stale_version` (with the current version) or `locked`;
404 outside the caller's area."""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from danso.accounts.scope import can_open, get_visible_unit_or_404
from danso.api.register import ProblemsOut
from danso.concurrency import StaleEdit, etag, parse_if_match
from danso.limits import Id
from danso.programmes.models import Activity

from . import drafting, drafts, render
from .kinds import KINDS, info
from .models import Narrative, NarrativeVersion
from .views import DOCX_TYPE, file_name

router = Router(tags=["narratives"])


class NarrativeSectionOut(Schema):
    code: str
    heading: str
    generated: bool
    editable: bool
    sensitive: bool
    hint: str


class KindOut(Schema):
    code: str
    name: str
    period_types: list[str]
    levels: list[str]
    unit_types: list[str]
    cycle_code: str
    description: str
    sections: list[NarrativeSectionOut]


class NarrativeIn(Schema):
    kind: str
    ou: str
    period: str = ""  # 2023, 2024S1, 2024Q2; an event: YYYY-MM-DD/YYYY-MM-DD
    activity: int | None = None  # an event report of one activity
    texts: dict[str, str] = {}


class TextsIn(Schema):
    texts: dict[str, str]


class VersionOut(Schema):
    number: int
    created_at: datetime.datetime
    submission: int | None
    docx: str


class NarrativeOut(Schema):
    id: int
    kind: str
    ou: str
    period: str
    activity: int | None
    version: int
    texts: dict[str, str]
    locked: bool
    drafted_at: datetime.datetime | None
    content: dict | None  # sections of blocks, figures, trace (sensitive parts as allowed)
    docx: str
    versions: list[VersionOut]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class NarrativeConflictOut(Schema):
    detail: str
    code: str
    current_version: int | None = None


def _out(narrative: Narrative, user) -> dict:
    kind = KINDS[narrative.kind]
    hidden = (
        {s.code for s in kind.sections if s.sensitive} if not drafts.sensitive_ok(user) else set()
    )
    base = f"/api/v1/narratives/{narrative.pk}/docx"
    return {
        "id": narrative.pk, "kind": narrative.kind, "ou": narrative.unit.uid,
        "period": narrative.period, "activity": narrative.activity_id,
        "version": narrative.version,
        "texts": {k: v for k, v in narrative.texts.items() if k not in hidden},
        "locked": drafts.locked(narrative), "drafted_at": narrative.drafted_at,
        "content": drafts.content_for(narrative, user), "docx": base,
        "versions": [{"number": v.number, "created_at": v.created_at,
                      "submission": v.submission_id, "docx": f"{base}?version={v.number}"}
                     for v in narrative.versions.all()],
        "created_at": narrative.created_at, "updated_at": narrative.updated_at,
    }  # fmt: skip


def _with_etag(response_status: int, narrative: Narrative, user):
    return Status(response_status, _out(narrative, user))


def _narrative(request, narrative_id: Id) -> Narrative:
    narrative = get_object_or_404(Narrative.objects.select_related("unit", "activity"),
                                  pk=narrative_id)  # fmt: skip
    if not drafts.can_view(request.auth, narrative):
        raise Http404
    return narrative


def _forbidden() -> Status:
    error = {"field": "", "code": "forbidden", "message": _("Your role may not write reports.")}
    return Status(403, {"detail": _("Refused"), "errors": [error]})


def _refused(errors: list[dict]) -> Status:
    return Status(422, {"detail": _("Refused"), "errors": errors})


@router.get("/narratives/kinds", response=list[KindOut])
def list_kinds(request):
    """The kinds of narrative report: periods and units each is written for, its sections
    (generated from the data, written by the unit, sensitive)."""
    return [info(kind) for kind in KINDS.values()]


@router.get("/narratives", response=list[NarrativeOut])
@paginate
def list_narratives(request, kind: str = "", ou: str = ""):
    """Drafts of the caller's area, newest first (`ou`: that unit's subtree)."""
    found = drafts.scoped(request.auth).prefetch_related("versions")
    if kind:
        found = found.filter(kind=kind)
    if ou:
        found = found.filter(ou_path__startswith=get_visible_unit_or_404(request.auth, ou).path)
    return [_out(n, request.auth) for n in found.order_by("-updated_at")]


@router.post("/narratives", response={200: NarrativeOut, 201: NarrativeOut, 403: ProblemsOut,
                                      404: dict, 422: ProblemsOut})  # fmt: skip
def create_narrative(request, payload: NarrativeIn):
    """Create a draft, or reopen the one that exists for the kind, unit and period (200; its
    texts are then left as they are: change them with PATCH). The figures are drafted at
    once. `texts` maps a section code (see /narratives/kinds) to the unit's text."""
    user = request.auth
    if not user.can_edit:
        return _forbidden()
    errors = []
    kind = KINDS.get(payload.kind)
    if kind is None:
        errors.append(
            drafting.DraftError(
                "unknown_kind", _("Unknown kind of narrative report."), "kind"
            ).as_dict()
        )
        return _refused(errors)
    unit = get_visible_unit_or_404(user, payload.ou)
    activity = None
    if payload.activity is not None:
        if not 0 < payload.activity < 2**31:
            raise Http404
        activity = get_object_or_404(Activity, pk=payload.activity)
        if not can_open(user, activity.organiser):
            raise Http404
    try:
        narrative, created = drafts.open_draft(user, kind, unit, payload.period, activity,
                                               payload.texts)  # fmt: skip
    except drafting.DraftError as err:
        return _refused([err.as_dict()])
    except drafts.TextsRefused as err:
        return _refused([p.as_dict() for p in err.problems])
    if narrative.content is None:
        drafts.refresh(narrative)
    return _with_etag(201 if created else 200, narrative, user)


@router.get("/narratives/{narrative_id}", response=NarrativeOut)
def get_narrative(request, narrative_id: Id, response: HttpResponse):
    """A draft with its texts, the drafted content and the frozen versions; the ETag is the
    version to send back in If-Match when changing the texts."""
    narrative = _narrative(request, narrative_id)
    response["ETag"] = etag(narrative)
    return _out(narrative, request.auth)


CHANGE_RESPONSES = {
    200: NarrativeOut,
    403: ProblemsOut,
    409: NarrativeConflictOut,
    422: ProblemsOut,
}


@router.patch("/narratives/{narrative_id}", response=CHANGE_RESPONSES)
def change_texts(request, narrative_id: Id, payload: TextsIn, response: HttpResponse):
    """Change some sections' texts, all or nothing (every problem listed). Send If-Match with
    the ETag read: 409 `stale_version` when someone saved meanwhile, `locked` once submitted."""
    narrative = _narrative(request, narrative_id)
    if not drafts.can_edit(request.auth, narrative):
        return _forbidden()
    expected = parse_if_match(request.headers.get("If-Match"))
    try:
        drafts.save_texts(request.auth, narrative, payload.texts, expected)
    except drafts.TextsRefused as err:
        return _refused([p.as_dict() for p in err.problems])
    except StaleEdit as err:
        return Status(409, {"detail": err.message, "code": err.code,
                            "current_version": err.current_version})  # fmt: skip
    except drafts.Locked as err:
        return Status(409, {"detail": err.message, "code": err.code})
    narrative.refresh_from_db()
    response["ETag"] = etag(narrative)
    return _out(narrative, request.auth)


@router.post("/narratives/{narrative_id}/refresh",
             response={200: NarrativeOut, 403: ProblemsOut, 409: NarrativeConflictOut})  # fmt: skip
def refresh(request, narrative_id: Id):
    """Draft the figures again from the data as they stand now."""
    narrative = _narrative(request, narrative_id)
    if not drafts.can_edit(request.auth, narrative):
        return _forbidden()
    if drafts.locked(narrative):
        return Status(409, {"detail": drafts.Locked().message, "code": "locked"})
    drafts.refresh(narrative)
    return _out(narrative, request.auth)


def _document(request, narrative: Narrative, version: int | None) -> tuple[bytes, int | None]:
    if version is not None:
        if not 0 < version < 2**31:
            raise Http404
        frozen = get_object_or_404(NarrativeVersion, narrative=narrative, number=version)
        return drafts.version_docx(frozen, request.auth), version
    return drafts.docx(narrative, request.auth), None


def _download(request, narrative_id: Id, version: int | None, extension: str):
    narrative = _narrative(request, narrative_id)
    data, number = _document(request, narrative, version)
    if extension == "pdf":
        data, content_type = render.pdf(data), "application/pdf"
    else:
        content_type = DOCX_TYPE
    response = HttpResponse(data, content_type=content_type)
    name = file_name(narrative, extension, number)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/narratives/{narrative_id}/docx", response={200: None})
def get_docx(request, narrative_id: Id, version: int | None = None):
    """The draft as DOCX (or a frozen version's, `version`); sensitive parts only for callers
    with the permission."""
    return _download(request, narrative_id, version, "docx")


@router.get("/narratives/{narrative_id}/pdf", response={200: None, 503: dict})
def get_pdf(request, narrative_id: Id, version: int | None = None):
    """The same as PDF, where LibreOffice is installed on the server (else 503)."""
    if render.libreoffice() is None:
        return Status(503, {"detail": _("LibreOffice is not installed on the server: no PDF."),
                            "code": "no_libreoffice"})  # fmt: skip
    return _download(request, narrative_id, version, "pdf")
