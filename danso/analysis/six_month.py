"""The six-month summary (sơ kết 6 tháng) of a quarterly form: the same rows for S1 or S2,
counted over the half-year (events of its six months, stocks on 30/06 or 31/12, rates
annualised by its days). The circular's forms are quarterly, so this is a derived local
report: marked as such, never submitted through the reporting cycle."""

from dataclasses import replace

from danso.statistics.periods import Period

DERIVED_NOTE = (
    "Sơ kết 6 tháng: báo cáo địa phương tự tổng hợp từ số liệu của hai quý, không phải biểu "
    "của Thông tư 01/2022/TT-BYT; các dòng “cuối quý” được hiểu là cuối kỳ 6 tháng. Không nộp "
    "qua quy trình báo cáo."
)


def six_month_summary(form, period: Period):
    """The form made for the half-year when it is a quarterly form asked for S1 or S2; None
    otherwise (the form is used as it is, or refuses the period)."""
    if period.type != "half" or "quarter" not in form.period_types:
        return None
    if "half" in form.period_types:
        return None
    return replace(
        form,
        title=f"{form.title} – sơ kết 6 tháng (tổng hợp từ các quý)",
        period_types=(*form.period_types, "half"),
        notes=[*form.notes, DERIVED_NOTE],
    )
