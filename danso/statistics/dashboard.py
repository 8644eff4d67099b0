"""Figures for the dashboard: a unit's key indicators over recent quarters, and its child
units ranked on the last complete quarter."""

import datetime
from dataclasses import dataclass

from . import store
from .compute import compute, requests_for, villages_of
from .periods import Period

KEY_INDICATORS = ["cbr", "cdr", "srb", "third_share", "cpr", "mcpr"]


def recent_quarters(today: datetime.date, count: int = 8) -> list[Period]:
    """The last `count` complete quarters, oldest first."""
    quarter = Period.parse(f"{today.year}Q{(today.month - 1) // 3 + 1}").previous()
    periods = [quarter]
    for _ in range(count - 1):
        periods.append(periods[-1].previous())
    return list(reversed(periods))


def trends(unit, periods: list[Period]) -> dict:
    series = {"labels": [p.label for p in periods], "births": [], "deaths": [],
              "residents": []}  # fmt: skip
    for code in KEY_INDICATORS:
        series[code] = []
    for period in periods:
        figures = compute(unit, period, with_children=False)
        for code in ("births", "deaths", "residents"):
            series[code].append(figures.value(unit.uid, code))
        for code in KEY_INDICATORS:
            value = figures.indicator(unit.uid, code)[0]
            series[code].append(None if value is None else round(value, 1))
    return series


def ranking(unit, period: Period) -> list[dict]:
    figures = compute(unit, period)
    rows = []
    for child in figures.columns[1:]:
        row = {"unit": child, "residents": figures.value(child.uid, "residents"),
               "births": figures.value(child.uid, "births")}  # fmt: skip
        row["cautions"] = {}
        for code in KEY_INDICATORS:
            value, num, den = figures.indicator(child.uid, code)
            row[code] = None if value is None else round(value, 1)
            # A ratio from a handful of events (SRB from 3 births: 0,0 or 500,0) is shown
            # with its caution, never bare.
            row["cautions"][code] = None if value is None else figures.caution(child.uid, code)
        rows.append(row)
    rows = [r for r in rows if r["residents"]]
    return sorted(rows, key=lambda r: (r["cpr"] is None, -(r["cpr"] or 0)))


def dashboard_requests(today: datetime.date) -> list[tuple[str, datetime.date]]:
    """What the dashboard of any unit reads from the store: its quarters' requests."""
    return [
        (source, day)
        for period in recent_quarters(today)
        for source, day, _renaming in requests_for(period)
    ]


@dataclass
class Board:
    quarters: list[Period]
    series: dict | None = None  # trends()
    ranking: list[dict] | None = None  # ranking() on the last quarter
    pending: store.Readiness | None = None  # the counts are not ready: how far they are


# Figures added up for a dashboard are kept this long at most, under a key that changes with
# any change to the unit's villages (store.signature): a view after a restart, or by another
# user or process, reads them at once. The bound covers what the key does not follow (a unit
# renamed, a village moved to another commune).
CACHE_SECONDS = 3600


def board(unit, today: datetime.date) -> Board:
    """The dashboard's figures of a unit, or how far their counts are when more than
    `jobs.BACKGROUND_VILLAGES` villages still lack some (then they are counted in the
    background, precompute.py, and nothing is counted here)."""
    from django.core.cache import cache

    from . import jobs, precompute

    quarters = recent_quarters(today)
    villages = villages_of(unit)
    key = f"danso-board-{unit.pk}-{quarters[-1].id}-" + "-".join(
        map(str, store.signature(villages))
    )
    kept = cache.get(key)
    if kept is not None:
        return Board(quarters, *kept)
    ids = list(villages.values_list("pk", flat=True))
    ready = store.readiness(villages, ids, dashboard_requests(today))
    if ready.missing_villages > jobs.BACKGROUND_VILLAGES:
        precompute.ask_for(unit)
        return Board(quarters, pending=ready)
    series, ranked = trends(unit, quarters), ranking(unit, quarters[-1])
    cache.set(key, (series, ranked), CACHE_SECONDS)
    return Board(quarters, series, ranked)
