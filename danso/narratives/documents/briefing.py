"""Six-month review (sơ kết 6 tháng) and quarterly briefing minutes (biên bản giao ban quý)
of an upper level: the period's results against the same period of last year, every unit
below with its progress against each target, the lagging list; the tasks are written by the
unit."""

from danso.statistics.periods import Period

from ..content import Draft
from . import common
from .common import Request
from .year_review import indicators_section, register_pair, units_section


def same_period_last_year(period: Period) -> Period:
    return Period.parse(str(period.start.year - 1) + period.id[4:])


def draft(request: Request) -> Draft:
    period = request.period
    words = common.period_words(period)
    if request.kind.code == "quarterly_briefing":
        subtitle = f"Họp giao ban công tác Dân số {words}"
    elif period.start.month == 1:
        subtitle = (f"Sơ kết công tác Dân số 6 tháng đầu năm {period.start.year} và nhiệm vụ "
                    "trọng tâm 6 tháng cuối năm")  # fmt: skip
    else:
        subtitle = (f"Sơ kết công tác Dân số 6 tháng cuối năm {period.start.year} và nhiệm vụ "
                    f"trọng tâm 6 tháng đầu năm {period.start.year + 1}")  # fmt: skip
    head = common.header(request, subtitle)
    head.update(period_short=common.capital(words), period_end=request.end.isoformat())
    draft = Draft(request.kind.code, head)
    earlier = same_period_last_year(period)
    now, before = register_pair(request, 0, 3, earlier)
    progresses = common.progress_rows(request, request.end)
    request.step(300, 300)
    targets = common.own_targets(progresses, request.unit)
    versus = f"cùng kỳ năm {earlier.start.year}"
    indicators_section(draft.start("results"), request, now, before, targets, versus,
                       common.capital(common.period_words(earlier)))  # fmt: skip
    if request.kind.code == "quarterly_briefing":
        common.activities_section(draft, request)
    else:
        common.activities_section(draft.start("activities"), request)
    draft.start("progress")
    units_section(draft, request, now)
    common.progress_table(draft, request, request.end, progresses)
    common.lagging_section(draft.start("lagging"), request, request.end, progresses)
    return draft
