"""`danso bench national`: a register of many provinces on PostgreSQL, partitioned by province.

1. Uses a bench database of its own (`<database>_bench_national`), migrated, with the org
   units, and converts its (still empty) register tables to tables partitioned by province
   (`register.partition`).
2. Generates provinces one after another (`register.generate`, 5 years of events, a
   different seed each), `--per-province` persons each, until `--people` is reached. A
   province already in the database is kept, so an interrupted run continues where it
   stopped and a larger `--people` adds provinces to the same database.
3. Each time the total passes one of `--steps` (and at the end) it measures: the national
   roll-up of 01-DSH for the last complete quarter (one column per province) the first time
   (the store of counts emptied first) and warm (best of 3); then one province's 01-DSH
   (first time and warm) while a writer *process* keeps inserting events into the other
   provinces; the database size, wall time and load average. Every measurement is also
   appended as a JSON line to `<data dir>/bench-national.jsonl`.
4. Projects the first-time roll-up and the database size to 100 million persons from the
   measured steps (a straight line through them: both grow with the rows).
"""

import json
import math
import multiprocessing
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

WRITER_BATCH = 2000
COPIED = ("ou_path, province_code, kind, occurred_on, sex, method, place, outcome, birth_order, "
          "age, is_child_marriage, is_consanguineous, village_id, household_id, other_person_id, "
          "person_id")  # fmt: skip
WRITER_SQL = f"""
INSERT INTO register_event ({COPIED}, recorded_at, reason, is_accepted, is_superseded,
  data, after_approval)
SELECT {COPIED}, now(), '', false, false, '{{"bench_writer": true}}'::jsonb, false
FROM register_event WHERE province_code = %s AND is_accepted
ORDER BY id LIMIT {WRITER_BATCH}
"""


def conninfo() -> str:
    db = settings.DATABASES["default"]
    return (f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} "
            f"dbname={db['NAME']}")  # fmt: skip


def bench_database_url() -> str:
    """The bench database (created if missing). PostgreSQL only."""
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_bench_national"
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"]
    with psycopg.connect(f"host={host} port={port} user={user} dbname=postgres",
                         autocommit=True) as conn:  # fmt: skip
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{user}@{host}:{port}/{name}"


def write_events(info: str, provinces: list[str], stop, written) -> None:
    """The concurrent writer (its own process): copies 2,000 accepted events of a province as
    pending ones (marked `bench_writer`, counted by no report) in one transaction, round the
    provinces, until told to stop."""
    import psycopg

    with psycopg.connect(info) as conn:
        while not stop.is_set():
            for code in provinces:
                conn.execute(WRITER_SQL, [code])
                conn.commit()
                written.value += WRITER_BATCH
                if stop.is_set():
                    break


def _remove_written() -> int:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM register_event WHERE NOT is_accepted AND data ? 'bench_writer'")
        return cursor.rowcount


def _timed(action):
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def measure(generated: list[str], print_=print) -> dict:
    from django.utils import timezone

    from danso.orgunits.models import OrgUnit
    from danso.register.models import Event, Person
    from danso.statistics import store
    from danso.statistics.compute import villages_of
    from danso.statistics.dashboard import recent_quarters
    from danso.statistics.forms import DSH_01
    from danso.statistics.report import build

    quarter = recent_quarters(timezone.localdate(), 1)[0]
    nation = OrgUnit.objects.get(uid="VN")
    persons = Person.objects.count()
    events = Event.objects.count()
    store.forget(villages_of(nation))
    load_before = os.getloadavg()
    national_cold, report = _timed(lambda: build(DSH_01, nation, quarter))
    national_warm = min(_timed(lambda: build(DSH_01, nation, quarter))[0] for _ in range(3))
    residents = report.figures.value(nation.uid, "residents")
    print_(f"National 01-DSH {quarter.label}, {persons:,} persons ({residents:,} residents at "
           f"the quarter's end), {len(generated)} provinces: first time {national_cold:.1f} s, "
           f"warm {national_warm:.3f} s (load {load_before[0]:.1f})")  # fmt: skip

    province = OrgUnit.objects.get(uid=f"P{generated[0]}")
    others = generated[1:] or generated
    store.forget(villages_of(province))
    context = multiprocessing.get_context("spawn")
    stop, written = context.Event(), context.Value("q", 0)
    writer = context.Process(target=write_events, args=(conninfo(), others, stop, written))
    writer.start()
    deadline = time.time() + 120
    while written.value == 0 and writer.is_alive() and time.time() < deadline:
        time.sleep(0.2)
    writes_before, began = written.value, time.perf_counter()
    province_cold, _ = _timed(lambda: build(DSH_01, province, quarter))
    province_warm = min(_timed(lambda: build(DSH_01, province, quarter))[0] for _ in range(3))
    seconds = time.perf_counter() - began
    writes = written.value - writes_before
    stop.set()
    writer.join(60)
    removed = _remove_written()
    load = os.getloadavg()
    print_(f"{province.name} 01-DSH while a writer process inserted {writes:,} events into "
           f"{len(others)} other province(s) ({writes / seconds:,.0f} rows/s): first time "
           f"{province_cold:.2f} s, warm {province_warm:.3f} s")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    result = {
        "persons": persons,
        "events": events,
        "provinces": len(generated),
        "quarter": quarter.id,
        "national_first_seconds": round(national_cold, 2),
        "national_warm_seconds": round(national_warm, 3),
        "province": province.uid,
        "province_first_seconds": round(province_cold, 2),
        "province_warm_seconds": round(province_warm, 3),
        "writer_rows": writes,
        "writer_rows_per_second": round(writes / seconds),
        "writer_rows_removed": removed,
        "database_bytes": size,
        "load_average": [round(x, 2) for x in load],
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print_(f"Database size {size / 2**30:.2f} GiB; load average {load[0]:.2f} {load[1]:.2f} "
           f"{load[2]:.2f}")  # fmt: skip
    return result


def project(results: list[dict], target: int = 100_000_000) -> dict:
    """A straight line (least squares) through the measured steps, at `target` persons."""
    points = {r["persons"]: r for r in results}
    if len(points) < 2:
        return {}
    xs = sorted(points)
    projected = {"persons": target}
    for key in ("national_first_seconds", "national_warm_seconds", "database_bytes"):
        ys = [points[x][key] for x in xs]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
            (x - mean_x) ** 2 for x in xs
        )
        projected[key] = round(mean_y + slope * (target - mean_x), 2)
    return projected


def run(people: int, per_province: int, steps: list[int], years: int, print_=print) -> dict:
    from danso.orgunits.models import Level, OrgUnit
    from danso.register.generate import generate
    from danso.register.models import Person
    from danso.register.partition import partition_by_province

    summary = partition_by_province(progress=print_)
    if summary["tables"]:
        print_(f"Partitioned by province: {', '.join(summary['tables'])}")
    provinces = list(
        OrgUnit.objects.filter(level=Level.PROVINCE, valid_to__isnull=True)
        .order_by("code")
        .values_list("province_code", flat=True)
    )
    count = math.ceil(people / per_province)
    if count > len(provinces):
        per_province = math.ceil(people / len(provinces))
        count = len(provinces)
    log = Path(settings.DATA_DIR) / "bench-national.jsonl"
    pending = sorted(s for s in steps if s < people) + [people]
    results, generated, total = [], [], 0
    for number, code in enumerate(provinces[:count], start=1):
        existing = Person.objects.filter(province_code=code).count()
        if existing:
            print_(f"Province {code}: {existing:,} persons already generated")
            total += existing
        else:
            load = os.getloadavg()[0]

            def progress(label, done, all_, code=code):
                if done == all_ or (label == "events" and done % 100000 == 0):
                    print_(f"  {code} {label}: {done:,}/{all_:,}", flush=True)

            s = generate(code, per_province, years, seed=number, progress=progress)
            total += s.persons
            print_(f"Province {code}: {s.persons:,} persons, {s.events:,} events, {s.rows:,} "
                   f"rows in {s.seconds:.0f} s = {s.rows_per_second:,.0f} rows/s (load "
                   f"{load:.1f} → {os.getloadavg()[0]:.1f}); total {total:,} persons",
                   flush=True)  # fmt: skip
            with log.open("a") as f:
                f.write(json.dumps({"generated": code, "persons": s.persons, "rows": s.rows,
                                    "seconds": round(s.seconds), "load": os.getloadavg()[0]})
                        + "\n")  # fmt: skip
        generated.append(code)
        while pending and (total >= pending[0] * 0.98 or number == count):
            pending.pop(0)
            result = measure(generated, print_=print_)
            results.append(result)
            with log.open("a") as f:
                f.write(json.dumps(result) + "\n")
        if not pending:
            break
    projection = project(results)
    if projection:
        print_(f"Projected to 100 million persons (straight line through the steps): first "
               f"national 01-DSH {projection['national_first_seconds']:.0f} s, warm "
               f"{projection['national_warm_seconds']:.2f} s, database "
               f"{projection['database_bytes'] / 2**30:.0f} GiB")  # fmt: skip
    return {"steps": results, "projection_100m": projection}
