"""`danso doctor` says what is wrong; a busy port is one line, not a traceback."""

import datetime
import os
import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from danso.doctor import FAIL, OK, WARN, run_checks


def _danso(tmp_path, *args, **env):
    environ = {**os.environ, "DANSO_DATA_DIR": str(tmp_path), **env}
    return subprocess.run([sys.executable, "-m", "danso.cli", *args], env=environ,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_a_busy_port_is_one_plain_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        result = _danso(tmp_path, "serve", "--port", str(port), "--no-worker",
                        DANSO_DATABASE_URL=url)  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in output
    assert "Traceback" not in output and len(output.strip().splitlines()) <= 3  # + migrations


def test_doctor_names_an_unreachable_database(tmp_path):
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    result = _danso(tmp_path, "doctor", DANSO_DATABASE_URL=url)
    assert result.returncode == 1
    assert "cannot connect to postgresql nowhere" in " ".join(result.stdout.split())
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_doctor_on_a_ready_database_finds_jobs_nobody_takes(make_user, unit):
    findings = run_checks()
    by_area = {(f.area, f.status) for f in findings}
    assert ("database", OK) in by_area and not any(f.status == FAIL for f in findings)
    assert any(f.area == "database" and "no active administrator" in f.message for f in findings)
    make_user("qt", "admin", unit("VN"))
    assert not any("no active administrator" in f.message for f in run_checks())

    long_ago = timezone.now() - datetime.timedelta(minutes=10)
    DBTaskResult.objects.create(task_path="danso.x", args_kwargs={"args": [], "kwargs": {}},
                                backend_name="default", run_after=long_ago)  # fmt: skip
    DBTaskResult.objects.update(enqueued_at=long_ago)
    waiting = [f for f in run_checks() if f.area == "worker" and f.status == FAIL]
    assert waiting and "1 background jobs have waited" in waiting[0].message
    assert WARN in {f.status for f in run_checks() if f.area == "worker"}  # no worker here
