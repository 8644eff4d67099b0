"""`danso serve --workers N`: gunicorn processes on PostgreSQL; refused on SQLite."""

import os
import signal
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.processes import children, free_port, wait_until


@pytest.mark.django_db(transaction=True)
def test_several_processes_serve_on_postgresql_and_sqlite_is_refused(tmp_path):
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        env = {**os.environ, "DANSO_DATA_DIR": str(tmp_path),
               "DANSO_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}  # fmt: skip
        done = subprocess.run([sys.executable, "-m", "danso.cli", "serve", "--workers", "2"],
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 2
        assert "needs PostgreSQL" in done.stdout
        return
    # The test database, already migrated: the server's migrate has nothing to do.
    url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    env = {**os.environ, "DANSO_DATA_DIR": str(tmp_path), "DANSO_DATABASE_URL": url}
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [sys.executable, "-m", "danso.cli", "serve", "--port", str(port), "--no-worker",
         "--workers", "2"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    def serving() -> bool:
        try:
            answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=2)
            return answer.status == 200
        except OSError:
            return False

    try:
        assert wait_until(serving, 180), (tmp_path / "server.log").read_text()
        # gunicorn's arbiter and its two worker processes: it forks them a moment apart, and
        # with the code loaded before forking the first may answer before the second exists
        assert wait_until(lambda: len(children(server.pid)) == 2, 30), children(server.pid)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert not serving()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        log.close()
