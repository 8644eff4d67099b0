"""Imports as background tasks (django-tasks, database backend), with progress the page reads."""

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from danso.heartbeat import beating

from .dhis2_import import import_data_values
from .models import ImportJob
from .register_import import IMPORTERS
from .tables import TableError, read_table

DATA_VALUES = "datavalues"


def progress_key(job_id: int) -> str:
    return f"danso-import-progress-{job_id}"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(done, total) of a running import; finished ones answer from the job itself."""
    if job.status == ImportJob.Status.RUNNING:
        return cache.get(progress_key(job.pk), (0, job.total or 1))
    return job.done, job.total


def run_job(job: ImportJob, progress=None) -> ImportJob:
    """Run the job in this process, beating while it runs (danso/heartbeat.py)."""
    with beating(job):
        return _run_job(job, progress)


def _run_job(job: ImportJob, progress=None) -> ImportJob:
    """Run an import now, in this process (the task below and the CLI both call this)."""
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])

    def report(done, total):
        cache.set(progress_key(job.pk), (done, total), 3600)
        if progress:
            progress(done, total)

    try:
        if job.kind == DATA_VALUES:
            _import_data_values(job, report)
        else:
            _import_register(job, report)
    except TableError as err:
        job.status, job.message = ImportJob.Status.REJECTED, str(err)
    except Exception as err:  # noqa: BLE001 - the job must end with a status, whatever failed
        job.status, job.message = ImportJob.Status.FAILED, repr(err)
        raise
    else:
        job.done = job.total
    finally:
        job.finished_at = timezone.now()
        job.save()
        cache.delete(progress_key(job.pk))
    return job


def _import_register(job: ImportJob, report) -> None:
    rows = read_table(job.file_name, bytes(job.content))
    importer, _columns = IMPORTERS[job.kind]
    job.total = len(rows[1])
    result = importer(job.unit, rows, user=job.created_by, accept=job.accept, progress=report)
    job.created = result.created
    job.errors = [p.as_dict() for p in result.errors]
    job.status = ImportJob.Status.REJECTED if result.errors else ImportJob.Status.DONE


def _import_data_values(job: ImportJob, report) -> None:
    """A DHIS2 file (dataValueSets JSON or CSV, ADX); `options` holds what import_data_values
    takes besides the file."""
    options = job.options
    summary = import_data_values(
        bytes(job.content), options["format"], job.created_by,
        dry_run=options.get("dry_run", False), import_valid=options.get("import_valid", False),
        id_scheme=options.get("id_scheme", "code"), progress=report,
    )  # fmt: skip
    job.summary = summary.as_dict()
    job.total = summary.total
    job.created = summary.imported + summary.updated + summary.deleted
    job.errors = [c.as_dict() for c in summary.conflicts]
    rejected = summary.status == "ERROR"
    job.status = ImportJob.Status.REJECTED if rejected else ImportJob.Status.DONE


@task()
def run_import(job_id: int) -> str:
    return run_job(ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)).status
