"""Periods of an analysis: fixed DHIS2 ids (202406, 2024Q2, 2024S1, 2024) and DHIS2's relative
periods (LAST_4_QUARTERS, THIS_YEAR, LAST_12_MONTHS…), counted back from today; and a `Span`
of contiguous months, what several periods given as a filter add up to.

Relative periods follow DHIS2: "LAST_" periods are complete ones before the current one,
"THIS_" is the current one (still running), "…_THIS_YEAR" every period of the year.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from danso.statistics.periods import Period, PeriodError

from .errors import AnalysisError

_DAY = datetime.timedelta(days=1)


def _back(period: Period, count: int) -> list[Period]:
    """The `count` periods before `period`, oldest first."""
    found = [period.previous()]
    while len(found) < count:
        found.append(found[-1].previous())
    return list(reversed(found))


def _of_year(kind: str, year: int) -> list[Period]:
    first = Period.containing(kind, datetime.date(year, 1, 1))
    found = [first]
    while True:
        following = Period.containing(kind, found[-1].end + _DAY)
        if following.start.year != year:
            return found
        found.append(following)


def _last(kind: str, count: int):
    return lambda today: _back(Period.containing(kind, today), count)


def _this(kind: str):
    return lambda today: [Period.containing(kind, today)]


RELATIVE = {
    "THIS_MONTH": _this("month"),
    "LAST_MONTH": _last("month", 1),
    "LAST_3_MONTHS": _last("month", 3),
    "LAST_6_MONTHS": _last("month", 6),
    "LAST_12_MONTHS": _last("month", 12),
    "MONTHS_THIS_YEAR": lambda today: _of_year("month", today.year),
    "MONTHS_LAST_YEAR": lambda today: _of_year("month", today.year - 1),
    "THIS_QUARTER": _this("quarter"),
    "LAST_QUARTER": _last("quarter", 1),
    "LAST_4_QUARTERS": _last("quarter", 4),
    "LAST_8_QUARTERS": _last("quarter", 8),
    "QUARTERS_THIS_YEAR": lambda today: _of_year("quarter", today.year),
    "QUARTERS_LAST_YEAR": lambda today: _of_year("quarter", today.year - 1),
    "THIS_SIX_MONTH": _this("half"),
    "LAST_SIX_MONTH": _last("half", 1),
    "LAST_2_SIXMONTHS": _last("half", 2),
    "THIS_YEAR": _this("year"),
    "LAST_YEAR": _last("year", 1),
    "LAST_5_YEARS": _last("year", 5),
}


def resolve(items: list[str], today: datetime.date) -> list[Period]:
    """The periods the items name, in the order given, each once."""
    found: dict[str, Period] = {}
    for item in items:
        if item in RELATIVE:
            periods = RELATIVE[item](today)
        else:
            try:
                periods = [Period.parse(item)]
            except PeriodError as err:
                raise AnalysisError(
                    "invalid_period",
                    _("Unknown period “%(item)s”: %(reason)s Or a relative period such as "
                      "LAST_4_QUARTERS, THIS_YEAR, LAST_12_MONTHS.")
                    % {"item": item, "reason": str(err)},
                    "pe",
                ) from err  # fmt: skip
        for period in periods:
            found.setdefault(period.id, period)
    return list(found.values())


def same_period_last_year(period: Period) -> Period:
    """2025Q3 → 2024Q3, 202507 → 202407."""
    return Period.containing(period.type, period.start.replace(year=period.start.year - 1))


@dataclass(frozen=True)
class Span:
    """Contiguous months from `start` to `end`, shaped like statistics.periods.Period so that
    register figures are computed over it exactly (events of each month, stocks on its last
    day, averages of its start and end, rates annualised by its days)."""

    start: datetime.date
    end: datetime.date
    id: str
    label: str
    type: str = "span"

    @property
    def months(self) -> list[datetime.date]:
        found, day = [], self.start
        while day <= self.end:
            found.append(day)
            day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return found

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_year(self) -> float:
        """Rates over the span are annualised by its days, as Period's are; a span of whole
        calendar years within one year is not scaled."""
        year = (datetime.date(self.start.year, 12, 31) - datetime.date(self.start.year, 1, 1)).days
        return (year + 1) / self.days


def span_of(periods: list[Period]) -> Span | Period:
    """What several periods given as a filter add up to: one period as it is, contiguous ones
    as one span. Periods that leave a gap or overlap cannot be added up (stocks and averages
    would be counted twice or over a gap), so they are refused."""
    if len(periods) == 1:
        return periods[0]
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start != before.end + _DAY:
            raise AnalysisError(
                "periods_not_contiguous",
                _("Periods given as a filter must follow one another without gap or overlap "
                  "(%(before)s, %(after)s).") % {"before": before.id, "after": after.id},
                "pe",
            )  # fmt: skip
    label = f"{ordered[0].label} – {ordered[-1].label}"
    return Span(ordered[0].start, ordered[-1].end, f"{ordered[0].id}-{ordered[-1].id}", label)
