"""Uploading register files (run in the background, with progress), templates, export."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso import heartbeat
from danso.accounts.scope import can_record, can_review, get_visible_unit_or_404, scoped
from danso.exchange.jobs import job_progress, run_import
from danso.exchange.models import ImportJob
from danso.exchange.register_export import export_register
from danso.exchange.register_import import IMPORTERS
from danso.exchange.tables import csv_bytes, xlsx_bytes

from .register_views import _day

MAX_UPLOAD = 50 * 1024 * 1024


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[
            ("households", gettext_lazy("Households and their poverty status")),
            ("persons", gettext_lazy("Persons entering the register")),
            ("events", gettext_lazy("Changes recorded on slips")),
        ],
    )
    unit = forms.CharField(label=gettext_lazy("Commune or village (identifier)"), max_length=40)
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
    accept = forms.BooleanField(
        label=gettext_lazy("Accept at once (commune officers and above)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(gettext_lazy("The file is larger than 50 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(gettext_lazy("Only CSV and XLSX files can be imported."))
        return upload


@login_required
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"unit": request.GET.get("unit", "")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        unit = get_visible_unit_or_404(request.user, form.cleaned_data["unit"])
        if not can_record(request.user, unit.path):
            raise PermissionDenied
        accept = form.cleaned_data["accept"]
        if accept and not can_review(request.user, unit.path):
            form.add_error("accept", _("Only commune officers and above accept changes."))
        else:
            upload = form.cleaned_data["file"]
            job = ImportJob.objects.create(
                kind=form.cleaned_data["kind"],
                unit=unit,
                ou_path=unit.path,
                file_name=upload.name,
                content=upload.read(),
                accept=accept,
                created_by=request.user,
            )
            run_import.enqueue(job.pk)
            return redirect("import_job", pk=job.pk)
    jobs = scoped(request.user, ImportJob.objects.filter(created_by=request.user))[:20]
    return render(request, "exchange/import.html", {"form": form, "jobs": jobs})


@login_required
def import_job(request, pk):
    job = get_object_or_404(scoped(request.user, ImportJob.objects.select_related("unit")), pk=pk)
    heartbeat.check(job)
    done, total = job_progress(job)
    template = "exchange/_job.html" if request.headers.get("HX-Request") else "exchange/job.html"
    return render(
        request,
        template,
        {
            "job": job,
            "done": done,
            "total": total,
            "percent": round(100 * done / total) if total else 0,
            "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
        },
    )


@login_required
def import_template(request, kind, fmt):
    if kind not in IMPORTERS or fmt not in ("csv", "xlsx"):
        raise PermissionDenied
    _importer, columns = IMPORTERS[kind]
    header = [name for name, _help in columns]
    help_row = [str(h) for _name, h in columns]
    if fmt == "csv":
        body, mime = csv_bytes(header, []), "text/csv; charset=utf-8"
    else:
        body = xlsx_bytes(
            [
                ("Dữ liệu", header, []),
                ("Hướng dẫn", ["cột", "ý nghĩa"], list(zip(header, help_row, strict=True))),
            ]
        )
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="mau-{kind}.{fmt}"'
    return response


@login_required
def register_export(request, uid):
    unit = get_visible_unit_or_404(request.user, uid)
    day = _day(request.GET.get("ngay"))
    response = HttpResponse(
        export_register(unit, day),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"so-a0-{unit.uid}-{day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
