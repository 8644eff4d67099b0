"""Reports of large units (a whole province) computed by the background worker."""

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from danso.heartbeat import beating

from .forms import FORMS
from .models import ReportJob
from .periods import Period
from .report import as_json, build

# Reports that must count more villages than this afresh (not read from the store) are
# computed in the background.
BACKGROUND_VILLAGES = 300


def progress_key(job_id: int) -> str:
    return f"danso-report-progress-{job_id}"


def run_job(job: ReportJob) -> ReportJob:
    """Run the job in this process, beating while it runs (danso/heartbeat.py)."""
    with beating(job):
        return _run_job(job)


def _run_job(job: ReportJob) -> ReportJob:
    job.status = ReportJob.Status.RUNNING
    job.save(update_fields=["status"])
    try:
        report = build(FORMS[job.form_code], job.unit, Period.parse(job.period),
                       progress=lambda done, total: cache.set(progress_key(job.pk),
                                                              (done, total), 3600))  # fmt: skip
        job.result, job.status = as_json(report), ReportJob.Status.DONE
    except Exception as err:  # noqa: BLE001 - the job must end with a status
        job.status, job.message = ReportJob.Status.FAILED, repr(err)
        raise
    finally:
        job.finished_at = timezone.now()
        job.save()
        cache.delete(progress_key(job.pk))
    return job


@task()
def run_report(job_id: int) -> str:
    return run_job(ReportJob.objects.select_related("unit").get(pk=job_id)).status
