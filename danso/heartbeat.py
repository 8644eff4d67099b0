"""Jobs that say they are alive: a job that runs beats (a thread writes the time, the process
id and the host to the shared cache every few seconds), and a running job whose beat has
stopped, or whose process is gone, is marked failed, so that no job stays `running` forever
after a kill -9 or a crash.

The beat goes to the cache, not the job's row: an import writes its rows in one transaction
(all or nothing), and on SQLite another connection could not write the row meanwhile. Nothing
of a job that died was committed (imports are one transaction; reports and drafts write their
result at the end), so failing it loses nothing; the user starts it again.

Who checks: the job's page and API on every read (`check`), `danso serve`'s supervisor every
few seconds and `danso jobs` (`reap`).
"""

import contextlib
import os
import socket
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

BEAT_EVERY = 2.0  # seconds


def stale_after() -> float:
    """Seconds without a beat after which a running job counts as gone."""
    return float(getattr(settings, "DANSO_JOB_STALE_SECONDS", 30))


def beat_key(job) -> str:
    return f"danso-beat-{job._meta.label_lower}-{job.pk}"


def _beat(key: str) -> None:
    cache.set(key, {"at": time.time(), "pid": os.getpid(), "host": socket.gethostname()}, 3600)


@contextlib.contextmanager
def beating(job):
    """Beat for `job` while the block runs (call before setting it running)."""
    key = beat_key(job)
    _beat(key)
    stop = threading.Event()

    def loop():
        while not stop.wait(BEAT_EVERY):
            with contextlib.suppress(Exception):  # a full disk must not end the job itself
                _beat(key)

    thread = threading.Thread(target=loop, name=f"beat-{key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=BEAT_EVERY + 1)
        cache.delete(key)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def is_gone(job) -> bool:
    """Whether a running job's process has stopped: its beat is older than stale_after(), or
    it ran on this machine and its process no longer exists."""
    if job.status != job.Status.RUNNING:
        return False
    beat = cache.get(beat_key(job))
    if beat is None or time.time() - beat["at"] > stale_after():
        return True
    return beat["host"] == socket.gethostname() and not _process_alive(beat["pid"])


def gone_message() -> str:
    return _(
        "The process running this job stopped before it finished (it was killed or the "
        "machine restarted). Nothing of it was saved; start it again."
    )


def mark_gone(job) -> bool:
    """Fail the job if it is still running (a conditional UPDATE: a job that finished
    meanwhile keeps its result). Returns whether it was marked."""
    model = type(job)
    marked = model.objects.filter(pk=job.pk, status=job.Status.RUNNING).update(
        status=job.Status.FAILED, message=gone_message(), finished_at=timezone.now()
    )
    if marked:
        job.refresh_from_db()
    return bool(marked)


def check(job):
    """Mark the job failed if its process is gone; returns the job as it now stands."""
    if is_gone(job):
        mark_gone(job)
    return job


def job_models() -> list:
    from danso.exchange.models import ImportJob
    from danso.narratives.models import DraftJob
    from danso.statistics.models import ReportJob

    return [ImportJob, ReportJob, DraftJob]


def reap() -> list:
    """Mark every running job whose process is gone; returns them."""
    marked = []
    for model in job_models():
        for job in model.objects.filter(status=model.Status.RUNNING):
            if is_gone(job) and mark_gone(job):
                marked.append(job)
    return marked


WORKER_KEY = "danso-worker-beat"


def worker_beat() -> None:
    """The background worker says it is alive (see danso.worker)."""
    _beat(WORKER_KEY)


def worker_alive() -> bool:
    beat = cache.get(WORKER_KEY)
    return beat is not None and time.time() - beat["at"] <= stale_after()
