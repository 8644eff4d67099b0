"""Figures for the dashboard: a unit's key indicators over recent quarters, and its child
units ranked on the last complete quarter."""

import datetime

from .compute import compute
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
