"""Partitioning the register by province (PostgreSQL, opt-in): partitions are created, rows
land in their province's partition, the reports count the same figures as before, and the
application still writes. On SQLite the command refuses with a specific error."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from danso.orgunits.models import OrgUnit
from danso.register.generate import generate
from danso.register.models import Event, Household, Person
from danso.register.partition import (
    TABLES,
    PartitionError,
    partition_by_province,
    partitioned_tables,
)
from danso.statistics import store
from danso.statistics.compute import villages_of
from danso.statistics.forms import DSH_01
from danso.statistics.periods import Period
from danso.statistics.report import build

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 1, 1)
postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="declarative partitioning is PostgreSQL's"
)


def figures(unit, quarter):
    store.forget(villages_of(OrgUnit.objects.get(uid="VN")))
    return build(DSH_01, unit, quarter).figures.values


@postgresql
def test_partitioned_register_counts_the_same():
    generate("66", people=1000, years=2, seed=3, end=END)
    generate("79", people=500, years=2, seed=4, end=END)
    quarter = Period.parse("2025Q4")
    nation, province = OrgUnit.objects.get(uid="VN"), OrgUnit.objects.get(uid="P66")
    before = figures(nation, quarter), figures(province, quarter)
    assert before[0]["P66"]["residents"] > 0 and before[0]["P79"]["residents"] > 0
    events = {code: Event.objects.filter(province_code=code).count() for code in ("66", "79")}

    summary = partition_by_province()

    assert summary["tables"] == TABLES
    found = partitioned_tables()
    assert sorted(found) == sorted(TABLES)
    for table in TABLES:
        assert f"{table}_p66" in found[table] and f"{table}_pdefault" in found[table]
    with connection.cursor() as cursor:
        for code, count in events.items():
            cursor.execute(f"SELECT count(*) FROM register_event_p{code}")
            assert cursor.fetchone()[0] == count > 0
        cursor.execute("SELECT count(*) FROM register_event_pdefault")
        assert cursor.fetchone()[0] == 0
    assert (figures(nation, quarter), figures(province, quarter)) == before
    # the application still writes: ids from the table's own sequence, rows routed by province
    household = Household.objects.filter(province_code="66").first()
    largest = Household.objects.order_by("-pk").values_list("pk", flat=True)[0]
    copy = Household.objects.create(
        village=household.village, ou_path=household.ou_path, province_code="66", number="X1"
    )
    assert copy.pk > largest
    person = Person.objects.filter(province_code="79").first()
    person.phone = "0912345678"
    person.save()
    assert Person.objects.get(pk=person.pk).phone == "0912345678"
    assert partition_by_province()["tables"] == []  # a second run changes nothing


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
def test_sqlite_refuses_to_partition():
    with pytest.raises(PartitionError):
        partition_by_province()
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("partition_by_province")
