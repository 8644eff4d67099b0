"""Drafting a large unit's report in the background (django-tasks, like statistics/jobs.py),
with progress the page reads from the cache."""

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from danso.heartbeat import beating

from .models import DraftJob


def progress_key(job_id: int) -> str:
    return f"danso-narrative-progress-{job_id}"


def job_progress(job: DraftJob) -> tuple[int, int]:
    if job.status in (DraftJob.Status.QUEUED, DraftJob.Status.RUNNING):
        return cache.get(progress_key(job.pk), (0, 100))
    return 100, 100


def run_job(job: DraftJob) -> DraftJob:
    """Run the job in this process, beating while it runs (danso/heartbeat.py)."""
    with beating(job):
        return _run_job(job)


def _run_job(job: DraftJob) -> DraftJob:
    from . import drafts

    job.status = DraftJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        drafts.refresh(job.narrative, progress=lambda done, total: cache.set(
            progress_key(job.pk), (done, total), 3600))  # fmt: skip
        job.status = DraftJob.Status.DONE
    except Exception as err:  # noqa: BLE001 - the job must end with a status
        job.status, job.message = DraftJob.Status.FAILED, repr(err)
        raise
    finally:
        job.finished_at = timezone.now()
        job.save()
        cache.delete(progress_key(job.pk))
    return job


@task()
def draft_narrative(job_id: int) -> str:
    job = DraftJob.objects.select_related("narrative__unit", "narrative__activity").get(pk=job_id)
    return run_job(job).status
