"""The English interface writes and reads dates as the Vietnamese one does (dd/mm/yyyy): the
same officers switch languages, and 04/03/2026 must stay 4 March. Numbers keep English
separators (5,838; 90.6)."""

from danso.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    NUMBER_GROUPING,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
