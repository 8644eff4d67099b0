"""kill -9 in the middle of an import: nothing of it is committed, and the job does not stay
`running` (its heartbeat stops; the next check marks it failed, with a message the user sees).
And `danso serve` supervises its worker: a killed worker is started again, and a killed
server's worker exits by itself.

Real processes on a SQLite file of their own (process handling is the same on either
database; the all-or-nothing import is tested on both by tests/exchange).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import free_port, is_running, wait_until, workers_of

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads processes from /proc")  # fmt: skip

SETUP = """
from danso.cli import _setup_django
_setup_django()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from danso.orgunits.loading import load_units
load_units()
from danso.accounts.models import Role, User
from danso.orgunits.models import OrgUnit
from danso.orgunits.services import create_village
commune = OrgUnit.objects.get(uid="C24211")
create_village(commune, code="01", name="Thôn 1", unit_type="thon", legacy_commune="24211")
officer = User.objects.create_user("xa", password="mật-khẩu-đủ-dài-1", role=Role.COMMUNE)
officer.org_units.add(commune)
"""


@pytest.fixture
def place(tmp_path):
    database = tmp_path / "jobs.sqlite3"
    env = {**os.environ, "DANSO_DATA_DIR": str(tmp_path), "DANSO_JOB_STALE_SECONDS": "3",
           "DANSO_DATABASE_URL": f"sqlite:///{database}"}  # fmt: skip
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, timeout=300)
    return tmp_path, database, env


def _query(database, sql):
    with sqlite3.connect(database, timeout=20) as db:
        return db.execute(sql).fetchall()


def _danso(env, *args, **kwargs):
    return subprocess.run([sys.executable, "-m", "danso.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120, **kwargs)  # fmt: skip


def test_a_killed_import_commits_nothing_and_does_not_stay_running(place):
    tmp_path, database, env = place
    rows = ["village,household_number,address"] + [
        f"C24211-01,{n:05d},Số {n} đường Ea Súp" for n in range(1, 40001)
    ]
    (tmp_path / "ho.csv").write_text("\n".join(rows), encoding="utf-8")
    log = open(tmp_path / "import.log", "w")
    importer = subprocess.Popen(
        [sys.executable, "-m", "danso.cli", "import", "households", str(tmp_path / "ho.csv"),
         "--unit", "C24211", "--user", "xa"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:

        def running():
            return _query(database, "select status from exchange_importjob") == [("running",)]

        assert wait_until(running, 60), (tmp_path / "import.log").read_text()
        time.sleep(2)  # well into the rows
        assert importer.poll() is None, "the import ended before it could be killed"
        importer.kill()
        importer.wait()
    finally:
        if importer.poll() is None:
            importer.kill()
        log.close()

    assert _query(database, "select count(*) from register_household") == [(0,)]
    assert _query(database, "select status from exchange_importjob") == [("running",)]
    # The next check (what `danso serve` runs every few seconds, and every job page) fails it.
    checked = _danso(env, "jobs")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "marked failed" in checked.stdout
    [(status, message)] = _query(database, "select status, message from exchange_importjob")
    assert status == "failed"
    assert message.startswith("Tiến trình chạy việc này đã dừng")
    assert _query(database, "select count(*) from register_household") == [(0,)]


def _serving(port) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=1)
        return True
    except OSError:
        return False


def test_serve_restarts_a_killed_worker_and_a_killed_server_leaves_no_worker(place):
    tmp_path, _database, env = place
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "danso.cli", "serve", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    seen = set()
    try:
        assert wait_until(lambda: _serving(port), 120), (tmp_path / "server.log").read_text()
        assert wait_until(lambda: len(workers_of(server.pid)) == 1, 10)
        (first,) = workers_of(server.pid)
        seen.add(first)
        os.kill(first, signal.SIGKILL)
        assert wait_until(lambda: workers_of(server.pid) not in ([], [first]), 15), (
            "the worker was not started again\n" + (tmp_path / "server.log").read_text()
        )
        (second,) = workers_of(server.pid)
        seen.add(second)
        assert "starting it again" in (tmp_path / "server.log").read_text()

        server.kill()  # kill -9: no `finally` runs in the server
        server.wait()
        assert wait_until(lambda: not is_running(second), 10), "the worker outlived its server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in seen:
            if is_running(pid):  # never leave a stray worker, even on failure
                os.kill(pid, signal.SIGKILL)
        log.close()
