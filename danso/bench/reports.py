"""`danso bench reports`: the quarterly form for a whole generated province, against DuckDB.

1. Generates (or reuses) a province of N people with 5 years of events in a bench database of
   its own (`<data dir>/bench-reports-N.sqlite3`, or `<database>_bench_reports_N` on
   PostgreSQL).
2. Times `build(01-DSH, province, quarter)`: every figure of the form for the province and each
   of its communes (one column per commune), for the last complete quarter: the first time
   (the store of counts per village emptied first), then best of 3, then after a change in one
   village; and the name list 03-DS/CSYT for the province.
3. Exports the same rows (villages, events, residence, marital and method spells) to Parquet
   and times a hand-written DuckDB query computing the same figures; checks that both agree
   and prints both times and their ratio.
"""

import csv
import tempfile
import time
from pathlib import Path

from django.db import connection

QUERY = """
WITH v AS (SELECT id AS village_id, parent_id AS commune FROM '{d}/villages.parquet'),
ev AS (
  SELECT v.commune,
    count(*) FILTER (WHERE kind = 'birth') AS births,
    count(*) FILTER (WHERE kind = 'birth' AND sex = '1') AS births_male,
    count(*) FILTER (WHERE kind = 'birth' AND birth_order >= 3) AS births_order3plus,
    count(*) FILTER (WHERE kind = 'death') AS deaths,
    count(*) FILTER (WHERE kind = 'move_in') AS moved_in,
    count(*) FILTER (WHERE kind = 'move_out') AS moved_out,
    count(*) FILTER (WHERE kind = 'method_start') AS new_users
  FROM '{d}/events.parquet' e JOIN v USING (village_id)
  WHERE occurred_on BETWEEN DATE '{start}' AND DATE '{end}' AND is_accepted
    AND NOT is_superseded
  GROUP BY v.commune),
res AS (
  SELECT v.commune, count(*) AS residents, count(DISTINCT household_id) AS households
  FROM '{d}/residence.parquet' r JOIN v USING (village_id)
  WHERE counted_from <= DATE '{end}' AND start <= DATE '{end}'
    AND (r."end" IS NULL OR r."end" > DATE '{end}')
  GROUP BY v.commune),
spouse_links AS (
  SELECT id, occurred_on, person_id AS person, other_person_id AS partner
  FROM '{d}/events.parquet'
  WHERE kind IN ('marriage', 'registration', 'move_in') AND other_person_id IS NOT NULL
    AND is_accepted AND NOT is_superseded AND occurred_on <= DATE '{end}'),
spouse AS (  -- each person's latest spouse link, from either side
  SELECT person, partner FROM (
    SELECT id, occurred_on, person, partner FROM spouse_links
    UNION ALL SELECT id, occurred_on, partner, person FROM spouse_links)
  QUALIFY row_number() OVER (PARTITION BY person ORDER BY occurred_on DESC, id DESC) = 1),
using_method AS (
  SELECT DISTINCT person_id FROM '{d}/method.parquet'
  WHERE start <= DATE '{end}' AND ("end" IS NULL OR "end" > DATE '{end}')),
mw AS (  -- a couple uses a method if the wife or her husband does
  SELECT v.commune, count(*) AS married_women_15_49,
    count(*) FILTER (WHERE ms.person_id IS NOT NULL OR hs.person_id IS NOT NULL) AS users
  FROM '{d}/residence.parquet' r JOIN v USING (village_id)
  JOIN (SELECT DISTINCT person_id FROM '{d}/marital.parquet'
        WHERE status = '2' AND start <= DATE '{end}'
          AND ("end" IS NULL OR "end" > DATE '{end}')) m USING (person_id)
  LEFT JOIN using_method ms USING (person_id)
  LEFT JOIN spouse s ON s.person = r.person_id
  LEFT JOIN using_method hs ON hs.person_id = s.partner
  WHERE r.sex = '2' AND r.counted_from <= DATE '{end}' AND r.start <= DATE '{end}'
    AND (r."end" IS NULL OR r."end" > DATE '{end}')
    AND r.date_of_birth <= DATE '{born_15}' AND r.date_of_birth > DATE '{born_50}'
  GROUP BY v.commune)
SELECT commune, COALESCE(births, 0), COALESCE(births_male, 0), COALESCE(births_order3plus, 0),
  COALESCE(deaths, 0), COALESCE(moved_in, 0), COALESCE(moved_out, 0), COALESCE(new_users, 0),
  COALESCE(residents, 0), COALESCE(households, 0), COALESCE(married_women_15_49, 0),
  COALESCE(users, 0)
FROM res FULL JOIN ev USING (commune) FULL JOIN mw USING (commune)
"""
TYPES = {
    "start": "DATE", "end": "DATE", "counted_from": "DATE", "date_of_birth": "DATE",
    "occurred_on": "DATE", "is_accepted": "BOOLEAN", "is_superseded": "BOOLEAN",
    "sex": "VARCHAR", "status": "VARCHAR", "method": "VARCHAR", "kind": "VARCHAR",
    "birth_order": "INTEGER", "village_id": "BIGINT", "person_id": "BIGINT",
    "household_id": "BIGINT", "id": "BIGINT", "parent_id": "BIGINT",
    "other_person_id": "BIGINT",
}  # fmt: skip
CHECKED = ["births", "births_male", "births_order3plus", "deaths", "moved_in", "moved_out",
           "new_users", "residents", "households", "married_women_15_49", "users"]  # fmt: skip


def _export(table: str, columns: list[str], where: str, folder: Path, name: str, duck) -> None:
    path = folder / f"{name}.csv"
    with connection.cursor() as cursor, open(path, "w", newline="") as f:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} {where}")
        writer = csv.writer(f)
        writer.writerow([c.strip('"') for c in columns])
        while rows := cursor.fetchmany(50000):
            writer.writerows(rows)
    names = [c.strip('"') for c in columns]
    types = {c: TYPES[c] for c in names if c in TYPES}
    duck.execute(
        f"COPY (SELECT * FROM read_csv('{path}', header=true, types={types!r})) "
        f"TO '{folder / name}.parquet' (FORMAT parquet)"
    )
    path.unlink()


def run(province_uid: str, print_=print) -> dict:
    import duckdb
    from django.utils import timezone

    from danso.orgunits.models import OrgUnit
    from danso.statistics import store
    from danso.statistics.compute import villages_of
    from danso.statistics.dashboard import recent_quarters
    from danso.statistics.forms import DSH_01
    from danso.statistics.lists import NEWBORNS, list_rows
    from danso.statistics.report import build

    province = OrgUnit.objects.get(uid=province_uid)
    quarter = recent_quarters(timezone.localdate(), 1)[0]
    villages = villages_of(province)

    def timed(action):
        began = time.perf_counter()
        result = action()
        return time.perf_counter() - began, result

    store.forget(villages)
    cold_seconds, report = timed(lambda: build(DSH_01, province, quarter))
    timings = [timed(lambda: build(DSH_01, province, quarter))[0] for _ in range(3)]
    danso_seconds = min(timings)
    one_village = villages.order_by("pk").values_list("pk", flat=True)[:1]
    store.bump(one_village)  # what recording a change in that village does
    changed_seconds = timed(lambda: build(DSH_01, province, quarter))[0]
    list_seconds, screened = timed(lambda: list_rows(NEWBORNS, province, quarter))
    columns = len(report.columns) - 1
    print_(f"danso: 01-DSH for {province.name}, {quarter.label}, {columns} commune columns")
    print_(
        f"  first time the quarter is asked for (counts computed and stored): {cold_seconds:.2f} s"
    )
    print_(f"  afterwards: {danso_seconds:.3f} s (best of 3)")
    print_(f"  after a change in one village (it alone is recomputed): {changed_seconds:.3f} s")
    print_(
        f"danso: 03-DS/CSYT for the province ({len(screened):,} newborns screened): "
        f"{list_seconds:.3f} s"
    )

    folder = Path(tempfile.mkdtemp(prefix="danso-duck-"))
    duck = duckdb.connect()
    province_path = province.path
    _export(
        "orgunits_orgunit",
        ["id", "parent_id"],
        f"WHERE level = 'village' AND path LIKE '{province_path}%'",
        folder,
        "villages",
        duck,
    )
    for table, name, exported in [
        ("register_event", "events", ["id", "person_id", "other_person_id", "village_id",
                                      "kind", "sex", "birth_order", "occurred_on",
                                      "is_accepted", "is_superseded"]),
        ("register_residence", "residence", ["person_id", "household_id", "village_id", "sex",
                                             "date_of_birth", "start", '"end"', "counted_from"]),
        ("register_maritalspell", "marital", ["person_id", "status", "start", '"end"']),
        ("register_methodspell", "method", ["person_id", "method", "start", '"end"']),
    ]:  # fmt: skip
        _export(table, exported, f"WHERE province_code = '{province.province_code}'", folder,
                name, duck)  # fmt: skip
    end = quarter.end
    sql = QUERY.format(
        d=folder, start=quarter.start, end=end,
        born_15=end.replace(year=end.year - 15), born_50=end.replace(year=end.year - 50),
    )  # fmt: skip
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        rows = duck.execute(sql).fetchall()
        timings.append(time.perf_counter() - began)
    duck_seconds = min(timings)
    by_commune = {r[0]: dict(zip(CHECKED, r[1:], strict=True)) for r in rows}
    mismatches = []
    for column in report.columns[1:]:
        theirs = by_commune.get(column.pk, {})
        for code in CHECKED:
            ours = report.figures.value(column.uid, code)
            if ours != theirs.get(code, 0):
                mismatches.append((column.uid, code, ours, theirs.get(code, 0)))
    ratio = danso_seconds / duck_seconds
    print_(
        f"DuckDB (Parquet, hand-written query): {duck_seconds:.3f} s (best of 3); "
        f"danso / DuckDB = {ratio:.2f}× (first time: {cold_seconds / duck_seconds:.1f}×); "
        f"figures compared: {len(CHECKED)} × {columns} communes, {len(mismatches)} differ"
    )
    for m in mismatches[:10]:
        print_(f"  differs: {m}")
    return {"danso_seconds": round(danso_seconds, 3), "duckdb_seconds": round(duck_seconds, 3),
            "ratio": round(ratio, 2), "first_time_seconds": round(cold_seconds, 3),
            "after_one_change_seconds": round(changed_seconds, 3),
            "newborn_list_seconds": round(list_seconds, 3), "mismatches": len(mismatches),
            "database": connection.vendor, "quarter": quarter.id}  # fmt: skip


def bench_database_url(people: int) -> tuple[str, bool]:
    """The bench database, and whether it already holds a generated province."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "sqlite" in db["ENGINE"]:
        path = Path(settings.DATA_DIR) / f"bench-reports-{people}.sqlite3"
        return f"sqlite:///{path}", path.exists()
    import psycopg

    name = f"{db['NAME']}_bench_reports_{people}"
    host, port, user = db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["USER"]
    with psycopg.connect(f"host={host} port={port} user={user} dbname=postgres",
                         autocommit=True) as conn:  # fmt: skip
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql://{user}@{host}:{port}/{name}", bool(exists)
