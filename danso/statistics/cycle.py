"""The reporting cycle: submit (freezes a version), approve or return, deadlines, completeness.

An approved period is locked: changes dated inside it that reach the register afterwards are
still recorded (the register is a history) but flagged `after_approval`, and the approved
figures stay as they were submitted.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from danso.orgunits.models import OrgUnit

from .forms import FORMS, ReportForm, WrongPeriodType, check_period
from .holidays import days_off
from .lists import LISTS, NameList, list_rows
from .models import Submission
from .periods import Period
from .report import build, label_of


class CycleError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """Monday to Friday, less the public holidays (holidays.py)."""
    off = days_off(day, day + datetime.timedelta(days=2 * days + 30))
    while days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            days -= 1
    return day


def deadline(form: ReportForm | NameList, period: Period) -> datetime.date:
    fixed = getattr(form, "fixed_deadline", None)  # an ad hoc data request's own date
    return fixed or add_working_days(period.end, form.deadline_working_days)


def latest(form_code: str, unit: OrgUnit, period: Period) -> Submission | None:
    return (
        Submission.objects.filter(form_code=form_code, unit=unit, period=period.id)
        .order_by("-version")
        .first()
    )


# Other apps add forms of their own (programmes: data sets); each finder takes a code and gives
# an object with `period_types`, `deadline_working_days`, `title` and `freeze(unit, period)`.
FORM_FINDERS: list = []


def form_of(form_code: str):
    """A statistical form (forms.py), a health facility's name list (lists.py) or a form
    another app declares through FORM_FINDERS."""
    found = FORMS.get(form_code) or LISTS.get(form_code)
    for finder in FORM_FINDERS:
        found = found or finder(form_code)
    return found


def _frozen(form, unit: OrgUnit, period: Period) -> tuple[dict, list, datetime.datetime]:
    """What a submission keeps: the values, the warnings and the moment they are as of."""
    if hasattr(form, "freeze"):
        return form.freeze(unit, period)
    if isinstance(form, NameList):
        values = {"columns": [c.header for c in form.columns],
                  "rows": list_rows(form, unit, period)}  # fmt: skip
        return values, [], timezone.now()
    report = build(form, unit, period)
    values = {
        "columns": [{"uid": c.uid, "name": c.name} for c in report.columns],
        "rows": [{"number": r.number, "code": r.code, "label": label_of(r), "unit": u,
                  "values": [c.value for c in cells]} for r, u, cells in report.rows],
    }  # fmt: skip
    return values, [w.__dict__ for w in report.warnings], report.figures.as_of


@transaction.atomic
def submit(form_code: str, unit: OrgUnit, period: Period, user) -> Submission:
    form = form_of(form_code)
    try:
        check_period(form, period)
    except WrongPeriodType as err:
        raise CycleError(err.code, str(err)) from err
    if period.end >= timezone.localdate():
        raise CycleError("period_not_over", _("The period is not over yet."))
    current = latest(form_code, unit, period)
    if current and current.status == Submission.Status.APPROVED:
        raise CycleError("already_approved", _("This report has already been approved."))
    values, warnings, as_of = _frozen(form, unit, period)
    version = (
        Submission.objects.filter(form_code=form_code, unit=unit, period=period.id).aggregate(
            m=Max("version")
        )["m"]
        or 0
    ) + 1
    return Submission.objects.create(
        form_code=form_code, unit=unit, ou_path=unit.path, period=period.id,
        period_start=period.start, period_end=period.end, version=version, values=values,
        warnings=warnings, as_of=as_of,
        submitted_by=user, is_late=timezone.localdate() > deadline(form, period),
    )  # fmt: skip


def _review(submission: Submission, user, status: str, comment: str = "") -> Submission:
    if submission.status != Submission.Status.SUBMITTED:
        raise CycleError("not_submitted", _("Only a submitted report can be reviewed."))
    newer = Submission.objects.filter(
        form_code=submission.form_code, unit=submission.unit, period=submission.period,
        version__gt=submission.version,
    )  # fmt: skip
    if newer.exists():
        raise CycleError("not_latest", _("A newer version has been submitted."))
    submission.status, submission.comment = status, comment
    submission.reviewed_by, submission.reviewed_at = user, timezone.now()
    submission.save()
    return submission


def approve(submission: Submission, user) -> Submission:
    return _review(submission, user, Submission.Status.APPROVED)


def send_back(submission: Submission, user, comment: str) -> Submission:
    if not comment.strip():
        raise CycleError("required", _("Say what must be corrected."))
    return _review(submission, user, Submission.Status.RETURNED, comment.strip())


def approved_covering(village_path: str, day: datetime.date) -> bool:
    """Whether a report approved for a unit containing the village covers the day."""
    approved = Submission.objects.filter(
        status=Submission.Status.APPROVED, period_start__lte=day, period_end__gte=day
    ).values_list("ou_path", flat=True)
    return any(village_path.startswith(path) for path in approved)


def changes_after_approval(unit: OrgUnit, period: Period):
    """Changes dated in the period, in the unit's area, that reached the register after its
    report was approved: kept, but not in the approved figures (they count from the next
    report on, or in a re-approved version)."""
    from danso.register.models import Event

    return (
        Event.objects.filter(
            after_approval=True, ou_path__startswith=unit.path,
            occurred_on__range=(period.start, period.end),
        )
        .select_related("person", "village", "recorded_by")
        .order_by("occurred_on", "pk")
    )  # fmt: skip


def completeness(form_code: str, unit: OrgUnit, period: Period, children) -> list[dict]:
    """For each child unit: the latest submission's status, on time or late, or missing."""
    form = form_of(form_code)
    due = deadline(form, period)
    latest_by_unit = {}
    for s in Submission.objects.filter(form_code=form_code, period=period.id,
                                       unit__in=children).order_by("version"):  # fmt: skip
        latest_by_unit[s.unit_id] = s
    today = timezone.localdate()
    rows = []
    for child in children:
        s = latest_by_unit.get(child.pk)
        if s is None:
            state = "missing" if today > due else "not_yet"
        else:
            state = "late" if s.is_late else s.status
        rows.append({"unit": child, "submission": s, "state": state, "due": due})
    return rows


SHARP_CHANGE = 0.5  # a figure that moved by more than half since the last period
SHARP_MINIMUM = 10  # … when it is large enough for the change to mean something


def preparation_warnings(form: ReportForm, unit: OrgUnit, period: Period) -> list[str]:
    """What an officer should look at before submitting: figures that moved sharply since the
    previous period, and villages whose slips for the period's months are not accepted."""
    from danso.register.queries import missing_slips

    from .compute import compute
    from .definitions import INDICATOR_BY_CODE

    warnings = []
    now = compute(unit, period, with_children=False)
    before = compute(unit, period.previous(), with_children=False)
    for row in form.rows:
        if row.code in INDICATOR_BY_CODE:
            continue
        a, b = before.value(unit.uid, row.code), now.value(unit.uid, row.code)
        if max(a, b) >= SHARP_MINIMUM and abs(b - a) > SHARP_CHANGE * max(a, 1):
            warnings.append(
                _("%(label)s: %(before)s in %(prev)s, %(now)s now.")
                % {"label": label_of(row), "before": a, "prev": before.period.label, "now": b}
            )
    communes = [unit] if unit.level == "commune" else []
    for commune in communes:
        month = period.start
        while month <= period.end:
            pe = f"{month.year}{month.month:02d}"
            for village, _status in missing_slips(commune, pe):
                warnings.append(
                    _("%(village)s has not handed in the slip of %(month)s.")
                    % {"village": village.name, "month": f"{month.month:02d}/{month.year}"}
                )
            month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return warnings
