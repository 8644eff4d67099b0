"""`danso doctor`: checks the configuration, the database and the background worker, and says
plainly what is wrong and what to do. Each check returns findings; nothing is changed."""

import datetime
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

OK, WARN, FAIL = "ok", "warning", "problem"


@dataclass
class Finding:
    area: str
    status: str
    message: str


def _configuration() -> list[Finding]:
    from django.conf import settings

    found = []
    data_dir = Path(settings.DATA_DIR)
    if not data_dir.is_dir() or not os.access(data_dir, os.W_OK):
        message = f"DANSO_DATA_DIR {data_dir} is not a writable folder: create it or change it"
        found.append(Finding("configuration", FAIL, message))
    else:
        found.append(Finding("configuration", OK, f"data folder {data_dir}"))
    if os.environ.get("DANSO_SECRET_KEY"):
        found.append(Finding("configuration", OK, "secret key from DANSO_SECRET_KEY"))
    else:
        found.append(Finding("configuration", WARN, "secret key generated into "
                             f"{data_dir / '.danso-secret-key'}; in production set "
                             "DANSO_SECRET_KEY"))  # fmt: skip
    if settings.DEBUG:
        found.append(Finding("configuration", WARN, "DANSO_DEBUG is on: never in production"))
    hosts = ", ".join(settings.ALLOWED_HOSTS)
    found.append(Finding("configuration", OK, f"answers to host names: {hosts} "
                         "(DANSO_ALLOWED_HOSTS)"))  # fmt: skip
    return found


def _database() -> list[Finding]:
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    db = settings.DATABASES["default"]
    name = f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
    try:
        connection.ensure_connection()
    except Exception as exc:  # any driver's error: the message is what the user needs
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [Finding("database", FAIL, f"cannot connect to {name}: {first_line} — check "
                        "DANSO_DATABASE_URL and that the server runs")]  # fmt: skip
    found = [Finding("database", OK, f"connected to {name}")]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        found.append(Finding("database", FAIL, f"{len(pending)} migrations not applied: run "
                             "`danso serve` or `danso manage migrate`"))  # fmt: skip
        return found
    from danso.accounts.models import Role, User
    from danso.orgunits.models import OrgUnit

    if not OrgUnit.objects.exists():
        found.append(Finding("database", FAIL, "no org units: run `danso load-units`"))
    else:
        found.append(Finding("database", OK, f"{OrgUnit.objects.count():,} org units"))
    administrators = User.objects.filter(is_active=True).filter(is_superuser=True) | (
        User.objects.filter(is_active=True, role=Role.ADMIN)
    )
    if not administrators.exists():
        found.append(Finding("database", WARN, "no active administrator: create one with "
                             "`danso manage createsuperuser`"))  # fmt: skip
    return found


def _database_of(environ: dict, cwd: str) -> str:
    """The database a danso process uses, from its environment, as settings.py decides it."""
    if url := environ.get("DANSO_DATABASE_URL"):
        return url
    data_dir = Path(environ.get("DANSO_DATA_DIR") or cwd)
    return f"sqlite:///{(Path(cwd) / data_dir).resolve() / 'danso.sqlite3'}"


def _worker_processes() -> int:
    """Processes running danso's background worker for this database (Linux: /proc; only
    the user's own processes can be read)."""
    ours = _database_of(dict(os.environ), os.getcwd())
    count = 0
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if b"db_worker" not in command or not any(b"danso" in p for p in command):
                continue
            pairs = (proc / "environ").read_bytes().split(b"\0")
            environ = dict(p.decode(errors="replace").split("=", 1) for p in pairs if b"=" in p)
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if _database_of(environ, cwd) == ours:
            count += 1
    return count


def _worker() -> list[Finding]:
    from django.db import DatabaseError
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    found = []
    running = _worker_processes() if Path("/proc").is_dir() else None
    try:
        late = timezone.now() - datetime.timedelta(minutes=2)
        waiting = DBTaskResult.objects.ready().filter(enqueued_at__lt=late).count()
        day_ago = timezone.now() - datetime.timedelta(days=1)
        failed = DBTaskResult.objects.failed().filter(finished_at__gt=day_ago).count()
    except DatabaseError:
        return [Finding("worker", FAIL, "the job table cannot be read (see database)")]
    if waiting:
        found.append(Finding("worker", FAIL, f"{waiting} background jobs have waited over 2 "
                             "minutes: no worker is taking them; `danso serve` starts one "
                             "(unless --no-worker), or run `danso manage db_worker`"))  # fmt: skip
    if running == 0:
        found.append(Finding("worker", WARN, "no background worker runs on this machine: "
                             "imports and long reports wait until `danso serve` runs"))  # fmt: skip
    elif running:
        found.append(Finding("worker", OK, f"{running} background worker process(es) running"))
    if failed:
        found.append(Finding("worker", WARN, f"{failed} background jobs failed in the last "
                             "24 hours: their pages show the error"))  # fmt: skip
    return found


def _tools() -> list[Finding]:
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return [Finding("tools", OK, "LibreOffice found: narrative reports also as PDF")]
    return [Finding("tools", WARN, "LibreOffice not found: narrative reports are DOCX only "
                    "(apt-get install libreoffice-writer-nogui)")]  # fmt: skip


def run_checks() -> list[Finding]:
    found = _configuration() + _database()
    if any(f.area == "database" and f.status == FAIL for f in found):
        return found + _tools()
    return found + _worker() + _tools()
