"""scripts/backup_restore.sh against the real PostgreSQL server: a dump to two targets, the
second copy restored into a fresh database with the same row counts, and a damaged copy
refused before anything is restored."""

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup_restore.sh"
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the script backs up PostgreSQL"
)


@pytest.fixture
def server():
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432),
           "PGUSER": db["USER"]}  # fmt: skip
    info = f"host={env['PGHOST']} port={env['PGPORT']} user={env['PGUSER']}"
    name = f"{db['NAME']}_backup_source"
    with psycopg.connect(f"{info} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(f"{info} dbname={name}", autocommit=True) as source:
            source.execute("CREATE TABLE slip (id int PRIMARY KEY, note text)")
            source.execute("INSERT INTO slip VALUES (1, 'Thôn 1'), (2, 'Thôn 2'), (3, '')")
            source.execute("CREATE TABLE event (id int, province_code varchar(4)) "
                           "PARTITION BY LIST (province_code)")  # fmt: skip
            source.execute("CREATE TABLE event_p66 PARTITION OF event FOR VALUES IN ('66')")
            source.execute("CREATE TABLE event_pdefault PARTITION OF event DEFAULT")
            source.execute("INSERT INTO event VALUES (1, '66'), (2, '66'), (3, '01')")
        yield env, name, admin
        rows = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{name}%"]
        ).fetchall()
        for (database,) in rows:
            admin.execute(f'DROP DATABASE "{database}"')


def run(env, *args):
    return subprocess.run(["bash", str(SCRIPT), *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip


def test_drill_restores_the_second_copy_with_equal_counts(server, tmp_path):
    env, name, admin = server
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    done = run(env, "drill", name, a, b)
    assert done.returncode == 0, done.stderr
    # slip 3, event 3 (its partitions 2 and 1)
    assert "row counts equal" in done.stdout and "4 tables, 9 rows" in done.stdout
    dumps = sorted(p.name for p in b.iterdir())
    assert sorted(p.name for p in a.iterdir()) == dumps and len(dumps) == 2
    left = admin.execute("SELECT count(*) FROM pg_database WHERE datname LIKE %s",
                         [f"{name}_restore%"]).fetchone()[0]  # fmt: skip
    assert left == 0  # the drill's database is dropped afterwards

    dump = next(p for p in b.iterdir() if p.suffix == ".dump")
    restored = run(env, "restore", dump, f"{name}_copy")
    assert restored.returncode == 0, restored.stderr
    assert run(env, "verify", name, f"{name}_copy").returncode == 0
    again = run(env, "restore", dump, f"{name}_copy")
    assert again.returncode == 2 and "exists" in again.stderr


def test_a_damaged_copy_is_refused(server, tmp_path):
    env, name, admin = server
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    dump = Path(run(env, "backup", name, a, b).stdout.strip())
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    refused = run(env, "restore", dump, f"{name}_damaged")
    assert refused.returncode == 2 and "checksum mismatch" in refused.stderr
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                           [f"{name}_damaged"]).fetchone()  # fmt: skip
    assert exists is None
    assert run(env, "backup", name, a, a).returncode == 2  # one target twice is not two
