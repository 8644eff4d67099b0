"""Counts computed ahead of the pages that need them, and kept current as changes arrive.

`danso serve` starts, beside the web server, a process that runs `keep()`:

1. **At start**, for every province, the store's counts (store.py) that the dashboard and
   the reports of the current and the last complete quarter need: the events of each month,
   the stocks on each quarter's last day and on the day before it starts, for every village.
   The last complete quarter first, then the current one, then the dashboard's other quarters
   newest first, then every older quarter back to the first event in the register (so that a
   report for a quarter whose end has passed rarely counts from scratch). Nothing blocks: a
   page whose unit's counts are not ready yet says "Đang tính…" with its progress and
   refreshes itself (dashboard.py, web/report_views.py).
   The provinces' dashboards and 01-DSH are then added up once and kept in the cache
   (`fill_pages`), so that their first view reads them.
2. **Afterwards**, every few seconds, the villages whose version moved (a change accepted, a
   correction, an import: see store.bump) have their stored counts recounted — those villages
   only, every (source, day) stored for them, one grouped query per source and day for all of
   them together. So the store is current again a moment after a change, and the next page
   reads it instead of counting.

The figures are the store's own (`store.counts`): identical to a count from scratch, and a
change committing while a recount runs leaves its villages stale for the next round (the
version is read before the register).
"""

import datetime
import time

from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone
from django_tasks import task

from danso.orgunits.models import REFORM_DATE, Level, OrgUnit

from . import store
from .compute import requests_for, villages_of
from .dashboard import recent_quarters
from .models import VillageFigures, VillageVersion
from .periods import Period

ALIVE_KEY = "danso-precompute-alive"
PROGRESS_KEY = "danso-precompute-progress"
# The keeper says it is alive after each unit-quarter and at least this often when idle; a
# page trusts it for TRUST_SECONDS (a province's first count of a quarter can take a while).
BEAT_SECONDS = 10
TRUST_SECONDS = 120
POLL_SECONDS = 2.0
# How far back the start-up pass goes at most (quarters).
OLDEST_QUARTERS = 40


def current_quarter(today: datetime.date) -> Period:
    return Period.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}")


def plan(today: datetime.date, oldest: datetime.date | None = None) -> list[Period]:
    """The quarters to count at start, most wanted first: the last complete one, the current
    one, the dashboard's others newest first, then older ones back to `oldest`."""
    dashboard = recent_quarters(today)
    periods = [dashboard[-1], current_quarter(today), *reversed(dashboard[:-1])]
    if oldest is not None:
        quarter = dashboard[0].previous()
        while quarter.end >= oldest and len(periods) < OLDEST_QUARTERS:
            periods.append(quarter)
            quarter = quarter.previous()
    return periods


def provinces():
    """The provinces of the current map (the pre-2025 ones add up the same villages)."""
    current = OrgUnit.objects.filter(level=Level.PROVINCE).exclude(valid_to__lt=REFORM_DATE)
    return current.order_by("code")


def _oldest_event() -> datetime.date | None:
    from danso.register.models import Event

    return Event.objects.order_by("occurred_on").values_list("occurred_on", flat=True).first()


def beat(**progress) -> None:
    cache.set(ALIVE_KEY, time.time(), TRUST_SECONDS)
    if progress:
        cache.set(PROGRESS_KEY, progress, BEAT_SECONDS * 30)


def alive() -> bool:
    """Whether a keeper has said it is alive lately (so a page may wait for it)."""
    stamp = cache.get(ALIVE_KEY)
    return stamp is not None and time.time() - stamp < TRUST_SECONDS


def precompute(today: datetime.date | None = None, units=None, print_=None) -> int:
    """Count and store what the plan needs for every province (or, for `units`, what their
    dashboard needs); returns how many (unit, quarter) were gone through. Counts already
    stored and current are only read."""
    today = today or timezone.localdate()
    periods = plan(today, _oldest_event()) if units is None else recent_quarters(today)[::-1]
    units = list(units if units is not None else provinces())
    total, done = len(periods) * len(units), 0
    for period in periods:
        for unit in units:
            villages = villages_of(unit)
            ids = list(villages.values_list("pk", flat=True))
            if ids:
                wanted = [(s, d) for s, d, _r in requests_for(period)]
                began = time.perf_counter()
                # stored and current (a restart): checked on ids and versions, not read
                if store.readiness(villages, ids, wanted).missing_villages:
                    store.counts(villages, ids, wanted)
                if print_:
                    print_(f"{unit.uid} {period.id}: {time.perf_counter() - began:.1f} s")
            done += 1
            beat(done=done, total=total, period=period.id)
    return done


def versions() -> dict[int, int]:
    return dict(VillageVersion.objects.values_list("village_id", "version"))


def changed_since(seen: dict[int, int]) -> tuple[dict[int, int], list[int]]:
    now = versions()
    return now, sorted(v for v, version in now.items() if seen.get(v) != version)


def refresh(village_ids: list[int]) -> int:
    """Recount, for these villages only, every (source, day) stored for any of them that is
    no longer current; returns how many (source, day) were asked for."""
    if not village_ids:
        return 0
    requests = sorted(
        set(
            VillageFigures.objects.filter(village__in=village_ids)
            .values_list("source", "day")
            .distinct()
        )
    )
    villages = OrgUnit.objects.filter(pk__in=village_ids)
    for start in range(0, len(village_ids), store.IN_LIST_LIMIT):
        chunk = village_ids[start : start + store.IN_LIST_LIMIT]
        store.counts(villages.filter(pk__in=chunk), chunk, requests)
    return len(requests)


def fill_pages(units, today: datetime.date | None = None) -> None:
    """Add up and keep (in the cache) the units' dashboard and their 01-DSH for the last
    complete quarter, so that the first view of either reads them at once."""
    from .dashboard import board
    from .forms import DSH_01
    from .report import built

    today = today or timezone.localdate()
    for unit in units:
        board(unit, today)
        built(DSH_01, unit, recent_quarters(today)[-1])


def provinces_of(village_ids: list[int]):
    codes = set(OrgUnit.objects.filter(pk__in=village_ids).values_list("province_code",
                                                                       flat=True))  # fmt: skip
    return provinces().filter(province_code__in=codes)


def keep(print_=print, poll: float = POLL_SECONDS, stop=None) -> None:
    """The keeper's loop: the start-up pass, then recounts of changed villages, until `stop`
    (a threading.Event) is set or the process is ended."""
    beat()
    seen = versions()  # changes from now on are recounted; earlier ones by the start-up pass
    began = time.perf_counter()
    done = precompute(print_=None)
    fill_pages(provinces())
    print_(f"Counts ready for the dashboard and reports: {done} unit-quarters "
           f"in {time.perf_counter() - began:.0f} s")  # fmt: skip
    last_beat = time.time()
    while not (stop and stop.is_set()):
        close_old_connections()
        seen_before = seen
        seen, changed = changed_since(seen_before)
        if changed:
            refresh(changed)
            fill_pages(provinces_of(changed))
        if time.time() - last_beat > BEAT_SECONDS / 2:
            beat()
            last_beat = time.time()
        if stop:
            stop.wait(poll)
        else:
            time.sleep(poll)


def counting_key(unit_pk: int) -> str:
    return f"danso-dashboard-counting-{unit_pk}"


@task()
def count_dashboard(unit_pk: int) -> int:
    """The dashboard's counts of one unit, by the background worker (when no keeper runs)."""
    try:
        return precompute(units=OrgUnit.objects.filter(pk=unit_pk))
    finally:
        cache.delete(counting_key(unit_pk))


def ask_for(unit) -> None:
    """Make sure someone is counting the unit's dashboard: the keeper if it is alive, else a
    background job (one at a time per unit)."""
    if not alive() and cache.add(counting_key(unit.pk), True, 3600):
        count_dashboard.enqueue(unit.pk)


def counts_soon(period: Period, today: datetime.date | None = None) -> bool:
    """Whether a keeper is alive and its start-up pass counts this quarter."""
    if not alive():
        return False
    return period.id in {p.id for p in plan(today or timezone.localdate(), datetime.date.min)}
