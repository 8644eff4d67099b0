"""`danso bench ingest`: how fast the register takes data in.

1. Bulk import: a generated persons file of N rows goes through the importer (every row
   checked, then written in bulk); prints rows/s of the file and of database rows.
2. Event submissions through the API: a real `danso serve` on a free local port receives
   changes (one per request, as a collaborator's phone sends them) from several concurrent
   clients; prints requests/s and p50/p99 latency.

Runs against its own database (a temporary SQLite file, or `<database>_bench` on the same
PostgreSQL server), never the one in use.
"""

import datetime
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path


def bench_database_url() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='danso-bench-')) / 'bench.sqlite3'}"
    import psycopg

    name = f"{db['NAME']}_bench"
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"]
    with psycopg.connect(
        f"host={host} port={port} user={user} dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{user}@{host}:{port}/{name}"


def persons_csv(villages, rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    lines = [
        "village,household_number,full_name,sex,date_of_birth,relationship,marital_status,"
        "registered_on"
    ]
    for i in range(rows):
        household = i // 4  # four persons a household
        village = villages[household % len(villages)]
        sex = "1" if i % 2 else "2"
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(30000))
        lines.append(
            f"{village.uid},{household:06d},Người {i} Thử,{sex},"
            f"{born:%d/%m/%Y},{'1' if i % 4 == 0 else '3'},1,01/01/2025"
        )
    return ("\n".join(lines) + "\n").encode()


def run(rows: int, requests: int, concurrency: int, print_=print, workers: int = 1) -> dict:
    """Runs inside the bench database's process (see cli.bench)."""
    from danso.accounts.models import AccessToken, Role, User
    from danso.exchange.register_import import import_persons
    from danso.exchange.tables import read_table
    from danso.orgunits.models import Level, OrgUnit
    from danso.orgunits.services import create_village
    from danso.register.models import (
        Event,
        Household,
        MaritalSpell,
        MethodSpell,
        Person,
        Residence,
    )  # fmt: skip

    province = OrgUnit.objects.get(uid="P66")
    communes = list(
        OrgUnit.objects.filter(parent=province, level=Level.COMMUNE).order_by("code")[:10]
    )
    villages = []
    for commune in communes:
        old = commune.predecessor_links.filter(old__level=Level.COMMUNE).first().old.code
        for n in range(1, 6):
            villages.append(
                create_village(
                    commune,
                    code=f"B{n}",
                    name=f"Thôn thử {n}",
                    unit_type="thon",
                    legacy_commune=old,
                )
            )
    officer = User.objects.create_user("bench", role=Role.CENTRAL)
    officer.org_units.add(OrgUnit.objects.get(uid="VN"))
    data = persons_csv(villages, rows, 1)
    table = read_table("bench.csv", data)
    from auditlog.models import LogEntry

    written = [Household, Person, Event, Residence, MaritalSpell, MethodSpell, LogEntry]
    before = sum(m.objects.count() for m in written)
    server = _server_cpu()
    began, cpu = time.perf_counter(), time.process_time()
    result = import_persons(province, table, user=officer, accept=True)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    server = _server_cpu() - server if server is not None else None
    assert not result.errors, result.errors[:3]
    db_rows = sum(m.objects.count() for m in written) - before
    figures = {
        "import_rows": rows,
        "import_seconds": round(seconds, 2),
        "import_rows_per_s": round(rows / seconds),
        "import_db_rows_per_s": round(db_rows / seconds),
        "import_cpu_seconds": round(cpu, 2),
        "load_average": os.getloadavg()[0],
    }
    print_(
        f"bulk import: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
        f"(≈{db_rows / seconds:,.0f} database rows/s: persons, events, spells, households, "
        f"audit entries); this process's CPU {cpu:.2f} s = {rows / cpu:,.0f} rows per CPU "
        f"second; load average {os.getloadavg()[0]:.1f} (other work on the machine slows the "
        "wall time)"
    )
    if server is not None:
        figures["import_server_cpu_seconds"] = round(server, 2)
        figures["import_rows_per_cpu_s_with_server"] = round(rows / (cpu + server))
        print_(
            f"PostgreSQL's backend for the import: CPU {server:.2f} s; importer and backend "
            f"together {rows / (cpu + server):,.0f} rows per CPU second"
        )
    if not requests:
        return figures
    _, token = AccessToken.issue(officer, "bench")
    # Half the requests record an elderly health check (no state changes), half a new
    # contraceptive user (the person's spells are rebuilt): the slip's two kinds of cost.
    elderly = Person.objects.filter(date_of_birth__lt=datetime.date(1960, 1, 1))
    women = Person.objects.filter(
        sex="2", date_of_birth__range=(datetime.date(1980, 1, 1), datetime.date(2005, 1, 1))
    )
    fields = ("pk", "household_id", "village__uid")
    targets = [("elderly_check", "", *t) for t in elderly.values_list(*fields)[:requests]]
    targets += [("method_start", "5", *t) for t in women.values_list(*fields)[:requests]]
    random.Random(2).shuffle(targets)
    figures.update(_load(targets, token, requests, concurrency, print_, workers))
    figures["events_recorded"] = Event.objects.filter(
        kind__in=["elderly_check", "method_start"]
    ).count()
    return figures


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs
    on this machine (its /proc entry is readable); None otherwise or on SQLite (in-process)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load(targets, token, requests, concurrency, print_, workers=1) -> dict:
    port = _free_port()
    log_path = Path(tempfile.mkdtemp(prefix="danso-bench-")) / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed when the server stops
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "danso.cli",
            "serve",
            "--port",
            str(port),
            "--no-worker",
            "--workers",
            str(workers),
        ],  # fmt: skip
        env={**os.environ, "DANSO_LOG_LEVEL": "ERROR"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(port)
        latencies: list[float] = []
        failures = []
        first_failure = {}
        lock = threading.Lock()
        counter = iter(range(requests))
        today = datetime.date.today()

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            for i in counter:
                kind, method, pk, household, village = targets[i % len(targets)]
                # This month's slip, as a collaborator's phone would send it.
                day = today - datetime.timedelta(days=i % today.day)
                change = {"kind": kind, "occurred_on": day.isoformat(), "household": household,
                          "person": pk, "method": method}  # fmt: skip
                body = json.dumps([change])
                started = time.perf_counter()
                conn.request(
                    "POST", f"/api/v1/villages/{village}/slips/{today:%Y%m}/events", body, headers
                )
                response = conn.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status != 201:
                        failures.append(response.status)
                        first_failure.setdefault("body", answer[:300])
            conn.close()

        began = time.perf_counter()
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=120)  # a loaded machine takes a while to stop waitress
        log.close()
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print_(
        f"API event submissions: {requests:,} requests, {concurrency} clients, "
        f"{'waitress' if workers == 1 else f'gunicorn × {workers}'}, "
        f"{requests / seconds:,.0f} req/s, p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
        f"{len(failures)} failed"
        + (
            f" (statuses {sorted(set(failures))}, first: {first_failure.get('body')!r}; "
            f"server log {log_path})"
            if failures
            else ""
        )
    )
    return {
        "api_requests": requests,
        "api_req_per_s": round(requests / seconds),
        "api_p50_ms": round(p50, 1),
        "api_p99_ms": round(p99, 1),
        "api_failures": len(failures),
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the bench server did not start")
