"""Parts several kinds of narrative share."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone, translation

from danso.orgunits.models import Level, OrgUnit
from danso.programmes import progress as plan_progress
from danso.programmes.activities import with_totals
from danso.programmes.metrics import AT_LEAST
from danso.programmes.models import Activity, ActivityKind, DataSet, FundingSource, Plan
from danso.programmes.plans import lines, target_text
from danso.statistics.compute import child_columns
from danso.statistics.periods import Period

from ..content import Draft
from ..kinds import Kind
from ..names import name_at, names_at, places_by_district
from ..sources import Aggregate
from ..wording import date, in_sentence, join, number, percent_of, with_unit


@dataclass
class Request:
    """What a draft is made for. `user` None: the server's operator (the command line)."""

    kind: Kind
    unit: OrgUnit
    period: Period | None  # None for an event report
    start: datetime.date
    end: datetime.date
    activity: Activity | None = None
    user: object = None
    progress: object = None  # progress(done, total) for long drafts

    @property
    def label(self) -> str:
        """The period in a sentence: "năm 2023", "quý 2 năm 2024", "6 tháng đầu năm 2024"."""
        if self.period is None:
            if self.start == self.end:
                return f"ngày {date(self.start)}"
            return f"từ ngày {date(self.start)} đến ngày {date(self.end)}"
        return period_words(self.period)

    def step(self, done: int, total: int) -> None:
        if self.progress:
            self.progress(done, total)


def period_words(period) -> str:
    y = period.start.year
    return {
        "year": f"năm {y}",
        "half": f"6 tháng {'đầu' if period.start.month == 1 else 'cuối'} năm {y}",
        "quarter": f"quý {(period.start.month - 1) // 3 + 1} năm {y}",
        "month": f"tháng {period.start.month:02d}/{y}",
    }.get(period.type, period.label)


def _vi(label) -> str:
    with translation.override("vi"):
        return str(label)


def upper(text: str) -> str:
    return text.upper()


def header(request: Request, subtitle: str) -> dict:
    """The document's frame: issuing body (two lines, as Decree 30/2020/NĐ-CP sets them),
    number, place and date, title, and who signs."""
    kind, unit = request.kind, request.unit
    parent = unit.parent
    if unit.level == Level.ORGANISATION:
        issuer_parent = upper(parent.name) if parent else ""
        abbreviation = unit.code
        association = unit.unit_type in ("hoi_khhgd", "hoi_lhpn", "hoi_khac")
        signer = ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"] if association else ["THỦ TRƯỞNG ĐƠN VỊ", ""]
        place = (parent.short_name or parent.name) if parent else unit.name
    elif unit.level == Level.NATION:
        issuer_parent, abbreviation = "BỘ Y TẾ", "BYT"
        signer, place = ["THỦ TRƯỞNG ĐƠN VỊ", ""], "Hà Nội"
    else:
        issuer_parent, abbreviation = "ỦY BAN NHÂN DÂN", "UBND"
        signer = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
        place = unit.short_name or unit.name
        if unit.level == Level.VILLAGE and parent is not None:
            place = parent.short_name or parent.name
    if kind.minutes:
        signer = ["CHỦ TRÌ", ""]
    today = timezone.localdate()
    above = in_sentence(parent.name) if parent is not None and parent.level != Level.NATION else ""
    recipients = [f"{above[:1].upper()}{above[1:]} (báo cáo)" if above else "Cơ quan cấp trên",
                  "Lưu: VT"]  # fmt: skip
    return {
        "issuer_parent": issuer_parent,
        "issuer": upper(unit.name),
        "number": f"Số:        /{kind.number_prefix}-{abbreviation}",
        "place": place,
        "day": f"{today:%d}", "month": f"{today:%m}", "year": f"{today:%Y}",
        "title": kind.title,
        "subtitle": subtitle,
        "unit_name": name_at(unit, request.end),
        "unit_uid": unit.uid,
        "period": request.period.id if request.period else f"{request.start}/{request.end}",
        "period_label": request.label,
        "signer_title": signer[0],
        "signer_role": signer[1],
        "recipients": recipients,
        "minutes": kind.minutes,
    }  # fmt: skip


# Activities --------------------------------------------------------------------------------

KIND_WORDS = {  # how a kind is counted in a sentence
    ActivityKind.COMMUNICATION: ("buổi truyền thông trực tiếp", "buổi"),
    ActivityKind.COUNSELLING: ("buổi tư vấn", "buổi"),
    ActivityKind.MOBILE_TRIP: ("chuyến dịch vụ lưu động", "chuyến"),
    ActivityKind.TRAINING: ("lớp tập huấn", "lớp"),
    ActivityKind.MEETING: ("cuộc họp, giao ban", "cuộc"),
    ActivityKind.CLUB_SESSION: ("buổi sinh hoạt câu lạc bộ", "buổi"),
    ActivityKind.CAMPAIGN: ("chiến dịch truyền thông", "chiến dịch"),
    ActivityKind.ADVOCACY: ("hội nghị vận động", "hội nghị"),
    ActivityKind.COMMEMORATION: ("lễ mít tinh, kỷ niệm", "buổi"),
}


def activities_in(unit: OrgUnit, start, end, kinds=None):
    """Activities organised in the unit's subtree that began in the span, with the people and
    clients of each (activities.with_totals), oldest first."""
    found = Activity.objects.filter(ou_path__startswith=unit.path, start_date__range=(start, end))
    if kinds:
        found = found.filter(kind__in=kinds)
    found = with_totals(found).prefetch_related("places").order_by("start_date", "pk")
    return list(found)


def _ids(activities) -> str:
    return ", ".join(str(a.pk) for a in activities)


def funding_text(activities) -> str:
    """ "180.000.000 đồng (dự án, tài trợ)" from the activities' costs, traced by the caller."""
    cost = sum(a.cost or 0 for a in activities)
    sources = sorted({a.funding_source for a in activities if a.funding_source})
    labels = "; ".join(in_sentence(_vi(FundingSource(s).label)) for s in sources)
    if cost:
        return f"{number(cost)} đồng (nguồn: {labels})" if labels else f"{number(cost)} đồng"
    return f"nguồn: {labels} (không ghi số tiền)" if labels else ""


def places_text(activities, day: datetime.date) -> str:
    """The places the activities reached, grouped by old district before the reform."""
    places = {p.pk: p for a in activities for p in a.places.all()}
    units = OrgUnit.objects.filter(pk__in=places).select_related("parent", "legacy_commune")
    groups = places_by_district(units, day)
    parts = []
    for group, names in groups:
        parts.append(f"{group}: {join(names)}" if group else join(names))
    return "; ".join(parts)


def _cell(value) -> str:
    """A table cell: – for nothing, as official tables print it."""
    return number(value) if value else "–"


def activities_section(draft: Draft, request: Request, heading_sentence: str = "",
                       places_said: tuple = ()) -> list:  # fmt: skip
    """Activities by kind: a sentence each (how many, people, clients, places, funding) and a
    table; returns the activities."""
    unit, start, end = request.unit, request.start, request.end
    activities = activities_in(unit, start, end)
    if not activities:
        draft.p(f"Trong {request.label}, chưa có hoạt động nào được ghi nhận trong hệ thống.")
        return activities
    if heading_sentence:
        draft.p(heading_sentence)
    by_kind = defaultdict(list)
    for a in activities:
        by_kind[a.kind].append(a)
    rows = []
    for kind in ActivityKind.values:
        group = by_kind.get(kind)
        if not group:
            continue
        noun, counter = KIND_WORDS[kind]
        source = f"Hoạt động số {_ids(group)} ({_vi(ActivityKind(kind).label)})"
        n = draft.figure(f"Số {noun}", f"{number(len(group))} {counter}", source)
        people = sum(a.people or 0 for a in group)
        clients = sum(a.clients or 0 for a in group)
        parts = [f"{noun[:1].upper()}{noun[1:]}: {n}"]
        if people:
            reached = with_unit(people, "lượt người")
            parts.append(f"{draft.figure(f'Người tham dự ({noun})', reached, source)} tham dự")
        if clients:
            served = with_unit(clients, "lượt khách hàng")
            parts.append(f"phục vụ {draft.figure(f'Khách hàng ({noun})', served, source)}")
        where = "như đã nêu ở phần trên" if kind in places_said else places_text(group, end)
        text = ", ".join(parts)
        if where:
            text += f"; địa bàn: {where}"
        money = funding_text(group)
        if money:
            text += f"; kinh phí: {draft.figure(f'Kinh phí ({noun})', money, source)}"
        draft.bullet(text + ".")
        rows.append([_vi(ActivityKind(kind).label), number(len(group)), _cell(people),
                     _cell(clients), _cell(sum(a.cost or 0 for a in group))])  # fmt: skip
    rows.append(["Tổng cộng", number(len(activities)),
                 _cell(sum(a.people or 0 for a in activities)),
                 _cell(sum(a.clients or 0 for a in activities)),
                 _cell(sum(a.cost or 0 for a in activities))])  # fmt: skip
    draft.table(["Loại hoạt động", "Số hoạt động", "Lượt người tham dự", "Lượt khách hàng",
                 "Kinh phí (đồng)"], rows, [5.5, 2.4, 2.8, 2.8, 3.0], total=True)  # fmt: skip
    return activities


# Programme data ------------------------------------------------------------------------------


def programme_section(draft: Draft, request: Request) -> None:
    """The data sets reported in the unit's subtree: each element's total over the span, in a
    sentence per data set (typed-in elements; those fed by activities are in the activities
    section). Sensitive elements are marked sensitive."""
    unit = request.unit
    codes, shown = set(), False
    sets = [s for s in DataSet.objects.order_by("code") if s.reporting_units(unit)]
    if not sets:
        draft.p("Trên địa bàn chưa có đơn vị nào được giao báo cáo số liệu chương trình.")
        return
    for data_set in sets:
        links = data_set.element_links.select_related("data_element").order_by("sort_order")
        codes = [
            link.data_element.code for link in links if not link.data_element.is_fed_by_activities
        ]
        values = Aggregate(unit, request.start, request.end, draft.header["unit_name"],
                           request.label, codes)  # fmt: skip
        present = [c for c in codes if values.has(c)]
        if not present:
            continue
        shown = True
        for sensitive in (False, True):
            items = [f"{values.elements[c].name[:1].lower()}{values.elements[c].name[1:]}: "
                     f"{values.figure(draft, c)}" for c in present
                     if values.elements[c].sensitive == sensitive]  # fmt: skip
            if items:
                draft.p(
                    f"{data_set.name} ({data_set.code}): {'; '.join(items)}.", sensitive=sensitive
                )
    if not shown:
        draft.p(f"Chưa có số liệu chương trình nào được nhập cho {request.label}.")


# Plans -------------------------------------------------------------------------------------


def direction_text(row) -> str:
    """ "≥ 70%", "≤ 10%", "10–12": the target with its sign (a rate with its unit)."""
    unit = row.metric.unit if row.metric.unit in ("%", "‰") else ""
    if row.target.value_max is not None and row.target.value_max != row.target.value:
        return f"{target_text(row.target)}{unit}"  # a range says both bounds itself
    sign = "≥" if row.target.direction == AT_LEAST else "≤"
    return f"{sign} {target_text(row.target)}{unit}"


def progress_rows(request: Request, day: datetime.date):
    """programmes.progress for the unit's subtree at the day: every plan's targets (all
    audiences: sensitive metrics are marked by the caller)."""
    return plan_progress.progress(request.unit, day.year, day)


def own_targets(progresses, unit: OrgUnit) -> dict:
    for p in progresses:
        if p.unit.pk == unit.pk:
            return {row.metric.code: row for row in p.rows}
    return {}


def progress_source(row, day) -> str:
    t = row.target
    revision = f", điều chỉnh lần {t.revision}" if t.revision else ""
    actual = number(row.actual, row.metric.decimals or None) if row.actual is not None else "–"
    return (f"Kế hoạch năm {t.plan.year} của {row.unit.name}, chỉ tiêu {row.metric.code}"
            f"{revision}: {direction_text(row)}; thực hiện đến {date(row.through or day)}: "
            f"{actual} (programmes.progress)")  # fmt: skip


def actual_text(row) -> str:
    if row.actual is None:
        return "chưa có số liệu"
    return with_unit(row.actual, row.metric.unit, row.metric.decimals or None)


def status_text(row) -> str:
    if row.actual is None:
        return "Chưa có số liệu"
    if row.met:
        return "Đạt"
    return {"green": "Đúng tiến độ", "amber": "Chậm một chút", "red": "Chậm tiến độ"}.get(
        row.status, "—"
    )


def child_name(child: OrgUnit, names: dict) -> str:
    """A unit below in a table: a village by its own name, others by their name at the
    period."""
    if child.level == Level.VILLAGE:
        return child.name
    return capital(names[child.uid])


def progress_table(draft: Draft, request: Request, day: datetime.date, progresses) -> None:
    """Every unit directly below with its progress against each of its targets; units with no
    target one row each."""
    children = [c for c in child_columns(request.unit)]
    if not children:
        draft.p("Đơn vị không có đơn vị trực thuộc.")
        return
    names = names_at(children, request.end)
    by_unit = {p.unit.pk: p for p in progresses}
    rows, without, n = [], [], 0
    for child in children:
        p = by_unit.get(child.pk)
        n += 1
        name = child_name(child, names)
        if p is None or not p.rows:
            rows.append([str(n), name, "Chưa được giao chỉ tiêu"])
            without.append(child)
            continue
        for i, row in enumerate(p.rows):
            sensitive = row.metric.sensitive
            if sensitive:
                continue  # sensitive targets are not tabled with the others
            percent = "" if row.percent is None else f"{number(row.percent, 1)}%"
            expected = f"{number(row.expected, 1)}%"
            rows.append([str(n) if i == 0 else "", name if i == 0 else "", row.metric.name,
                         direction_text(row), actual_text(row), percent,
                         f"{status_text(row)} (cần {expected})"])  # fmt: skip
    planned = len(children) - len(without)
    source = f"Các đơn vị trực thuộc {request.unit.name} (statistics.compute.child_columns)"
    count = draft.figure("Số đơn vị trực thuộc", number(len(children)), source)
    draft.p(
        f"Tiến độ đến ngày {date(day)} của {count} đơn vị trực thuộc, trong đó "
        f"{number(planned)} đơn vị đã được giao chỉ tiêu kế hoạch năm {day.year} (cột “Tiến "
        f"độ” so với tỷ lệ cần đạt đến ngày {date(day)})."
    )
    draft.table(["STT", "Đơn vị", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ", "Tiến độ"], rows,
                [1.3, 3.3, 3.6, 1.9, 2.2, 1.6, 2.6])  # fmt: skip
    draft.figure(
        "Bảng tiến độ theo đơn vị",
        f"{number(len(rows))} dòng",
        f"programmes.progress tại {date(day)}: mỗi dòng là chỉ tiêu hiện hành (lần điều chỉnh "
        "mới nhất) của kế hoạch đơn vị; thực hiện cộng số liệu và hoạt động của đơn vị và cấp "
        "dưới; tỷ lệ = thực hiện ÷ chỉ tiêu",
    )


def lagging_section(draft: Draft, request: Request, day: datetime.date, progresses,
                    below_only: bool = True) -> None:  # fmt: skip
    rows = plan_progress.lagging(progresses)
    if below_only:
        rows = [r for r in rows if r.unit.pk != request.unit.pk]
    rows = [r for r in rows if not r.metric.sensitive]
    if not progresses:
        draft.p(f"Chưa có kế hoạch năm {day.year} nào được giao trong hệ thống cho đơn vị "
                "và các đơn vị trực thuộc.")  # fmt: skip
        return
    if not rows:
        draft.p(f"Đến ngày {date(day)}, không có đơn vị nào chậm tiến độ so với chỉ tiêu "
                "được giao.")  # fmt: skip
        return
    names = names_at([r.unit for r in rows], request.end)
    units = {r.unit.pk for r in rows}
    draft.p(f"Đến ngày {date(day)}, có {number(len(units))} đơn vị chậm tiến độ "
            f"({number(len(rows))} chỉ tiêu), xếp từ chậm nhất:")  # fmt: skip
    for r in rows:
        percent = f"{number(r.percent, 1)}%" if r.percent is not None else "–"
        name = names[r.unit.uid]
        text = (f"{name[:1].upper()}{name[1:]}: {r.metric.name[:1].lower()}{r.metric.name[1:]} "
                f"thực hiện {actual_text(r)}, kế hoạch {direction_text(r)} "
                f"({percent}, cần đạt {number(r.expected, 1)}% đến thời điểm này).")  # fmt: skip
        draft.figure(f"Chậm tiến độ: {r.unit.name} – {r.metric.name}", percent,
                     progress_source(r, day))  # fmt: skip
        draft.bullet(text)


def next_year_targets(draft: Draft, request: Request, year: int) -> None:
    """The targets of the unit's plan for `year`, if one exists."""
    plan = Plan.objects.filter(unit=request.unit, year=year, group__isnull=True).first()
    if plan is None:
        draft.p(f"Kế hoạch năm {year} chưa được giao trong hệ thống; các chỉ tiêu sẽ được bổ "
                "sung khi có quyết định giao kế hoạch.")  # fmt: skip
        return
    found = [line for line in lines(plan) if not line.metric.sensitive]
    if not found:
        draft.p(f"Kế hoạch năm {year} chưa có chỉ tiêu nào.")
        return
    draft.p(f"Các chỉ tiêu kế hoạch năm {year}:")
    for line in found:
        t = line.current
        sign = "≥" if t.direction == AT_LEAST else "≤"
        unit_word = line.metric.unit
        text = f"{sign} {target_text(t)}" + (f"{unit_word}" if unit_word in ("%", "‰")
                                              else f" {unit_word.lower()}")  # fmt: skip
        revision = f", điều chỉnh lần {t.revision}" if t.revision else ""
        source = f"Kế hoạch năm {year} của {request.unit.name}, chỉ tiêu {t.metric}{revision}"
        shown = draft.figure(f"Kế hoạch {year}: {line.metric.name}", text, source)
        draft.bullet(f"{line.metric.name}: {shown}.")


def stage(request: Request, index: int, count: int):
    """A progress callback for step `index` of `count` (each a computation of the register)."""

    def report(done, total):
        request.step(index * 100 + int(100 * done / max(total, 1)), count * 100)

    return report


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def target_verdict(row) -> str:
    """ "đạt 102,5% kế hoạch (146 người)" for counts; "kế hoạch ≥ 70%: đạt" for rates."""
    if row.actual is None:
        return f"kế hoạch {direction_text(row)}: chưa có số liệu để đánh giá"
    if row.metric.kind == "count" and row.target.direction == AT_LEAST:
        share = percent_of(row.actual, row.bound)
        done = "hoàn thành" if row.met else "chưa hoàn thành"
        return f"đạt {share}% kế hoạch ({target_text(row.target)}{_unit_suffix(row)}), {done}"
    return f"kế hoạch {direction_text(row)}: {'đạt' if row.met else 'chưa đạt'}"


def _unit_suffix(row) -> str:
    unit = row.metric.unit
    return unit if unit in ("%", "‰") else f" {unit.lower()}"
