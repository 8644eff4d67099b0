"""Reading figures through the existing code, each with its source for the appendix:

- the register: `statistics.compute` (the counts every report form adds up), located as the
  row of the form that shows it (biểu 03-DSX mục II…), rates with numerator and denominator;
- aggregate data: `programmes.aggregate` (entered values plus what activities feed), located
  as data set, data element and option combo, with the ids of the activities that fed it;
- aggregate indicators: `programmes.indicators` with both parts;
- plans: `programmes.progress` (actual against the current revision of each target).

Nothing is counted here: every number comes from those functions.
"""

from dataclasses import dataclass

from danso.programmes import aggregate, indicators
from danso.programmes.metadata import INDICATORS as AGGREGATE_INDICATORS
from danso.programmes.models import DataElement, DataSet
from danso.statistics.compute import Figures
from danso.statistics.definitions import ELEMENTS, INDICATOR_BY_CODE
from danso.statistics.forms import FORMS

from .content import Draft
from .wording import number, with_unit

AGGREGATE_BY_CODE = {i.code: i for i in AGGREGATE_INDICATORS}
# The form whose row a register figure is quoted from, by period type and unit level.
FORM_FOR = {("year", "commune"): "03-DSX", ("year", None): "03-DSX",
            ("quarter", "commune"): "02-DSX", ("quarter", None): "01-DSH",
            ("month", None): "01-DSX"}  # fmt: skip


def locate(code: str, period_type: str, level: str) -> str:
    """ "biểu 03-DSX, mục II" for a figure a form shows, else the declared figure's code."""
    form = FORMS.get(FORM_FOR.get((period_type, level)) or FORM_FOR.get((period_type, None), ""))
    if form is not None:
        number_above = ""
        for row in form.rows:
            number_above = row.number or number_above
            if row.code == code:
                where = "dòng" if number_above.isdigit() else "mục"
                return (
                    f"biểu {form.code}, {where} {number_above}"
                    if number_above
                    else (f"biểu {form.code}")
                )
    return f"mã {code}"


@dataclass
class Rate:
    value: float | None
    text: str  # as printed, with its unit and, for small numbers, the caution
    caution: str | None
    numerator: float | None
    denominator: float | None


class Register:
    """One computation of the register (statistics.compute) for a unit and period."""

    def __init__(self, figures: Figures, unit_name: str, period_label: str):
        self.figures = figures
        self.unit_name = unit_name
        self.period_label = period_label

    def _where(self, code: str, uid: str) -> str:
        unit = next(c for c in self.figures.columns if c.uid == uid)
        level = unit.level if unit.level == "commune" else None
        place = self.unit_name if uid == self.figures.unit.uid else unit.name
        return (
            f"Sổ A0 ({locate(code, self.figures.period.type, level)}), {place}, {self.period_label}"
        )

    def value(self, code: str, uid: str | None = None) -> float:
        return self.figures.value(uid or self.figures.unit.uid, code)

    def count(self, draft: Draft, code: str, uid: str | None = None, unit: str | None = None,
              key: str = "") -> str:  # fmt: skip
        """A count as printed ("487 người"), traced."""
        uid = uid or self.figures.unit.uid
        element = ELEMENTS[code]
        text = with_unit(self.value(code, uid), element.unit if unit is None else unit)
        return draft.figure(element.name, text, self._where(code, uid), key=key)

    def rate(self, draft: Draft | None, code: str, uid: str | None = None, key: str = "") -> Rate:
        """A derived indicator, with numerator and denominator in its source and, when it rests
        on too few events or people (Figures.caution), the caution after it."""
        uid = uid or self.figures.unit.uid
        ind = INDICATOR_BY_CODE[code]
        value, num, den = self.figures.indicator(uid, code)
        caution = self.figures.caution(uid, code) if value is not None else None
        text = with_unit(value, ind.unit, ind.decimals) if value is not None else "chưa tính được"
        if caution:
            text = f"{text} (lưu ý: {caution[:1].lower()}{caution[1:].rstrip('.')})"
        if draft is not None:
            draft.figure(ind.name, text, self.rate_source(code, uid, num, den), key=key)
        return Rate(value, text, caution, num, den)

    def rate_source(self, code: str, uid: str, num, den) -> str:
        ind = INDICATOR_BY_CODE[code]
        where = self._where(code, uid)
        if ind.numerator == "asfr_sum":
            return (f"{where}; = 5 × tổng các tỷ suất sinh đặc trưng theo nhóm tuổi 15–49 "
                    f"(tổng = {number(num, 4)})")  # fmt: skip
        scale = self.figures.period.per_year if ind.annualised else 1
        factor = number(ind.factor) + (f" × {number(scale, 4)} (quy ra năm)"
                                       if scale != 1 else "")  # fmt: skip
        return (f"{where}; = {ELEMENTS[ind.numerator].name} ({number(num, 1)}) ÷ "
                f"{ELEMENTS[ind.denominator].name} ({number(den, 1)}) × {factor}")  # fmt: skip


class Aggregate:
    """Values of data elements over a unit's subtree and a span (programmes.aggregate), with
    the data sets they belong to and the activities that fed them."""

    def __init__(self, unit, start, end, unit_name: str, period_label: str, codes=None):
        self.unit, self.start, self.end = unit, start, end
        self.unit_name, self.period_label = unit_name, period_label
        elements = DataElement.objects.select_related("category_combo")
        if codes is not None:
            elements = elements.filter(code__in=codes)
        self.elements = {e.code: e for e in elements}
        self.values = aggregate.element_values(self.elements.values(), unit.path, start, end)
        self.totals = aggregate.totals(self.values)
        # The data sets reported in the unit's subtree (a figure is quoted from those).
        self.data_sets = [s for s in DataSet.objects.prefetch_related("elements")
                          if s.is_assigned_to(unit) or s.reporting_units(unit)]  # fmt: skip

    def has(self, code: str) -> bool:
        return code in self.totals

    def total(self, code: str) -> float | None:
        value = self.totals.get(code)
        return None if value is None else float(value)

    def data_sets_of(self, code: str) -> list[str]:
        return sorted(
            s.code for s in self.data_sets if any(e.code == code for e in s.elements.all())
        )

    def source(self, code: str) -> str:
        element = self.elements[code]
        sets = ", ".join(self.data_sets_of(code)) or "—"
        cells = sorted({coc for (c, coc) in self.values if c == code})
        cell = "tổng các phân tổ" if len(cells) != 1 else f"phân tổ {cells[0]}"
        text = (f"Biểu {sets}, chỉ tiêu {code} «{element.name}», {cell}; {self.unit_name}, "
                f"{self.period_label}")  # fmt: skip
        if element.feed_measure == "registry":
            text += "; đếm từ sổ theo dõi của Hội (hồ sơ đỡ đầu, vụ việc, địa chỉ tin cậy, hộ)"
        elif element.is_fed_by_activities:
            ids = self.activity_ids(element)
            listed = ", ".join(str(i) for i in ids) if ids else "không có"
            text += f"; tính từ các hoạt động số {listed}"
        else:
            text += "; số liệu đơn vị nhập"
        return text

    def activity_ids(self, element: DataElement) -> list[int]:
        found = aggregate.feeding_activities(element, self.unit.path, self.start, self.end)
        return sorted(found.values_list("pk", flat=True))

    def figure(self, draft: Draft, code: str, unit: str | None = None,
               sensitive: bool = False) -> str:  # fmt: skip
        element = self.elements[code]
        text = with_unit(self.total(code) or 0, element.unit if unit is None else unit)
        return draft.figure(element.name, text, self.source(code), key=code,
                            sensitive=sensitive or element.sensitive)  # fmt: skip

    def indicator(self, draft: Draft, code: str) -> str | None:
        """An aggregate indicator with both parts; None when its denominator is 0."""
        ind = AGGREGATE_BY_CODE[code]
        iv = indicators.compute(ind, self.values)
        if iv.value is None:
            return None
        text = with_unit(iv.value, ind.unit, ind.decimals)
        source = (f"Chỉ số {code} = ({ind.numerator}) {number(iv.numerator)} ÷ "
                  f"({ind.denominator}) {number(iv.denominator)} × {ind.factor}; "
                  f"{self.unit_name}, {self.period_label}")  # fmt: skip
        return draft.figure(ind.name, text, source, key=code, sensitive=ind.sensitive)
