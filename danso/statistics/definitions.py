"""Every figure a report can show, declared once.

- EVENT_ELEMENTS: counts of accepted, not superseded events in the period (flows).
- STOCK_ELEMENTS: counts taken from the spells on the last day of the period (stocks), or
  averaged over it, (start + end) ÷ 2, for the denominators of rates.
- INDICATORS: derived figures = numerator ÷ denominator × factor (‰, %, per woman…), always
  shown with both parts, and with a caution when they rest on too few events or people to mean
  much (a sex ratio from 7 births is noise, not a 500,0).
Report forms (forms.py) are layouts of these codes. Definitions follow
../shared/docs/domain.md and regime.md; where the circular's annex was not read they are marked
provisional in the form.
"""

from dataclasses import dataclass

from django.db.models import Q

from danso.register import codes


@dataclass(frozen=True)
class EventElement:
    code: str
    name: str
    kind: str | tuple[str, ...]
    where: Q = Q()
    unit: str = "Người"


@dataclass(frozen=True)
class StockElement:
    code: str
    name: str
    unit: str = "Người"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    numerator: str
    denominator: str
    factor: float
    unit: str
    annualised: bool = False  # rates per year: sub-year periods scaled by year ÷ period days
    decimals: int = 1
    # Small numbers: a value computed from fewer than `caution_below` of `caution_base` (the
    # events or people the figure rests on) is shown with a caution (see `caution_of`).
    caution_base: str = "births"
    caution_below: int = 20


def _births(code, name, where=None):
    return EventElement(code, name, "birth", where if where is not None else Q())


AGE_GROUPS = [(15, 19), (20, 24), (25, 29), (30, 34), (35, 39), (40, 44), (45, 49)]
# TFR's births of each age group: the first also takes mothers under 15 and the last those of
# 50 and over (the usual convention: every birth counts once, no group of women is added).
TFR_BIRTHS = {(a, b): [f"births_mother_{a}_{b}"] for a, b in AGE_GROUPS}
TFR_BIRTHS[(15, 19)].append("births_mother_u15")
TFR_BIRTHS[(45, 49)].append("births_mother_50plus")
MODERN = sorted(codes.MODERN_METHODS)

EVENT_ELEMENTS = [
    _births("births", "Số trẻ sinh ra"),
    _births("births_male", "Trẻ sinh ra là nam", Q(sex=codes.MALE)),
    _births("births_female", "Trẻ sinh ra là nữ", Q(sex=codes.FEMALE)),
    _births("births_order2", "Sinh con thứ 2", Q(birth_order=2)),
    _births("births_order3plus", "Sinh con thứ 3 trở lên", Q(birth_order__gte=3)),
    _births("births_mother_u20", "Sinh con của phụ nữ dưới 20 tuổi", Q(age__lt=20)),
    _births("births_mother_u15", "Trẻ sinh ra của phụ nữ dưới 15 tuổi", Q(age__lt=15)),
    _births("births_mother_50plus", "Trẻ sinh ra của phụ nữ từ 50 tuổi trở lên", Q(age__gte=50)),
    *[_births(f"births_mother_{a}_{b}", f"Trẻ sinh ra của phụ nữ {a}–{b} tuổi",
              Q(age__gte=a, age__lte=b)) for a, b in AGE_GROUPS],
    EventElement("deaths", "Số người chết", "death"),
    EventElement("married", "Số người kết hôn", "marriage"),
    EventElement("child_marriages", "Tảo hôn", "marriage", Q(is_child_marriage=True)),
    EventElement("consanguineous", "Kết hôn cận huyết thống", "marriage",
                 Q(is_consanguineous=True)),
    EventElement("premarital_checks", "Cặp được tư vấn, khám sức khỏe trước khi kết hôn",
                 "premarital_check", unit="Cặp"),
    EventElement("divorced", "Số người ly hôn", "divorce"),
    EventElement("moved_in", "Số người chuyển đến từ xã khác", "move_in"),
    EventElement("moved_out", "Số người chuyển đi khỏi xã", "move_out"),
    EventElement("new_users", "Người mới sử dụng biện pháp tránh thai", "method_start"),
    EventElement("new_users_modern", "Người mới sử dụng biện pháp tránh thai hiện đại",
                 "method_start", Q(method__in=MODERN)),
    *[EventElement(f"new_users_{m}", f"Mới sử dụng: {codes.METHOD.label(m)}", "method_start",
                   Q(method=m)) for m in codes.METHOD.codes],
    EventElement("stopped_users", "Người thôi sử dụng biện pháp tránh thai", "method_stop"),
    EventElement("pregnancies", "Số người mang thai", "pregnancy", Q(outcome=codes.PREGNANT)),
    EventElement("miscarriages", "Số ca sảy thai", "pregnancy", Q(outcome=codes.MISCARRIAGE),
                 unit="Ca"),
    EventElement("abortions", "Số ca phá thai", "pregnancy", Q(outcome=codes.ABORTION),
                 unit="Ca"),
    EventElement("prenatal_screened", "Bà mẹ mang thai được sàng lọc trước sinh",
                 "prenatal_screening"),
    EventElement("newborn_screened", "Trẻ sơ sinh được sàng lọc sơ sinh", "newborn_screening"),
    EventElement("elderly_checked", "Người cao tuổi được khám sức khỏe định kỳ",
                 "elderly_check"),
]  # fmt: skip

STOCK_ELEMENTS = [
    StockElement("households", "Tổng số hộ dân cư", "Hộ"),
    StockElement("family_households", "Trong đó: hộ gia đình", "Hộ"),
    StockElement("residents", "Tổng số nhân khẩu thực tế thường trú"),
    StockElement("residents_male", "Nhân khẩu là nam"),
    StockElement("residents_female", "Nhân khẩu là nữ"),
    StockElement("residents_start", "Nhân khẩu thực tế thường trú đầu kỳ"),
    StockElement("residents_mid", "Dân số trung bình ((đầu kỳ + cuối kỳ) ÷ 2)"),
    StockElement("women_15_49", "Số phụ nữ 15–49 tuổi"),
    StockElement("women_mid_15_49", "Phụ nữ 15–49 tuổi, bình quân kỳ"),
    *[StockElement(f"women_{a}_{b}", f"Phụ nữ {a}–{b} tuổi") for a, b in AGE_GROUPS],
    *[StockElement(f"women_mid_{a}_{b}", f"Phụ nữ {a}–{b} tuổi, bình quân kỳ")
      for a, b in AGE_GROUPS],
    StockElement("married_women_15_49", "Số phụ nữ 15–49 tuổi có chồng"),
    StockElement("users", "Phụ nữ 15–49 tuổi có chồng đang sử dụng biện pháp tránh thai"),
    StockElement("users_modern", "… đang sử dụng biện pháp tránh thai hiện đại"),
    *[StockElement(f"users_{m}", f"Đang sử dụng: {codes.METHOD.label(m)}")
      for m in codes.METHOD.codes],
    StockElement("elderly", "Số người từ 60 tuổi trở lên"),
]  # fmt: skip

INDICATORS = [
    Indicator("cbr", "Tỷ suất sinh thô (CBR)", "births", "residents_mid", 1000, "‰", True),
    Indicator("cdr", "Tỷ suất chết thô (CDR)", "deaths", "residents_mid", 1000, "‰", True,
              caution_base="deaths"),
    Indicator("gfr", "Tỷ suất sinh chung (GFR)", "births", "women_mid_15_49", 1000, "‰", True),
    Indicator("tfr", "Tổng tỷ suất sinh (TFR)", "asfr_sum", "", 5, "con/phụ nữ", True, 2),
    # The sex ratio at birth swings by tens of points below a few hundred births.
    Indicator("srb", "Tỷ số giới tính khi sinh", "births_male", "births_female", 100,
              "trẻ trai/100 trẻ gái", decimals=1, caution_below=100),
    Indicator("third_share", "Tỷ lệ sinh con thứ 3 trở lên", "births_order3plus", "births",
              100, "%"),
    Indicator("u20_share", "Tỷ lệ sinh con của phụ nữ dưới 20 tuổi", "births_mother_u20",
              "births", 100, "%"),
    Indicator("cpr", "Tỷ lệ sử dụng biện pháp tránh thai (CPR)", "users",
              "married_women_15_49", 100, "%", caution_base="married_women_15_49"),
    Indicator("mcpr", "Tỷ lệ sử dụng biện pháp tránh thai hiện đại", "users_modern",
              "married_women_15_49", 100, "%", caution_base="married_women_15_49"),
    Indicator("newborn_coverage", "Tỷ lệ trẻ sơ sinh được sàng lọc", "newborn_screened",
              "births", 100, "%"),
    Indicator("child_marriage_share", "Tỷ lệ tảo hôn", "child_marriages", "married", 100, "%",
              caution_base="married"),
    Indicator("in_rate", "Tỷ suất nhập cư", "moved_in", "residents_mid", 1000, "‰", True,
              caution_base="moved_in"),
    Indicator("out_rate", "Tỷ suất xuất cư", "moved_out", "residents_mid", 1000, "‰", True,
              caution_base="moved_out"),
]  # fmt: skip

ELEMENTS = {e.code: e for e in [*EVENT_ELEMENTS, *STOCK_ELEMENTS]}
INDICATOR_BY_CODE = {i.code: i for i in INDICATORS}
