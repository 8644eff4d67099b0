"""The two administrative maps for data values and plans: which map a period is entered in.

The reform of 1 July 2025 closed the old units (`LP…`, `LD…`, `LC…`, valid until 30/06/2025)
and opened the new ones (`P…`, `C…`, valid from 01/07/2025). Villages and organisations belong
to both maps: their dates (an organisation copies its parent's) are not checked.

- **Data values** of a period are entered by the units in force on the period's **last day**:
  an old unit for periods ending by 30/06/2025 (2025Q2, 2025S1, June 2025 and before), a new
  unit for periods ending from 01/07/2025 (2025Q3, 2025S2 and later, and the year 2025 as a
  whole, which is reported on the new map). No period is entered twice.
- **Plans** are a year's: a unit plans for the years it exists in, even partly, so 2025 has
  plans on both maps (the old ones made at the start of the year, the new units' reallocated
  from them: `reallocation.py`). Old units plan for 2025 and before, new units for 2025 and
  after.

A pre-2025 unit lying wholly inside the user's area (accounts.scope.units_within) is reached by
the officers of that area, as it is seen: the province officer of P66 enters LP66's history.
"""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from danso.accounts.scope import path_in_scope, visible_units
from danso.orgunits.models import Level, OrgUnit

CLOSED = "unit_closed_for_period"
NOT_YET = "unit_not_yet_in_force"


class MapError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _day(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def reaches(user, unit: OrgUnit) -> bool:
    """The unit is in the user's subtree, or is an old unit wholly inside it."""
    if path_in_scope(user, unit.path):
        return True
    return unit.is_legacy and visible_units(user).filter(pk=unit.pk).exists()


def _dated(unit: OrgUnit) -> bool:
    """Administrative units belong to one map; villages and organisations (which copy their
    parent's opening date) to both."""
    return unit.level in (Level.NATION, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)


def check_period(unit: OrgUnit, start: datetime.date, end: datetime.date) -> None:
    """Data values: the unit must be in force on the period's last day."""
    if not _dated(unit):
        return
    if unit.valid_to is not None and end > unit.valid_to:
        raise MapError(CLOSED, _(
            "%(unit)s existed until %(until)s (the reorganisation of administrative units): "
            "figures for periods ending after that day are entered for the new units."
        ) % {"unit": unit.name, "until": _day(unit.valid_to)})  # fmt: skip
    if unit.valid_from is not None and end < unit.valid_from:
        raise MapError(NOT_YET, _(
            "%(unit)s exists from %(since)s: figures for periods ending before that day are "
            "entered for the old units (before the reorganisation)."
        ) % {"unit": unit.name, "since": _day(unit.valid_from)})  # fmt: skip


def check_year(unit: OrgUnit, year: int) -> None:
    """Plans: the unit must exist on some day of the year."""
    if not _dated(unit):
        return
    first, last = datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
    if unit.valid_to is not None and unit.valid_to < first:
        raise MapError(CLOSED, _(
            "%(unit)s existed until %(until)s: plans for %(year)s are set for the new units."
        ) % {"unit": unit.name, "until": _day(unit.valid_to), "year": year})  # fmt: skip
    if unit.valid_from is not None and unit.valid_from > last:
        raise MapError(NOT_YET, _(
            "%(unit)s exists from %(since)s: plans for %(year)s are set for the old units."
        ) % {"unit": unit.name, "since": _day(unit.valid_from), "year": year})  # fmt: skip
