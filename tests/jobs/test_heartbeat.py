"""The heartbeat of jobs (danso/heartbeat.py), in process: a running job beats; one whose
beat stopped is failed by the next check, and its page says so; a finished job is never
touched by a late check."""

import time

import pytest
from django.core.cache import cache

from danso import heartbeat
from danso.exchange.jobs import run_job
from danso.exchange.models import ImportJob
from danso.statistics.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_stale(settings):
    settings.DANSO_JOB_STALE_SECONDS = 1


def _job(two_communes, **extra):
    a = two_communes["a"]
    return ImportJob.objects.create(kind="households", unit=a["commune"], ou_path=a["commune"].path,
                                    file_name="ho.csv", content=b"village,household_number\n",
                                    created_by=a["user"], **extra)  # fmt: skip


def test_a_running_job_beats_and_is_left_alone(two_communes, settings):
    # Longer than a beat's interval: a loaded machine may call back between two beats.
    settings.DANSO_JOB_STALE_SECONDS = heartbeat.BEAT_EVERY * 5
    job = _job(two_communes)
    seen = []

    def progress(done, total):
        seen.append((heartbeat.is_gone(job), cache.get(heartbeat.beat_key(job)) is not None))

    rows = "village,household_number\n" + "\n".join(
        f"{two_communes['a']['village'].uid},{n}" for n in range(1, 501)
    )
    job.content = rows.encode()
    job.save()
    run_job(job, progress)
    assert seen and all(alive and not gone for gone, alive in seen)
    assert job.status == "done"
    assert cache.get(heartbeat.beat_key(job)) is None  # the beat ends with the job
    assert heartbeat.reap() == []


def test_a_job_whose_beat_stopped_is_failed_and_its_page_says_so(two_communes, login):
    job = _job(two_communes, status=ImportJob.Status.RUNNING)  # as a kill -9 leaves it
    heartbeat._beat(heartbeat.beat_key(job))
    assert not heartbeat.is_gone(job)  # beating now, in this (living) process
    time.sleep(1.2)
    assert heartbeat.is_gone(job)
    page = login(two_communes["a"]["user"]).get(f"/nhap-du-lieu/{job.pk}/").content.decode()
    assert "Tiến trình chạy việc này đã dừng trước khi xong" in page
    job.refresh_from_db()
    assert job.status == "failed" and job.finished_at


def test_a_beat_from_a_process_that_is_gone_fails_the_job_at_once(two_communes):
    job = _job(two_communes, status=ImportJob.Status.RUNNING)
    heartbeat._beat(heartbeat.beat_key(job))
    beat = cache.get(heartbeat.beat_key(job))
    cache.set(heartbeat.beat_key(job), {**beat, "pid": 2**22 + 7})  # no such process
    assert heartbeat.is_gone(job)
    assert [j.pk for j in heartbeat.reap()] == [job.pk]


def test_a_late_check_never_overwrites_a_finished_job(two_communes):
    a = two_communes["a"]
    job = ReportJob.objects.create(form_code="01-DSX", unit=a["commune"], ou_path=a["commune"].path,
                                   period="2026", created_by=a["user"],
                                   status=ReportJob.Status.RUNNING)  # fmt: skip
    stale_copy = ReportJob.objects.get(pk=job.pk)
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE)
    assert heartbeat.mark_gone(stale_copy) is False
    assert ReportJob.objects.get(pk=job.pk).status == "done"
