"""Year-end review of a population unit (báo cáo tổng kết năm): the register's indicators
with the plan's target, the previous year and the change; results by unit below; activities
with the places reached and their funding; programme data; lagging units; next year's
targets."""

import datetime

from danso.statistics.compute import compute
from danso.statistics.definitions import ELEMENTS, INDICATOR_BY_CODE

from ..content import Draft
from ..names import names_at
from ..sources import Register
from ..wording import change, date, number
from . import common
from .common import Request

COUNTS = ["births", "new_users"]
RATES = ["cbr", "tfr", "srb", "third_share", "cpr", "mcpr"]
UNIT_WORDS = {"births": "trẻ"}  # "6 trẻ", not "6 người"
ORDER = ["births", "cbr", "tfr", "srb", "third_share", "cpr", "mcpr", "new_users"]


def register_pair(request: Request, first: int, count: int, previous):
    """The register for the period (with a column per unit below) and for the earlier one."""
    unit_name, label = common.name_at(request.unit, request.end), request.label
    now = compute(request.unit, request.period, True, common.stage(request, first, count))
    before = compute(request.unit, previous, False, common.stage(request, first + 1, count))
    earlier_name = common.name_at(request.unit, previous.end)
    return (Register(now, unit_name, label),
            Register(before, earlier_name, common.period_words(previous)))  # fmt: skip


def situation(draft: Draft, request: Request, reg: Register) -> None:
    end = date(request.end)
    name = draft.header["unit_name"]
    parts = [
        f"Đến ngày {end}, {name} có {reg.count(draft, 'households', unit='hộ')} dân cư với "
        f"{reg.count(draft, 'residents', unit='người')} thực tế thường trú (nam "
        f"{reg.count(draft, 'residents_male', unit='')}, nữ "
        f"{reg.count(draft, 'residents_female', unit='')}); "
        f"{reg.count(draft, 'women_15_49', unit='phụ nữ')} từ 15 đến 49 tuổi, trong đó "
        f"{reg.count(draft, 'married_women_15_49', unit='')} phụ nữ có chồng."
    ]
    children = reg.figures.columns[1:]
    if children:
        kind = "thôn, tổ dân phố" if request.unit.level == "commune" else "đơn vị trực thuộc"
        parts.append(f"Địa bàn gồm {number(len(children))} {kind}.")
    draft.p(" ".join(parts))


def indicator_sentence(draft, code, now: Register, before: Register, target, versus) -> tuple:
    """One indicator in a sentence (value, change from the earlier period, the plan) and its
    table row."""
    if code in INDICATOR_BY_CODE:
        ind = INDICATOR_BY_CODE[code]
        rate = now.rate(draft, code, key=code)
        earlier = before.rate(draft, code, key=f"{code}_previous")
        name, unit, decimals = ind.name, ind.unit, ind.decimals
        value, previous = rate.value, earlier.value
        text = f"{name}: {rate.text}"
        small = rate.caution or earlier.caution
        if value is not None and previous is not None and not small:
            text += f", {change(value, previous, unit, decimals, versus)}"
        elif small and value is not None and previous is not None:
            text += f"; không so sánh với {versus} vì số liệu quá ít"
        value_cell = number(value, decimals) + ("*" if rate.caution else "")
        previous_cell = number(previous, decimals) + ("*" if earlier.caution else "")
    else:
        element = ELEMENTS[code]
        name, decimals = element.name, None
        unit = UNIT_WORDS.get(code, element.unit)
        value, previous = now.value(code), before.value(code)
        text = f"{name}: {now.count(draft, code, unit=unit, key=code)}"
        if code == "births":
            text += (f" (nam {now.count(draft, 'births_male', unit='')}, nữ "
                     f"{now.count(draft, 'births_female', unit='')})")  # fmt: skip
        before.count(draft, code, unit=unit, key=f"{code}_previous")
        text += f", {change(value, previous, unit, None, versus)}"
        value_cell, previous_cell = number(value), number(previous)
    plan_cell = verdict_cell = ""
    if target is not None:
        verdict = common.target_verdict(target)
        text += f"; {verdict}"
        draft.figure(f"Kế hoạch: {name}", common.direction_text(target),
                     common.progress_source(target, draft_day(draft)))  # fmt: skip
        plan_cell = common.direction_text(target)
        verdict_cell = "Đạt" if target.met else ("Chưa có số liệu" if target.actual is None
                                                 else "Chưa đạt")  # fmt: skip
    difference = "" if value is None or previous is None else _difference(value, previous,
                                                                         decimals)  # fmt: skip
    row = [name, unit, previous_cell, value_cell, difference, plan_cell, verdict_cell]
    return text + ".", row


def draft_day(draft: Draft) -> datetime.date:
    return datetime.date.fromisoformat(draft.header["period_end"])


def _difference(value, previous, decimals) -> str:
    d = round(float(value) - float(previous), decimals if decimals is not None else 6)
    sign = "+" if d > 0 else ("−" if d < 0 else "")
    return f"{sign}{number(abs(d), decimals)}"


def indicators_section(draft, request, now, before, targets, versus, earlier_header) -> None:
    rows, cautions = [], False
    for code in ORDER:
        text, row = indicator_sentence(draft, code, now, before, targets.get(code), versus)
        cautions = cautions or "*" in row[2] + row[3]
        draft.bullet(text)
        rows.append(row)
    extra = [c for c in targets if c not in ORDER and not targets[c].metric.sensitive]
    for code in sorted(extra):
        row = targets[code]
        draft.bullet(f"{row.metric.name}: thực hiện {common.actual_text(row)}; "
                     f"{common.target_verdict(row)}.")  # fmt: skip
        draft.figure(row.metric.name, common.actual_text(row),
                     common.progress_source(row, request.end))  # fmt: skip
    draft.table(["Chỉ tiêu", "Đơn vị tính", earlier_header, draft.header["period_short"],
                 "Tăng (+), giảm (−)", "Kế hoạch", "Đánh giá"], rows,
                [4.6, 2.0, 2.0, 2.0, 1.9, 1.9, 1.6])  # fmt: skip
    if cautions:
        draft.note("(*) Số liệu nhỏ: tỷ số, tỷ lệ tính từ ít sự kiện (dưới 100 trẻ sinh ra với "
                   "tỷ số giới tính khi sinh, dưới 20 với các chỉ tiêu khác), cần thận trọng khi "
                   "so sánh.")  # fmt: skip


def units_section(draft: Draft, request: Request, now: Register) -> None:
    children = now.figures.columns[1:]
    if not children:
        draft.p("Đơn vị không có đơn vị trực thuộc để so sánh.")
        return
    names = names_at(children, request.end)
    rows, small = [], False
    for child in children:
        cells = []
        for code in ("cbr", "third_share", "cpr"):
            rate = now.rate(None, code, child.uid)
            mark = "*" if rate.caution else ""
            small = small or bool(mark)
            ind = INDICATOR_BY_CODE[code]
            cells.append("–" if rate.value is None else f"{number(rate.value, ind.decimals)}{mark}")
        rows.append([common.child_name(child, names), number(now.value("residents", child.uid)),
                     number(now.value("births", child.uid)), *cells])  # fmt: skip
    draft.p(f"Kết quả chủ yếu của {number(len(children))} đơn vị trực thuộc:")
    draft.table(["Đơn vị", "Nhân khẩu", "Trẻ sinh ra", "CBR (‰)", "Con thứ 3+ (%)", "CPR (%)"],
                rows, [5.5, 2.3, 2.0, 2.0, 2.4, 1.8])  # fmt: skip
    draft.figure("Bảng kết quả theo đơn vị", f"{number(len(children))} đơn vị",
                 f"Sổ A0 (statistics.compute, một cột mỗi đơn vị trực thuộc), "
                 f"{draft.header['unit_name']}, {request.label}; CBR = trẻ sinh ra ÷ dân số "
                 "trung bình × 1000, con thứ 3+ = sinh con thứ 3 trở lên ÷ trẻ sinh ra × 100, "
                 "CPR = đang sử dụng BPTT ÷ phụ nữ 15–49 có chồng × 100")  # fmt: skip
    if small:
        draft.note("(*) Tính từ ít sự kiện (dưới 20): cần thận trọng khi so sánh.")


def draft(request: Request) -> Draft:
    year = request.period.start.year
    head = common.header(request, f"Tổng kết công tác Dân số năm {year} và phương hướng, "
                                  f"nhiệm vụ năm {year + 1}")  # fmt: skip
    head.update(period_short=f"Năm {year}", period_end=request.end.isoformat())
    draft = Draft(request.kind.code, head)
    previous = request.period.previous()
    now, before = register_pair(request, 0, 3, previous)
    request.step(200, 300)
    progresses = common.progress_rows(request, request.end)
    request.step(300, 300)
    targets = common.own_targets(progresses, request.unit)
    situation(draft.start("situation"), request, now)
    indicators_section(draft.start("indicators"), request, now, before, targets,
                       f"năm {year - 1}", f"Năm {year - 1}")  # fmt: skip
    units_section(draft.start("units"), request, now)
    common.activities_section(draft.start("activities"), request)
    common.programme_section(draft.start("programmes"), request)
    common.lagging_section(draft.start("lagging"), request, request.end, progresses)
    common.next_year_targets(draft.start("tasks"), request, year + 1)
    return draft
