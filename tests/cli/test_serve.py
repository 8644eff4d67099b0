"""`danso serve` and `danso demo` stop their background worker when they are stopped.

A real server is started in a subprocess on a database of its own (a fresh SQLite file: what is
checked here is process handling, the same on either database); its worker child is found in
/proc, the server is sent a signal, and the worker must be gone within a few seconds.
"""

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, is_running, wait_until, workers_of


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
@pytest.mark.parametrize(
    "command, stop",
    [
        (["serve"], signal.SIGTERM),
        (["serve"], signal.SIGINT),
        (["demo", "--people", "0"], signal.SIGTERM),
    ],
    ids=["serve-SIGTERM", "serve-SIGINT", "demo-SIGTERM"],
)
def test_stopping_the_server_stops_its_worker(tmp_path, command, stop):
    port = free_port()
    env = {
        **os.environ,
        "DANSO_DATA_DIR": str(tmp_path),
        "DANSO_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
    }
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "danso.cli", *command, "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def serving() -> bool:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=1)
            return True
        except OSError:
            return False

    worker = None
    try:
        assert wait_until(serving, 120), (tmp_path / "server.log").read_text()
        (worker,) = workers_of(server.pid)
        assert is_running(worker)

        server.send_signal(stop)

        assert wait_until(lambda: not is_running(worker), 5), "the worker outlived the server"
        assert server.wait(timeout=5) == 0
        assert not serving()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if worker and is_running(worker):  # never leave a stray worker, even on failure
            os.kill(worker, signal.SIGKILL)
        log.close()
