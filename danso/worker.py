"""The background worker that `danso serve` starts and supervises: django-tasks' db_worker,
which also exits when the server that started it dies (even by kill -9), and says it is alive.

On Linux the kernel sends it SIGTERM when its parent dies (PR_SET_PDEATHSIG); elsewhere, and
as a second guard, a thread notices that the parent process id changed. SIGTERM lets the
worker finish the job it is running (db_worker's own handling), so nothing is cut mid-way.

    python -m danso.worker db_worker --no-startup-delay --interval 0.5
"""

import contextlib
import ctypes
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies; no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def watch_parent(parent: int, every: float = 1.0, beat: bool = True) -> threading.Thread:
    """A thread that beats for the worker and ends it when `parent` is no longer its
    parent (the parent died and the worker was adopted)."""
    from danso import heartbeat

    def loop():
        stop = threading.Event()
        while not stop.wait(every):
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            if beat:  # the job worker's beat (not the counts' keeper's: precompute.py)
                with contextlib.suppress(Exception):
                    heartbeat.worker_beat()

    thread = threading.Thread(target=loop, name="watch-parent", daemon=True)
    thread.start()
    return thread


def main(argv: list[str]) -> None:
    # The server names itself, in case it died before this line ran.
    parent = int(os.environ.get("DANSO_PARENT_PID") or os.getppid())
    die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        sys.exit(0)
    from danso.cli import _setup_django

    _setup_django()
    from django.core.management import execute_from_command_line

    watch_parent(parent, beat=argv[:1] == ["db_worker"])
    execute_from_command_line(["danso", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
