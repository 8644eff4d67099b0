"""From a kind, a unit and a period (or an activity) to the drafted content: the checks every
interface shares (web, API, command line), then the kind's module in documents/."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from danso.statistics.compute import villages_to_compute
from danso.statistics.jobs import BACKGROUND_VILLAGES
from danso.statistics.periods import Period, PeriodError

from .documents import briefing, event, partner, womens_union, year_review
from .documents.common import Request
from .kinds import EVENT, KINDS, Kind

MODULES = {
    "year_review": year_review,
    "six_month_review": briefing,
    "quarterly_briefing": briefing,
    "partner_annual": partner,
    "womens_union": womens_union,
    "event": event,
}
RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")
LONGEST_RANGE = 366  # days an event report may cover


class DraftError(Exception):
    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field

    def as_dict(self) -> dict:
        return {"index": None, "field": self.field, "code": self.code, "message": self.message}


def kind_of(code: str) -> Kind:
    kind = KINDS.get(code or "")
    if kind is None:
        raise DraftError("unknown_kind", _("Unknown kind of narrative report."), "kind")
    return kind


def event_range(text: str) -> tuple[datetime.date, datetime.date]:
    """ "2025-12-01/2025-12-31" (ISO 8601 interval) or one day "2025-12-26"."""
    text = (text or "").strip()
    if m := RANGE.match(text):
        first, last = m.groups()
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        first = last = text
    else:
        raise DraftError(
            "invalid_period",
            _("An event report covers a date range: YYYY-MM-DD/YYYY-MM-DD, or one activity."),
            "period",
        )
    try:
        start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    except ValueError:
        raise DraftError("invalid_period", _("That is not a date."), "period") from None
    if end < start:
        raise DraftError("end_before_start", _("The end date is before the start date."),
                         "period")  # fmt: skip
    if (end - start).days >= LONGEST_RANGE:
        raise DraftError("range_too_long", _("An event report covers at most a year."),
                         "period")  # fmt: skip
    return start, end


def make_request(kind: Kind, unit, period_text: str = "", activity=None, user=None,
                 progress=None) -> Request:  # fmt: skip
    """Check that the kind is written for the unit and the period (or activity), and that the
    period is over (or, for an event, has begun). Raises DraftError."""
    if not kind.fits(unit):
        raise DraftError("wrong_unit", _("This kind of report is not written by %(unit)s.")
                         % {"unit": unit.name}, "unit")  # fmt: skip
    today = timezone.localdate()
    if kind.code == EVENT:
        if activity is not None:
            if not activity.ou_path.startswith(unit.path):
                raise DraftError("activity_outside_unit",
                                 _("The activity was not organised by this unit or below it."),
                                 "activity")  # fmt: skip
            start, end = activity.start_date, activity.end_date
        else:
            start, end = event_range(period_text)
        if start > today:
            raise DraftError("future_period", _("The event has not begun yet."), "period")
        return Request(kind, unit, None, start, end, activity, user, progress)
    if activity is not None:
        raise DraftError("not_an_event", _("Only an event report is drafted from an activity."),
                         "activity")  # fmt: skip
    try:
        period = Period.parse(period_text)
    except PeriodError as err:
        raise DraftError("invalid_period", str(err), "period") from None
    if period.type not in kind.period_types:
        raise DraftError("wrong_period_type", _("This report is written for a period of this "
                                                "kind: %(kinds)s.")
                         % {"kinds": ", ".join(_period_kind(t) for t in kind.period_types)},
                         "period")  # fmt: skip
    if period.end >= today:
        raise DraftError("period_not_over", _("The period is not over yet."), "period")
    return Request(kind, unit, period, period.start, period.end, None, user, progress)


def _period_kind(code: str) -> str:
    return {"year": _("year"), "half": _("six months"), "quarter": _("quarter")}.get(code, code)


def period_key(request: Request) -> str:
    if request.period is not None:
        return request.period.id
    return f"{request.start.isoformat()}/{request.end.isoformat()}"


def needs_background(request: Request) -> bool:
    """Whether drafting must count more villages afresh than a page should wait for: the
    register's period and the one compared with it (statistics.jobs' threshold)."""
    if request.period is None or request.kind.code in ("partner_annual", "womens_union"):
        return False
    n = villages_to_compute(request.unit, request.period)
    return n + villages_to_compute(request.unit, request.period.previous()) > BACKGROUND_VILLAGES


def gather(request: Request) -> dict:
    """The drafted content (content.Draft.as_json()) of every audience: sensitive parts are
    marked, and content.visible() removes them for users without the permission."""
    return MODULES[request.kind.code].draft(request).as_json()
