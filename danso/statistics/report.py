"""A report: a form's rows × its columns (the unit, then each child unit), with quality checks."""

from dataclasses import dataclass

from .compute import Figures, compute, villages_of
from .definitions import ELEMENTS, INDICATOR_BY_CODE
from .forms import ReportForm, Row, check_period
from .periods import Period


@dataclass
class Cell:
    value: float | int | None
    numerator: float | None = None
    denominator: float | None = None
    caution: str | None = None  # too few events or people behind an indicator (see compute)


@dataclass
class Warning:
    column: str
    code: str
    message: str


@dataclass
class Report:
    form: ReportForm
    figures: Figures
    rows: list[tuple[Row, str, list[Cell]]]  # row, unit of measure, one cell per column
    warnings: list[Warning]

    @property
    def columns(self):
        return self.figures.columns


def label_of(row: Row) -> str:
    if row.label:
        return row.label
    element = ELEMENTS.get(row.code) or INDICATOR_BY_CODE[row.code]
    return element.name


def unit_of(row: Row) -> str:
    element = ELEMENTS.get(row.code)
    return element.unit if element else INDICATOR_BY_CODE[row.code].unit


def _cell(figures: Figures, uid: str, code: str) -> Cell:
    if code in INDICATOR_BY_CODE:
        value, num, den = figures.indicator(uid, code)
        decimals = INDICATOR_BY_CODE[code].decimals
        value = None if value is None else round(value, decimals)
        return Cell(value, num, den, None if value is None else figures.caution(uid, code))
    return Cell(figures.value(uid, code))


def build(form: ReportForm, unit, period: Period, progress=None) -> Report:
    """Raises WrongPeriodType for a period the form is not made for."""
    check_period(form, period)
    figures = compute(unit, period, with_children=form.children_columns, progress=progress)
    rows = [
        (row, unit_of(row), [_cell(figures, c.uid, row.code) for c in figures.columns])
        for row in form.rows
    ]
    return Report(form, figures, rows, quality_checks(form, figures))


def quality_checks(form: ReportForm, figures: Figures) -> list[Warning]:
    """Consistency warnings with the failing numbers (they never block a report)."""
    warnings = []
    first_registrations = None  # counted once for every column, when a column needs it
    for column in figures.columns:
        v = lambda code, uid=column.uid: figures.value(uid, code)  # noqa: E731
        name = column.name
        if v("births_male") + v("births_female") != v("births"):
            warnings.append(
                Warning(
                    name,
                    "sex_sum",
                    f"Nam {v('births_male')} + nữ "
                    f"{v('births_female')} ≠ tổng số sinh {v('births')}",
                )
            )
        total = None
        for row in form.rows:
            if row.code in INDICATOR_BY_CODE:
                continue
            if row.indent == 0:
                total = row
            elif total and v(row.code) > v(total.code):
                warnings.append(
                    Warning(
                        name,
                        "part_exceeds_total",
                        f"{label_of(row)} ({v(row.code)}) > {label_of(total)} ({v(total.code)})",
                    )
                )
        expected = v("residents_start") + v("births") - v("deaths") + v("moved_in") - v("moved_out")
        if expected != v("residents"):
            # People first written into the register in the period (the year the register
            # starts) are neither born nor moved in: the first cause to name, with its effect
            # on the rates (a population counted for part of the period only).
            if first_registrations is None:
                first_registrations = _first_registrations(figures)
            first = first_registrations.get(column.uid, 0)
            cause = (
                f"{first} người được ghi vào sổ lần đầu trong kỳ (năm bắt đầu lập sổ: dân số "
                "bình quân thấp hơn thực tế nên các tỷ suất như tỷ suất sinh thô bị cao), "
                if first
                else ""
            )
            warnings.append(
                Warning(
                    name,
                    "stock_identity",
                    (
                        f"Đầu kỳ {v('residents_start')} + sinh {v('births')} − chết "
                        f"{v('deaths')} + đến {v('moved_in')} − đi {v('moved_out')} = "
                        f"{expected}, nhưng cuối kỳ có {v('residents')} (chênh "
                        f"{v('residents') - expected}: {cause}người mới đến chưa đủ 6 tháng "
                        "hoặc tạm trú, chuyển trong xã, hoặc thay đổi chưa được duyệt)"
                    ),
                )
            )
    return warnings


def _first_registrations(figures: Figures) -> dict[str, int]:
    """Accepted first registrations (kind `registration`) dated in the period, by column: one
    grouped query for the report (one per column took 7 s for a province of 99 communes)."""
    from django.db.models import Count

    from danso.register.models import Event

    from .compute import _column_of

    unit, period = figures.unit, figures.period
    villages = villages_of(unit)
    column_of = _column_of(villages, unit, [c for c in figures.columns if c.pk != unit.pk])
    counted = (
        Event.objects.filter(
            kind="registration", is_accepted=True, is_superseded=False,
            occurred_on__range=(period.start, period.end), village__in=villages,
        ).values_list("village_id").annotate(n=Count("pk")).order_by()
    )  # fmt: skip
    by_column = {unit.uid: 0}
    for village, n in counted:
        by_column[unit.uid] += n
        column = column_of.get(village, unit.uid)
        if column != unit.uid:
            by_column[column] = by_column.get(column, 0) + n
    return by_column


def as_json(report: Report) -> dict:
    """A report as plain data: what the API returns and what a background job keeps."""
    return {
        "form": report.form.code,
        "title": report.form.title,
        "provisional": report.form.provisional,
        "ou": report.figures.unit.uid,
        "pe": report.figures.period.id,
        "as_of": report.figures.as_of.isoformat(),
        "columns": [
            {"uid": c.uid, "name": c.name, "short_name": c.short_name} for c in report.columns
        ],  # fmt: skip
        "rows": [
            {
                "number": row.number,
                "code": row.code,
                "label": label_of(row),
                "unit": unit,
                "indent": row.indent,
                "provisional": row.provisional,
                "values": [c.value for c in cells],
                "numerators": [c.numerator for c in cells],
                "denominators": [c.denominator for c in cells],
                "cautions": [c.caution for c in cells],
            }
            for row, unit, cells in report.rows
        ],  # fmt: skip
        "warnings": [w.__dict__ for w in report.warnings],
    }


def readiness(unit, period: Period):
    """How far the store is with what a report of the unit for the period needs."""
    from . import store
    from .compute import requests_for

    villages = villages_of(unit)
    ids = list(villages.values_list("pk", flat=True))
    return store.readiness(villages, ids, [(s, d) for s, d, _ in requests_for(period)])


# A built report is kept this long at most, under a key that changes with any change to the
# unit's villages (store.signature), as the dashboard's figures are (dashboard.CACHE_SECONDS).
CACHE_SECONDS = 3600


def _key(form: ReportForm, unit, period: Period) -> str:
    from . import store

    signature = "-".join(map(str, store.signature(villages_of(unit))))
    return f"danso-report-{form.code}-{unit.pk}-{period.id}-{signature}"


def kept(form: ReportForm, unit, period: Period) -> Report | None:
    """The report as built before, if no village of the unit changed since (else None)."""
    from django.core.cache import cache

    return cache.get(_key(form, unit, period))


def built(form: ReportForm, unit, period: Period) -> Report:
    """`build`, kept in the cache until a village of the unit changes."""
    from django.core.cache import cache

    key = _key(form, unit, period)  # before building: a change meanwhile makes a new key
    report = build(form, unit, period)
    cache.set(key, report, CACHE_SECONDS)
    return report
