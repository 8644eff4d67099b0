"""Pages of the narrative reports (under Reports): choose a kind, a unit and a period; the
draft with its figures and the unit's texts; downloads (DOCX, PDF); submission through the
reporting cycle; the kinds' templates for national administrators."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from danso import heartbeat
from danso.accounts.scope import (
    can_approve_report,
    can_open,
    get_visible_unit_or_404,
    home_unit,
    is_national_administrator,
)
from danso.concurrency import StaleEdit
from danso.programmes.models import Activity
from danso.statistics import cycle
from danso.statistics.models import Submission
from danso.statistics.periods import Period

from . import drafting, drafts, jobs, templates
from . import render as rendering
from .kinds import KINDS
from .models import DraftJob, Narrative, NarrativeVersion

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class StartForm(forms.Form):
    loai = forms.ChoiceField(label=gettext_lazy("Kind of report"))
    dv = forms.CharField(label=gettext_lazy("Unit (identifier)"), max_length=40)
    ky = forms.CharField(label=gettext_lazy("Period or dates"), max_length=21, required=False,
                         widget=forms.TextInput(attrs={"placeholder": "2023 · 2024S1 · 2024Q2"}),
                         help_text=gettext_lazy("An event: 2025-12-01/2025-12-31, or its "
                                                "activity number."))  # fmt: skip
    hoat_dong = forms.IntegerField(label=gettext_lazy("Activity no."), required=False,
                                   min_value=1, max_value=2**31 - 1)  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loai"].choices = [(k.code, k.name) for k in KINDS.values()]

    def clean(self):
        data = super().clean()
        for name in ("dv", "ky"):
            if "\x00" in (data.get(name) or ""):
                self.add_error(name, _("The text holds a NUL character."))
        return data


def _narrative_or_404(user, pk) -> Narrative:
    narrative = get_object_or_404(Narrative.objects.select_related("unit", "activity"), pk=pk)
    if not drafts.can_view(user, narrative):
        raise Http404
    return narrative


@login_required
def narratives(request):
    """Start a draft (or reopen the one that exists) and list the drafts of the user's area."""
    home = home_unit(request.user)
    initial = {"dv": home.uid if home else ""}
    # A link (from an activity, from the cycle) fills the form in; only a POST opens a draft.
    initial.update({k: v for k, v in request.GET.items() if k in StartForm.base_fields})
    data = request.POST if request.method == "POST" else None
    form = StartForm(data, initial=initial)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        unit = get_visible_unit_or_404(request.user, d["dv"].strip())
        activity = None
        if d["hoat_dong"]:
            activity = get_object_or_404(Activity, pk=d["hoat_dong"])
            if not can_open(request.user, activity.organiser):
                raise Http404
        try:
            narrative, _created = drafts.open_draft(request.user, KINDS[d["loai"]], unit,
                                                    d["ky"] or "", activity)  # fmt: skip
        except drafting.DraftError as err:
            form.add_error("hoat_dong" if err.field == "activity" else (
                "dv" if err.field == "unit" else "ky"), err.message)  # fmt: skip
        else:
            return redirect("narrative", pk=narrative.pk)
    recent = drafts.scoped(request.user).order_by("-updated_at")[:30]
    return render(request, "narratives/start.html", {
        "form": form, "recent": recent, "kinds": KINDS.values(),
        "can_templates": is_national_administrator(request.user),
    })  # fmt: skip


def _cycle_context(user, narrative: Narrative) -> dict:
    kind = drafts.kind(narrative)
    if not kind.cycle_code or narrative.activity_id:
        return {}
    form = cycle.form_of(kind.cycle_code)
    period = Period.parse(narrative.period)
    submissions = Submission.objects.filter(form_code=kind.cycle_code, unit=narrative.unit,
                                            period=period.id).order_by("-version")  # fmt: skip
    return {
        "cycle_form": form, "submissions": submissions, "form": form,
        "uid": narrative.unit.uid, "period_id": period.id,
        "can_submit": form.can_submit(user, narrative.unit) and period.end < _today(),
        "can_approve": can_approve_report(user, narrative.unit)
        and (not form.sensitive or user.can_access_sensitive),
        "deadline": cycle.deadline(form, period),
        "parent_uid": narrative.unit.parent.uid
        if narrative.unit.parent_id and can_open(user, narrative.unit.parent) else "",
    }  # fmt: skip


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _page(request, narrative: Narrative, typed=None, problems=None, stale=None, status=200):
    user = request.user
    kind = drafts.kind(narrative)
    sensitive_ok = drafts.sensitive_ok(user)
    texts = dict(narrative.texts)
    if typed is not None:
        texts.update(typed)
    sections = []
    content = drafts.content_for(narrative, user)
    for section in kind.sections:
        hidden = section.sensitive and not sensitive_ok
        blocks = content["sections"].get(section.code, []) if content else []
        problem = (problems or {}).get(f"texts.{section.code}")
        text = "" if hidden else texts.get(section.code, "")
        current = (stale or {}).get(section.code)
        sections.append({"section": section, "blocks": blocks, "hidden": hidden, "text": text,
                         "problem": problem, "current": current})  # fmt: skip
    context = {
        "narrative": narrative, "kind": kind, "sections": sections, "content": content,
        "locked": drafts.locked(narrative), "can_edit": drafts.can_edit(user, narrative),
        "trace": content["trace"] if content else [], "pdf": rendering.libreoffice() is not None,
        "versions": narrative.versions.select_related("submission").all(),
        "stale": stale is not None,
        **_cycle_context(user, narrative),
    }  # fmt: skip
    return render(request, "narratives/draft.html", context, status=status)


def _start_drafting(request, narrative: Narrative):
    """Draft the figures now, or in the background for a large unit (then its job page)."""
    try:
        request_ = drafts.request_for(narrative)
    except drafting.DraftError as err:
        messages.error(request, err.message)
        return redirect("narrative", pk=narrative.pk)
    if drafting.needs_background(request_):
        job = DraftJob.objects.create(narrative=narrative, created_by=request.user)
        jobs.draft_narrative.enqueue(job.pk)
        return redirect("narrative_job", pk=job.pk)
    drafts.refresh(narrative)
    return None


@login_required
def narrative(request, pk):
    narrative = _narrative_or_404(request.user, pk)
    if narrative.content is None and request.method == "GET":
        waiting = _start_drafting(request, narrative)
        if waiting is not None:
            return waiting
    if request.method == "POST":
        if not drafts.can_edit(request.user, narrative):
            raise PermissionDenied
        kind = drafts.kind(narrative)
        typed = {s.code: request.POST[f"text_{s.code}"] for s in kind.editable_sections
                 if f"text_{s.code}" in request.POST}  # fmt: skip
        version = request.POST.get("version", "")
        expected = int(version) if version.isdigit() and len(version) < 10 else None
        try:
            drafts.save_texts(request.user, narrative, typed, expected)
        except drafts.TextsRefused as err:
            problems = {p.field: p.message for p in err.problems}
            return _page(request, narrative, typed, problems, status=422)
        except StaleEdit as err:
            narrative.refresh_from_db()
            messages.error(request, err.message)
            return _page(request, narrative, typed, stale=narrative.texts, status=409)
        except drafts.Locked as err:
            messages.error(request, err.message)
            return redirect("narrative", pk=narrative.pk)
        messages.success(request, _("The texts are saved."))
        return redirect("narrative", pk=narrative.pk)
    return _page(request, narrative)


@login_required
@require_POST
def narrative_refresh(request, pk):
    narrative = _narrative_or_404(request.user, pk)
    if not drafts.can_edit(request.user, narrative):
        raise PermissionDenied
    return _start_drafting(request, narrative) or redirect("narrative", pk=narrative.pk)


def _file(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def file_name(narrative: Narrative, extension: str, version: int | None = None) -> str:
    period = narrative.period.replace("/", "_")
    suffix = f"-v{version}" if version else ""
    return f"{narrative.kind}-{narrative.unit.uid}-{period}{suffix}.{extension}"


def _docx_of(request, narrative) -> tuple[bytes, int | None]:
    number = request.GET.get("phien-ban", "")
    if number:
        if not (number.isdigit() and len(number) < 10):
            raise Http404
        version = get_object_or_404(NarrativeVersion, narrative=narrative, number=int(number))
        return drafts.version_docx(version, request.user), version.number
    return drafts.docx(narrative, request.user), None


@login_required
def narrative_docx(request, pk):
    narrative = _narrative_or_404(request.user, pk)
    data, version = _docx_of(request, narrative)
    return _file(data, file_name(narrative, "docx", version), DOCX_TYPE)


@login_required
def narrative_pdf(request, pk):
    narrative = _narrative_or_404(request.user, pk)
    if rendering.libreoffice() is None:
        raise Http404("LibreOffice is not installed")
    data, version = _docx_of(request, narrative)
    return _file(rendering.pdf(data), file_name(narrative, "pdf", version), "application/pdf")


@login_required
def narrative_job(request, pk):
    job = get_object_or_404(DraftJob.objects.select_related("narrative__unit"), pk=pk,
                            created_by=request.user)  # fmt: skip
    heartbeat.check(job)
    if not drafts.can_view(request.user, job.narrative):
        raise Http404
    done, total = jobs.job_progress(job)
    running = job.status in (DraftJob.Status.QUEUED, DraftJob.Status.RUNNING)
    context = {"job": job, "running": running, "done": done, "total": total,
               "percent": round(100 * done / max(total, 1))}  # fmt: skip
    template = (
        "narratives/_job.html" if request.headers.get("HX-Request") else "narratives/job.html"
    )
    return render(request, template, context)


# Templates ---------------------------------------------------------------------------------


def _require_templates(user) -> None:
    if not is_national_administrator(user):
        raise PermissionDenied


@login_required
def template_list(request):
    _require_templates(request.user)
    error = ""
    if request.method == "POST":
        kind = KINDS.get(request.POST.get("loai", ""))
        if kind is None:
            raise Http404
        if request.POST.get("action") == "restore":
            templates.restore_builtin(kind, request.user)
            messages.success(request, _("The built-in template is used again."))
            return redirect("narrative_templates")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise templates.TemplateRefused(_("Choose a DOCX file."))
            if upload.size > templates.MAX_TEMPLATE_BYTES:
                raise templates.TemplateRefused(_("The template is larger than 5 MB."))
            saved = templates.upload(kind, upload.name, upload.read(), request.user)
        except templates.TemplateRefused as err:
            error = err.message
            messages.error(request, _("Template refused; the current one stays. %(reason)s")
                           % {"reason": err.message})  # fmt: skip
        else:
            messages.success(request, _("Template no. %(n)s is now used for this kind.")
                             % {"n": saved.number})  # fmt: skip
            return redirect("narrative_templates")
    rows = [(kind, templates.current(kind)) for kind in KINDS.values()]
    return render(request, "narratives/templates.html",
                  {"rows": rows, "names": templates.NAMES, "error": error},
                  status=422 if error else 200)  # fmt: skip


@login_required
def template_download(request, code):
    _require_templates(request.user)
    kind = KINDS.get(code)
    if kind is None:
        raise Http404
    data, number = templates.template_bytes(kind)
    if request.GET.get("goc"):
        data, number = templates.builtin(kind), 0
    return _file(data, f"mau-{kind.code}-{number}.docx", DOCX_TYPE)
