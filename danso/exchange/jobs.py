"""Imports as background tasks (django-tasks, database backend), with progress the page reads."""

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from .models import ImportJob
from .register_import import IMPORTERS
from .tables import TableError, read_table


def progress_key(job_id: int) -> str:
    return f"danso-import-progress-{job_id}"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """(done, total) of a running import; finished ones answer from the job itself."""
    if job.status == ImportJob.Status.RUNNING:
        return cache.get(progress_key(job.pk), (0, job.total or 1))
    return job.done, job.total


def run_job(job: ImportJob, progress=None) -> ImportJob:
    """Run an import now, in this process (the task below and the CLI both call this)."""
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])

    def report(done, total):
        cache.set(progress_key(job.pk), (done, total), 3600)
        if progress:
            progress(done, total)

    try:
        rows = read_table(job.file_name, bytes(job.content))
        importer, _columns = IMPORTERS[job.kind]
        job.total = len(rows[1])
        result = importer(job.unit, rows, user=job.created_by, accept=job.accept, progress=report)
    except TableError as err:
        job.status, job.message = ImportJob.Status.REJECTED, str(err)
    except Exception as err:  # noqa: BLE001 - the job must end with a status, whatever failed
        job.status, job.message = ImportJob.Status.FAILED, repr(err)
        raise
    else:
        job.created = result.created
        job.errors = [p.as_dict() for p in result.errors]
        job.status = ImportJob.Status.REJECTED if result.errors else ImportJob.Status.DONE
        job.done = job.total
    finally:
        job.finished_at = timezone.now()
        job.save()
        cache.delete(progress_key(job.pk))
    return job


@task()
def run_import(job_id: int) -> str:
    return run_job(ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)).status
