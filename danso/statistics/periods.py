"""Reporting periods with DHIS2 identifiers: 202406 (month), 2024Q2, 2024S1, 2024 (year)."""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_PATTERNS = [
    (re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"), "month"),
    (re.compile(r"^(\d{4})Q([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})S([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
]
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
KIND_NAMES = {"month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm"}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    id: str
    type: str
    start: datetime.date  # first day
    end: datetime.date  # last day: stocks are taken on it

    @classmethod
    def parse(cls, value: str) -> "Period":
        for pattern, kind in _PATTERNS:
            if m := pattern.match(value or ""):
                year = int(m.group(1))
                index = int(m.group(2)) if kind != "year" else 1
                first_month = (index - 1) * MONTHS[kind] + 1 if kind != "month" else index
                start = datetime.date(year, first_month, 1)
                return cls(value, kind, start, _add_months(start, MONTHS[kind]) - _DAY)
        raise PeriodError(
            _("A period is YYYYMM (month), YYYYQn (quarter), YYYYSn (half-year) or YYYY (year).")
        )

    @property
    def label(self) -> str:
        y = self.start.year
        return {
            "month": f"Tháng {self.start.month:02d}/{y}",
            "quarter": f"Quý {(self.start.month - 1) // 3 + 1}/{y}",
            "half": f"6 tháng {'đầu' if self.start.month == 1 else 'cuối'} năm {y}",
            "year": f"Năm {y}",
        }[self.type]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_year(self) -> float:
        """How many such periods make its year, by days (365 or 366): what annualises a rate.
        Exactly 1 for a year."""
        year = datetime.date(self.start.year, 12, 31) - datetime.date(self.start.year, 1, 1)
        return (year.days + 1) / self.days

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each month of the period."""
        return [_add_months(self.start, i) for i in range(MONTHS[self.type])]

    @classmethod
    def containing(cls, kind: str, day: datetime.date) -> "Period":
        """The period of a kind ("month", "quarter", "half", "year") that holds the day."""
        return cls.parse(_period_id(kind, day))

    def previous(self) -> "Period":
        return Period.parse(_period_id(self.type, self.start - _DAY))


_DAY = datetime.timedelta(days=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the month of `day`."""
    return _add_months(day.replace(day=1), 1) - _DAY


def _period_id(kind: str, day: datetime.date) -> str:
    if kind == "month":
        return f"{day.year}{day.month:02d}"
    if kind == "quarter":
        return f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if kind == "half":
        return f"{day.year}S{1 if day.month <= 6 else 2}"
    return str(day.year)
