"""Counts per village and day, kept so that a report adds up a few thousand rows instead of
scanning the register.

Each answer of a source (sources.py) for one village and one day is stored in
`VillageFigures` with the village's version at the moment of reading. Every write to the
register that can change a count bumps the versions of the villages it touches, in the same
transaction (the register sends `villages_changed`). A stored row whose version is behind is
stale: the next report recomputes just those villages. So a report always reflects every
accepted change at once (no nightly rebuild, no analytics lag) and costs, after the first
time a day is asked for, one indexed read plus the villages that changed since.

Counts kept by code that counted differently (an older `sources.VERSION`) are ignored and
recounted the same way, so a fix to a query never serves figures counted before it.

Why versions and not deletion: a report that is computing while a change commits would
otherwise store figures read before the change. The version is read *before* the register is,
so such figures carry the old version and are ignored.
"""

import datetime
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import VillageFigures, VillageVersion
from .sources import SOURCES, TOGETHER, VERSION

# Beyond this many villages a recomputation filters by the unit's villages (a subquery) rather
# than by a list of ids, which keeps queries small for a whole province or the nation.
ID_LIST_LIMIT = 500
# Queries counted side by side (each on its own connection) when a report needs several.
WORKERS = min(4, os.cpu_count() or 1)
# Reading stored counts filters by a list of ids up to this many villages (a province).
IN_LIST_LIMIT = 20000


def bump(village_ids) -> None:
    """Mark the villages as changed (called inside the writing transaction)."""
    ids = sorted(set(village_ids))
    table = connection.ops.quote_name(VillageVersion._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} (village_id, version) VALUES "
                + ", ".join(["(%s, 1)"] * len(chunk))
                + f" ON CONFLICT (village_id) DO UPDATE SET version = {table}.version + 1",
                chunk,
            )


def on_villages_changed(sender, village_ids, **kwargs) -> None:
    bump(village_ids)


Request = tuple[str, datetime.date]  # (source, day)


def counts(villages, village_ids: list[int], requests: list[Request], progress=None):
    """{(source, day): {village id: {code: count}}} for the villages (a queryset of OrgUnit and
    the list of its ids), recomputing what is missing or stale. `progress(done, total)` is
    called after each recomputed source and day."""
    requests = list(dict.fromkeys(requests))
    versions, found = _stored(_narrowest(villages, village_ids), requests)
    # A task is one grouped query: the days of a source that counts them together (events)
    # and lack the same villages, or one day of another source.
    tasks: dict[tuple, list[datetime.date]] = defaultdict(list)
    for (source, day), missing in _stale(found, village_ids, requests):
        key = (source, tuple(missing)) if source in TOGETHER else (source, tuple(missing), day)
        tasks[key].append(day)

    def count(task):
        (source, missing, *_day), days = task
        which = list(missing) if len(missing) <= ID_LIST_LIMIT else villages
        return source, missing, SOURCES[source](which, days)

    for step, (source, missing, by_day) in enumerate(_run(count, list(tasks.items())), start=1):
        for day, computed in by_day.items():
            fresh = {v: computed.get(v, {}) for v in missing}
            _save(source, day, fresh, versions)
            found[(source, day)].update(fresh)
        if progress:
            progress(step, len(tasks))
    return found


def _run(function, tasks: list):
    """The tasks' results, in order, as each is ready. Run side by side on connections of their
    own (one per core, up to WORKERS) when there are several and no transaction is open: other
    connections could not see a transaction's uncommitted rows, so inside one they run here,
    one by one."""
    if len(tasks) < 2 or WORKERS < 2 or connection.in_atomic_block:
        yield from map(function, tasks)
        return

    def on_own_connection(task):
        try:
            return function(task)
        finally:
            connection.close()  # the worker thread's own connection

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        yield from pool.map(on_own_connection, tasks)


def _narrowest(villages, village_ids: list[int]):
    """Filter by the list of ids where it is short enough: a list lets the database use its
    indexes at once, where a subquery over the unit's villages may be planned badly (seen on
    PostgreSQL before the store's statistics exist: 1.7 s instead of 0.05 s)."""
    return village_ids if len(village_ids) <= IN_LIST_LIMIT else villages


def _stored(villages, requests: list[Request]):
    """The villages' versions, and their stored counts that are still current."""
    versions = dict(
        VillageVersion.objects.filter(village__in=villages).values_list("village_id", "version")
    )
    wanted = Q()
    for source, day in requests:
        wanted |= Q(source=source, day=day)
    found: dict[Request, dict[int, dict]] = defaultdict(dict)
    stored = VillageFigures.objects.filter(
        wanted, village__in=villages, counted_by=VERSION
    ).values_list("source", "day", "village_id", "version", "values")
    for source, day, village, version, values in stored:
        if version == versions.get(village, 0):
            found[(source, day)][village] = values
    return versions, found


def _stale(found, village_ids, requests) -> list[tuple[Request, list[int]]]:
    stale = [(r, [v for v in village_ids if v not in found[r]]) for r in requests]
    return [(r, missing) for r, missing in stale if missing]


def villages_to_compute(villages, village_ids: list[int], requests: list[Request]) -> int:
    """How many villages `counts` would have to recompute for at least one request."""
    return readiness(villages, village_ids, requests).missing_villages


@dataclass
class Readiness:
    """How much of what a page needs is stored and current, counted without reading the
    counts themselves (one grouped query on ids and versions)."""

    villages: int  # the unit's villages
    missing_villages: int  # of which lacking at least one request
    pairs: int  # villages × requests
    ready_pairs: int  # of which stored and current

    @property
    def percent(self) -> int:
        return 100 if not self.pairs else int(100 * self.ready_pairs / self.pairs)


def readiness(villages, village_ids: list[int], requests: list[Request]) -> Readiness:
    requests = list(dict.fromkeys(requests))
    if not requests or not village_ids:
        return Readiness(len(village_ids), 0, 0, 0)
    wanted = Q()
    for source, day in requests:
        wanted |= Q(source=source, day=day)
    current = Coalesce(
        Subquery(VillageVersion.objects.filter(village=OuterRef("village")).values("version")),
        Value(0),
        output_field=BigIntegerField(),
    )
    per_village = dict(
        VillageFigures.objects.filter(
            wanted, village__in=_narrowest(villages, village_ids), counted_by=VERSION
        )
        .alias(current=current)
        .filter(version=F("current"))
        .values("village")
        .annotate(n=Count("pk"))
        .values_list("village", "n")
    )
    complete = sum(1 for n in per_village.values() if n >= len(requests))
    return Readiness(len(village_ids), len(village_ids) - complete,
                     len(village_ids) * len(requests), sum(per_village.values()))  # fmt: skip


def signature(villages) -> tuple[int, int, int]:
    """What changes whenever a count of the villages may change: how many there are, and the
    sum of their versions (every change bumps one), with the definitions' version. A key for
    figures added up from the store."""
    found = VillageVersion.objects.filter(village__in=villages).aggregate(
        n=Count("pk"), total=Sum("version")
    )
    return (villages.count(), found["total"] or 0, VERSION)


def _save(source: str, day: datetime.date, fresh: dict[int, dict], versions: dict) -> None:
    rows = [
        VillageFigures(village_id=v, source=source, day=day, version=versions.get(v, 0),
                       counted_by=VERSION, values=values)
        for v, values in fresh.items()
    ]  # fmt: skip
    with transaction.atomic():
        VillageFigures.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["source", "day", "village"],
            update_fields=["version", "counted_by", "values", "computed_at"],
        )


def forget(villages) -> int:
    """Drop the stored counts of some villages (the next report recomputes them)."""
    return VillageFigures.objects.filter(village__in=villages).delete()[0]
