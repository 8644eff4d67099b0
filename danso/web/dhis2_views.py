"""Aggregate data in DHIS2's formats: upload a file (checked only, all or nothing, or the valid
values), see the import summary with every conflict; export a data set for a unit and period.

A small file is imported during the request and its summary shown at once; a file larger than
BACKGROUND_FROM bytes goes to the background job of exchange.jobs, whose page shows progress.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from danso import heartbeat
from danso.accounts.scope import home_unit, scoped
from danso.exchange.dhis2_export import ExportError, ExportRequest, export_data_values
from danso.exchange.dhis2_formats import CONTENT_TYPES, EXTENSIONS, format_of, write
from danso.exchange.dhis2_import import import_data_values
from danso.exchange.jobs import DATA_VALUES, job_progress, run_import
from danso.exchange.models import ImportJob
from danso.programmes.entry import data_sets_for

MAX_UPLOAD = 50 * 1024 * 1024
BACKGROUND_FROM = 1024 * 1024  # about 20,000 CSV values: beyond, a background job with progress

FORMAT_CHOICES = [
    ("json", gettext_lazy("dataValueSet JSON")),
    ("csv", gettext_lazy("dataValueSet CSV")),
    ("adx", gettext_lazy("ADX (XML)")),
]
ID_SCHEME_CHOICES = [
    ("code", gettext_lazy("Codes (default)")),
    ("uid", gettext_lazy("Identifiers (uid)")),
]


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (DHIS2 JSON, CSV or ADX)"))
    format = forms.ChoiceField(
        label=gettext_lazy("File format"), required=False,
        choices=[("", gettext_lazy("From the file name")), *FORMAT_CHOICES],
    )  # fmt: skip
    id_scheme = forms.ChoiceField(label=gettext_lazy("Matched by"), choices=ID_SCHEME_CHOICES)
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only (dry run): change nothing"), required=False
    )
    import_valid = forms.BooleanField(
        label=gettext_lazy("Import the valid values and list the others"), required=False
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None:
            return data
        if upload.size > MAX_UPLOAD:
            self.add_error("file", _("The file is larger than 50 MB."))
        data["format"] = data.get("format") or format_of(upload.name)
        if not data["format"]:
            self.add_error("format", _("Say the format: the file name does not tell it."))
        return data


class ExportForm(forms.Form):
    data_set = forms.ChoiceField(label=gettext_lazy("Data set to export"))
    period = forms.CharField(
        label=gettext_lazy("Period"), max_length=10,
        help_text=gettext_lazy("DHIS2 notation: 2025Q3 (quarter), 2025 (year), 202509 (month)"),
    )  # fmt: skip
    unit = forms.CharField(label=gettext_lazy("Unit (identifier)"), max_length=40)
    children = forms.BooleanField(
        label=gettext_lazy("With the units below"), required=False, initial=True
    )
    format = forms.ChoiceField(label=gettext_lazy("File format"), choices=FORMAT_CHOICES)
    include_activities = forms.BooleanField(
        label=gettext_lazy("Add the figures counted from activities (danso cannot import them)"),
        required=False,
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["data_set"].choices = [(d.code, f"{d.code} – {d.name}")
                                           for d in data_sets_for(user)]  # fmt: skip


def _page(request, import_form, export_form, summary=None, status=200):
    jobs = scoped(request.user, ImportJob.objects.filter(created_by=request.user,
                                                         kind=DATA_VALUES))[:10]  # fmt: skip
    context = {"form": import_form, "export_form": export_form, "summary": summary,
               "jobs": jobs}  # fmt: skip
    return render(request, "exchange/datavalues.html", context, status=status)


def _export_form(request, data=None):
    home = home_unit(request.user)
    return ExportForm(request.user, data, initial={"unit": home.uid if home else ""})


@login_required
def datavalues(request):
    """The page: the import form (and, after a small import, its summary) and the export form."""
    if not request.user.can_edit:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    summary = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        options = {key: data[key] for key in ("format", "id_scheme", "dry_run", "import_valid")}
        home = home_unit(request.user)
        if upload.size >= BACKGROUND_FROM and home is not None:
            job = ImportJob.objects.create(
                kind=DATA_VALUES, unit=home, ou_path=home.path, file_name=upload.name,
                content=upload.read(), options=options, created_by=request.user,
            )  # fmt: skip
            run_import.enqueue(job.pk)
            return redirect("datavalues_job", pk=job.pk)
        summary = import_data_values(
            upload.read(), options["format"], request.user, dry_run=options["dry_run"],
            import_valid=options["import_valid"], id_scheme=options["id_scheme"],
        ).as_dict()  # fmt: skip
    return _page(request, form, _export_form(request), summary)


@login_required
def datavalues_export(request):
    """The export form sent by GET: the file, or the page again with what was wrong."""
    form = _export_form(request, request.GET)
    if not form.is_valid():
        return _page(request, ImportForm(), form, status=422)
    data = form.cleaned_data
    export = ExportRequest(
        data_sets=[data["data_set"]], periods=[data["period"].strip()],
        org_units=[data["unit"].strip()], children=data["children"],
        include_activities=data["include_activities"],
    )  # fmt: skip
    try:
        records = export_data_values(request.user, export)
    except ExportError as err:
        form.add_error(None, str(err))
        return _page(request, ImportForm(), form, status=422)
    fmt = data["format"]
    response = HttpResponse(write(fmt, records, data["data_set"]), content_type=CONTENT_TYPES[fmt])
    name = f"{data['data_set']}-{data['unit']}-{data['period']}.{EXTENSIONS[fmt]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def datavalues_job(request, pk):
    jobs = scoped(request.user, ImportJob.objects.filter(kind=DATA_VALUES))
    job = heartbeat.check(get_object_or_404(jobs, pk=pk))
    done, total = job_progress(job)
    partial = request.headers.get("HX-Request")
    template = "exchange/_datavalues_job.html" if partial else "exchange/datavalues_job.html"
    return render(request, template, {
        "job": job, "summary": job.summary, "percent": round(100 * done / total) if total else 0,
        "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
    })  # fmt: skip
