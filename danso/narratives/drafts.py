"""Drafts as users work on them: open (create or reopen) for a kind, unit and period; save
the unit's texts (optimistic concurrency, all or nothing, every problem listed); draft the
figures again; render for a reader; freeze at submission.

A draft is locked while its latest submission through the reporting cycle is submitted or
approved; a returned one can be edited and submitted again.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.accounts.scope import can_open, scope_paths
from danso.concurrency import claim
from danso.statistics import cycle
from danso.statistics.models import Submission
from danso.statistics.periods import Period

from . import drafting, render, templates
from .content import has_sensitive, visible
from .kinds import KINDS, Kind
from .models import Narrative, NarrativeVersion

MAX_TEXT = 20_000  # characters of one section's text


@dataclass
class TextProblem:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"index": None, "field": self.field, "code": self.code, "message": self.message}


class TextsRefused(Exception):
    def __init__(self, problems: list[TextProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class Locked(Exception):
    code = "locked"

    @property
    def message(self) -> str:
        return _("This report has been submitted: it can be changed only if it is returned.")


def sensitive_ok(user) -> bool:
    return user is None or user.can_access_sensitive


def scoped(user):
    """Drafts whose unit lies in the user's area."""
    from danso.accounts.scope import path_q

    return Narrative.objects.filter(path_q(scope_paths(user), "ou_path")).select_related("unit")


def kind(narrative: Narrative) -> Kind:
    return KINDS[narrative.kind]


def request_for(narrative: Narrative, user=None, progress=None):
    return drafting.make_request(kind(narrative), narrative.unit, narrative.period,
                                 narrative.activity, user, progress)  # fmt: skip


def find(kind_: Kind, unit, period_key: str, activity=None) -> Narrative | None:
    found = Narrative.objects.filter(kind=kind_.code, unit=unit)
    if activity is not None:
        return found.filter(activity=activity).first()
    return found.filter(period=period_key, activity__isnull=True).first()


def open_draft(user, kind_: Kind, unit, period_text: str = "", activity=None,
               texts: dict | None = None) -> tuple[Narrative, bool]:  # fmt: skip
    """(the draft, whether it was created now). Raises DraftError for a kind, unit or period
    that do not go together, TextsRefused for bad texts."""
    request = drafting.make_request(kind_, unit, period_text, activity, user)
    key = drafting.period_key(request)
    existing = find(kind_, unit, key, activity)
    if existing is not None:
        return existing, False
    cleaned = clean_texts(kind_, texts or {}, user, {})
    try:
        with transaction.atomic():
            narrative = Narrative.objects.create(
                kind=kind_.code, unit=unit, ou_path=unit.path, period=key, activity=activity,
                texts=cleaned, created_by=user, updated_by=user,
            )  # fmt: skip
    except IntegrityError:  # opened at the same moment by someone else
        return find(kind_, unit, key, activity), False
    return narrative, True


def clean_texts(kind_: Kind, texts: dict, user, current: dict) -> dict:
    """The texts merged into the current ones: every problem at once (unknown section, too
    long, NUL bytes, a sensitive section without the permission)."""
    problems, merged = [], dict(current)
    editable = {s.code: s for s in kind_.editable_sections}
    for code, text in texts.items():
        section = editable.get(code)
        field = f"texts.{code}"
        if section is None:
            problems.append(TextProblem(field, "unknown_section",
                                        _("This report has no section to write called "
                                          "“%(code)s”.") % {"code": str(code)[:50]}))  # fmt: skip
            continue
        if not isinstance(text, str):
            problems.append(TextProblem(field, "invalid", _("A section's text must be text.")))
            continue
        if section.sensitive and not sensitive_ok(user):
            problems.append(TextProblem(field, "sensitive", _("Only users allowed to see "
                                                              "sensitive data write this "
                                                              "section.")))  # fmt: skip
            continue
        if "\x00" in text:
            problems.append(TextProblem(field, "nul_byte", _("The text holds a NUL character.")))
            continue
        if len(text) > MAX_TEXT:
            problems.append(TextProblem(field, "too_long",
                                        _("The text is longer than %(n)s characters.")
                                        % {"n": f"{MAX_TEXT:,}".replace(",", ".")}))  # fmt: skip
            continue
        merged[code] = text.replace("\r\n", "\n").strip()
    if problems:
        raise TextsRefused(problems)
    return merged


def locked(narrative: Narrative) -> bool:
    k = kind(narrative)
    if not k.cycle_code or narrative.activity_id or k.code == "event":
        return False
    try:
        period = Period.parse(narrative.period)
    except ValueError:
        return False
    latest = cycle.latest(k.cycle_code, narrative.unit, period)
    return latest is not None and latest.status != Submission.Status.RETURNED


def save_texts(user, narrative: Narrative, texts: dict, expected_version: int | None) -> None:
    """All or nothing: TextsRefused lists every problem; StaleEdit when someone saved since
    `expected_version`; Locked once submitted."""
    if locked(narrative):
        raise Locked()
    merged = clean_texts(kind(narrative), texts, user, narrative.texts)
    with transaction.atomic():
        claim(narrative, expected_version)
        narrative.texts, narrative.updated_by = merged, user
        narrative.save(update_fields=["texts", "updated_by", "updated_at"])


def refresh(narrative: Narrative, progress=None) -> Narrative:
    """Draft the figures again from the data as they stand."""
    content = drafting.gather(request_for(narrative, progress=progress))
    Narrative.objects.filter(pk=narrative.pk).update(content=content,
                                                     drafted_at=timezone.now())  # fmt: skip
    narrative.content, narrative.drafted_at = content, timezone.now()
    return narrative


def content_for(narrative: Narrative, user) -> dict | None:
    return visible(narrative.content, sensitive_ok(user))


def docx(narrative: Narrative, user) -> bytes:
    """The draft as DOCX for the reader (figures drafted first if they never were)."""
    if narrative.content is None:
        refresh(narrative)
    template, _number = templates.template_bytes(kind(narrative))
    return render.docx(template, kind(narrative), narrative.content, narrative.texts,
                       sensitive_ok(user))  # fmt: skip


def version_docx(version: NarrativeVersion, user) -> bytes:
    """A frozen version's DOCX for the reader: the copy without sensitive parts for users
    without the permission."""
    if version.docx_public is not None and not sensitive_ok(user):
        return bytes(version.docx_public)
    return bytes(version.docx)


def can_view(user, narrative: Narrative) -> bool:
    return user is None or can_open(user, narrative.unit)


def can_edit(user, narrative: Narrative) -> bool:
    return user is None or (user.can_edit and can_view(user, narrative))


@transaction.atomic
def freeze(narrative: Narrative) -> NarrativeVersion:
    """A new frozen version: the figures drafted now, the texts and the DOCX (and its copy
    without sensitive parts). Linked to its submission by submission.link_submission."""
    refresh(narrative)
    k = kind(narrative)
    template, template_number = templates.template_bytes(k)
    full = render.docx(template, k, narrative.content, narrative.texts, True)
    public = None
    if k.sensitive_parts or has_sensitive(narrative.content):
        public = render.docx(template, k, narrative.content, narrative.texts, False)
    number = (narrative.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return NarrativeVersion.objects.create(
        narrative=narrative, number=number, texts=narrative.texts, content=narrative.content,
        docx=full, docx_public=public, template_version=template_number,
    )  # fmt: skip
