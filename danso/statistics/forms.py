"""Report forms of Circular 01/2022/TT-BYT as layouts of declared figures.

Rows quoted in ../shared/docs/regime.md are marked as read; the rest follow its inferences
(the slip's lists that the quarterly form aggregates) and are marked provisional, so they can be
corrected here, without code changes, when the official annexes are at hand.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .periods import KIND_NAMES, Period, PeriodError


@dataclass(frozen=True)
class Row:
    number: str
    code: str  # an element or an indicator code (definitions.py)
    label: str = ""  # defaults to the element's name
    indent: int = 0
    provisional: bool = False


@dataclass(frozen=True)
class ReportForm:
    code: str
    title: str
    period_types: tuple[str, ...]  # the only kinds of period it is made for (check_period)
    rows: list[Row]
    level_note: str
    deadline_working_days: int
    provisional: bool = True
    children_columns: bool = True
    notes: list[str] = field(default_factory=list)


class WrongPeriodType(PeriodError):
    """A form asked for a kind of period it is not made for (its rows say "in the quarter",
    "at 31/12"…)."""

    code = "wrong_period_type"


def check_period(form, period: Period) -> None:
    """Refuse a period whose type the form (or name list) does not declare."""
    if period.type not in form.period_types:
        raise WrongPeriodType(
            _("Form %(form)s is made for periods of: %(kinds)s; not for %(period)s.")
            % {"form": form.code, "period": period.label,
               "kinds": ", ".join(KIND_NAMES[k] for k in form.period_types)}
        )  # fmt: skip


_P = True  # provisional row

DSH_01 = ReportForm(
    code="01-DSH",
    title="Báo cáo thống kê chuyên ngành dân số – quý",
    period_types=("quarter",),
    level_note="Cấp trên xã (tỉnh; huyện cho các kỳ trước 01/07/2025), một cột cho mỗi xã",
    deadline_working_days=15,
    rows=[
        Row("1", "households", "Tổng số hộ dân cư có đến cuối quý"),
        Row("", "family_households", "Trong đó: hộ gia đình", 1),
        Row("2", "residents", "Tổng số nhân khẩu thực tế thường trú có đến cuối quý"),
        Row("3", "married_women_15_49", "Số phụ nữ 15–49 tuổi có chồng có đến cuối quý"),
        Row("4", "births", "Tổng số trẻ sinh ra trong quý"),
        Row("", "births_male", "Trong đó: nam", 1),
        Row("", "births_female", "nữ", 1),
        Row("", "births_order2", "con thứ 2", 1),
        Row("", "births_order3plus", "con thứ 3 trở lên", 1),
        Row("", "births_mother_u20", "của phụ nữ dưới 20 tuổi", 1),
        Row("5", "deaths", "Số người chết trong quý"),
        Row("6", "married", "Số người kết hôn trong quý"),
        Row("", "child_marriages", "Trong đó: tảo hôn", 1),
        Row("", "consanguineous", "kết hôn cận huyết thống", 1),
        Row(
            "7",
            "premarital_checks",
            "Số cặp kết hôn đã được tư vấn, khám sức khỏe trước khi kết hôn",
        ),  # fmt: skip
        Row("8", "divorced", "Số người ly hôn"),
        Row("9", "moved_in", "Số người chuyển đến từ xã khác"),
        Row("10", "moved_out", "Số người chuyển đi khỏi xã", provisional=_P),
        Row(
            "11",
            "new_users_modern",
            "Số người mới sử dụng biện pháp tránh thai hiện đại",
            provisional=_P,
        ),
        *[
            Row("", f"new_users_{m}", label, 1, _P)
            for m, label in [
                ("1", "Vòng tránh thai"),
                ("2", "Triệt sản nam"),
                ("3", "Triệt sản nữ"),
                ("4", "Bao cao su"),
                ("5", "Thuốc uống"),
                ("6", "Thuốc tiêm"),
                ("7", "Thuốc cấy"),
            ]
        ],
        Row(
            "12",
            "users",
            "Số phụ nữ 15–49 tuổi có chồng đang sử dụng biện pháp tránh thai",
            provisional=_P,
        ),
        Row("", "users_modern", "Trong đó: biện pháp hiện đại", 1, _P),
        Row("13", "abortions", "Số ca phá thai", provisional=_P),
        Row(
            "14", "prenatal_screened", "Số bà mẹ mang thai được sàng lọc trước sinh", provisional=_P
        ),
        Row("15", "newborn_screened", "Số trẻ sơ sinh được sàng lọc sơ sinh", provisional=_P),
        Row(
            "16", "elderly_checked", "Số người cao tuổi được khám sức khỏe định kỳ", provisional=_P
        ),
    ],  # fmt: skip
    notes=[
        "Hàng 1–9 theo Biểu 01-DSH (Phụ lục IV); hàng 10–16 là các danh sách của phiếu "
        "P0/CTV, tạm thời chờ phụ lục chính thức."
    ],  # fmt: skip
)

DSX_03 = ReportForm(
    code="03-DSX",
    title="Báo cáo thống kê chuyên ngành dân số cấp xã – năm",
    period_types=("year",),  # regime.md §4.2: annual, its rows "at 31/12", "in the year"
    level_note="Cấp xã",
    deadline_working_days=5,
    children_columns=False,
    rows=[
        Row("I", "households", "Tổng số hộ dân cư có đến 31/12"),
        Row("", "family_households", "Trong đó: hộ gia đình", 1),
        Row("", "residents", "Tổng số nhân khẩu thực tế thường trú có đến 31/12"),
        Row("", "women_15_49", "Số phụ nữ 15–49 tuổi có đến 31/12", provisional=_P),
        Row("", "married_women_15_49", "Trong đó: có chồng", 1, _P),
        Row("II", "births", "Số trẻ sinh ra trong năm", provisional=_P),
        Row("", "births_male", "Trong đó: nam", 1, _P),
        Row("", "births_order3plus", "con thứ 3 trở lên", 1, _P),
        Row("", "deaths", "Số người chết trong năm", provisional=_P),
        Row("", "moved_in", "Số người chuyển đến", provisional=_P),
        Row("", "moved_out", "Số người chuyển đi", provisional=_P),
        Row(
            "III",
            "users",
            "Số phụ nữ 15–49 tuổi có chồng đang sử dụng biện pháp tránh thai",
            provisional=_P,
        ),
        Row("", "new_users", "Số người mới sử dụng biện pháp tránh thai", provisional=_P),
        Row("IV", "cbr", "Tỷ suất sinh thô", provisional=_P),
        Row("", "cdr", "Tỷ suất chết thô", provisional=_P),
        Row("", "tfr", "Tổng tỷ suất sinh", provisional=_P),
        Row("", "srb", "Tỷ số giới tính khi sinh", provisional=_P),
        Row("", "third_share", "Tỷ lệ sinh con thứ 3 trở lên", provisional=_P),
        Row("", "cpr", "Tỷ lệ sử dụng biện pháp tránh thai", provisional=_P),
        Row("", "mcpr", "Tỷ lệ sử dụng biện pháp tránh thai hiện đại", provisional=_P),
    ],  # fmt: skip
    notes=["Mục I theo phần đầu Biểu 03-DSX đã đọc được; các mục sau tạm thời."],
)

# The commune's monthly and quarterly forms (Phụ lục II) were not read: 01-DSX is taken as the
# month's changes from the collaborators' slips (the P0/CTV lists), 02-DSX as the quarter's
# figures of 01-DSH for one commune with a column per village. Every row is provisional.
_SLIP_LISTS = [
    Row("1", "births", "Số trẻ sinh ra", 0, _P),
    Row("", "births_male", "Trong đó: nam", 1, _P),
    Row("", "births_female", "nữ", 1, _P),
    Row("", "births_order3plus", "con thứ 3 trở lên", 1, _P),
    Row("2", "newborn_screened", "Số trẻ sơ sinh được sàng lọc sơ sinh", 0, _P),
    Row("3", "deaths", "Số người chết", 0, _P),
    Row("4", "moved_in", "Số người chuyển đến từ xã khác", 0, _P),
    Row("5", "moved_out", "Số người chuyển đi khỏi xã", 0, _P),
    Row("6", "new_users", "Số người mới sử dụng biện pháp tránh thai", 0, _P),
    Row("", "new_users_modern", "Trong đó: biện pháp hiện đại", 1, _P),
    Row("7", "stopped_users", "Số người thôi sử dụng biện pháp tránh thai", 0, _P),
    Row("8", "pregnancies", "Số người mang thai", 0, _P),
    Row("", "miscarriages", "Số ca sảy thai", 0, _P),
    Row("", "abortions", "Số ca phá thai", 0, _P),
    Row("9", "prenatal_screened", "Số bà mẹ mang thai được sàng lọc trước sinh", 0, _P),
    Row("10", "elderly_checked", "Số người cao tuổi được khám sức khỏe định kỳ", 0, _P),
    Row("11", "married", "Số người kết hôn", 0, _P),
    Row("", "child_marriages", "Trong đó: tảo hôn", 1, _P),
    Row("12", "premarital_checks", "Số cặp được tư vấn, khám sức khỏe trước khi kết hôn", 0, _P),
    Row("13", "divorced", "Số người ly hôn", 0, _P),
]  # fmt: skip

DSX_01 = ReportForm(
    code="01-DSX",
    title="Báo cáo thống kê chuyên ngành dân số cấp xã – tháng",
    period_types=("month",),
    level_note="Cấp xã",
    deadline_working_days=5,
    children_columns=False,
    rows=_SLIP_LISTS,
    notes=[
        "Biểu tạm thời: tổng hợp các danh sách của phiếu P0/CTV trong tháng, chờ phụ lục II "
        "chính thức."
    ],  # fmt: skip
)

DSX_02 = ReportForm(
    code="02-DSX",
    title="Báo cáo thống kê chuyên ngành dân số cấp xã – quý",
    period_types=("quarter",),
    level_note="Cấp xã, một cột cho mỗi thôn, tổ dân phố",
    deadline_working_days=5,
    rows=[Row(r.number, r.code, r.label, r.indent, _P) for r in DSH_01.rows],
    notes=[
        "Biểu tạm thời: các chỉ tiêu của Biểu 01-DSH cho một xã, một cột cho mỗi thôn, tổ "
        "dân phố, chờ phụ lục II chính thức."
    ],  # fmt: skip
)

FORMS = {f.code: f for f in (DSX_01, DSX_02, DSX_03, DSH_01)}
