"""The kinds of narrative report, declared as data: what each is for (periods, units), its
sections (generated from the data, written by the unit, or both) and its document frame.

The wording of the generated sentences lives in `documents/`, one module per kind; the layout
(header, headings, signature) in the kind's DOCX template (templates.py), which an
administrator may replace.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from danso.orgunits.models import Level, UnitType

POPULATION_LEVELS = (Level.NATION, Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
PARTNER_TYPES = (UnitType.FP_ASSOCIATION, UnitType.INDUSTRIAL_ZONE, UnitType.ENTERPRISE,
                 UnitType.OTHER_ASSOCIATION)  # fmt: skip
EVENT = "event"  # a date range or one activity instead of a DHIS2 period


@dataclass(frozen=True)
class Section:
    code: str
    heading: str  # as printed in the document (Vietnamese; the template holds it, editable)
    generated: bool = True  # drafted from the data
    editable: bool = False  # a text the unit writes in the browser
    sensitive: bool = False  # only for users with the sensitive-programme permission
    hint: str = ""  # what to write (English msgid, shown translated beside the text box)


@dataclass(frozen=True)
class Kind:
    code: str
    name: str  # English msgid for menus
    title: str  # the document's type word: BÁO CÁO, BIÊN BẢN
    cycle_code: str  # the form code a submission carries (statistics.cycle)
    period_types: tuple[str, ...]
    levels: tuple[str, ...] = ()  # unit levels it is written for…
    unit_types: tuple[str, ...] = ()  # … or unit types (organisations)
    sections: tuple[Section, ...] = ()
    number_prefix: str = "BC"  # Số: …/BC-…
    minutes: bool = False  # signed by the secretary and the chair, no recipients
    sensitive_parts: bool = False
    deadline_working_days: int = 10
    description: str = ""

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)

    @property
    def editable_sections(self) -> list[Section]:
        return [s for s in self.sections if s.editable]

    def fits(self, unit) -> bool:
        return unit.level in self.levels or unit.unit_type in self.unit_types


def _text(code, heading, hint, sensitive=False, generated=False):
    return Section(code, heading, generated=generated, editable=True, sensitive=sensitive,
                   hint=hint)  # fmt: skip


ASSESSMENT = _("Strengths and weaknesses of the period's work, and their causes.")
DIFFICULTIES = _("Difficulties and obstacles met, and what caused them.")
TASKS = _("Tasks and solutions for the next period.")
PROPOSALS = _("What the unit asks of the level above.")
SITUATION = _("The area, its people and what marked the period (a few sentences).")

KINDS: dict[str, Kind] = {}


def _declare(kind: Kind) -> Kind:
    KINDS[kind.code] = kind
    return kind


YEAR_REVIEW = _declare(Kind(
    "year_review", _("Year-end review of a population unit"), "BÁO CÁO", "VB-TONGKET",
    ("year",), levels=POPULATION_LEVELS,
    description=_("Register indicators against the plan and the previous year, activities and "
                  "the places they reached, programme data, lagging units, next year's targets."),
    sections=(
        Section("situation", "I. ĐẶC ĐIỂM TÌNH HÌNH", editable=True, hint=SITUATION),
        Section("indicators", "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU DÂN SỐ"),
        Section("units", "III. KẾT QUẢ THEO ĐƠN VỊ"),
        Section("activities", "IV. HOẠT ĐỘNG TRUYỀN THÔNG, CUNG CẤP DỊCH VỤ"),
        Section("programmes", "V. SỐ LIỆU CÁC CHƯƠNG TRÌNH"),
        Section("lagging", "VI. ĐƠN VỊ CHƯA ĐẠT TIẾN ĐỘ KẾ HOẠCH"),
        _text("assessment", "VII. ĐÁNH GIÁ CHUNG", ASSESSMENT),
        _text("difficulties", "VIII. KHÓ KHĂN, VƯỚNG MẮC", DIFFICULTIES),
        Section("tasks", "IX. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI", editable=True, hint=TASKS),
        _text("proposals", "X. KIẾN NGHỊ, ĐỀ XUẤT", PROPOSALS),
    ),
))  # fmt: skip

SIX_MONTH_REVIEW = _declare(Kind(
    "six_month_review", _("Six-month review of an upper level"), "BÁO CÁO", "VB-SOKET",
    ("half",), levels=POPULATION_LEVELS,
    description=_("Results of the six months against the same period of last year, progress "
                  "of every unit below against its targets, the lagging list, tasks."),
    sections=(
        Section("results", "I. KẾT QUẢ THỰC HIỆN 6 THÁNG"),
        Section("activities", "II. HOẠT ĐỘNG TRUYỀN THÔNG, CUNG CẤP DỊCH VỤ"),
        Section("progress", "III. TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU KẾ HOẠCH CỦA CÁC ĐƠN VỊ"),
        Section("lagging", "IV. ĐƠN VỊ CHẬM TIẾN ĐỘ"),
        _text("assessment", "V. ĐÁNH GIÁ CHUNG", ASSESSMENT),
        _text("tasks", "VI. NHIỆM VỤ TRỌNG TÂM 6 THÁNG TỚI", TASKS),
    ),
))  # fmt: skip

QUARTERLY_BRIEFING = _declare(Kind(
    "quarterly_briefing", _("Quarterly briefing minutes of an upper level"), "BIÊN BẢN",
    "VB-GIAOBAN", ("quarter",), levels=POPULATION_LEVELS, number_prefix="BB", minutes=True,
    description=_("Minutes of the quarter's briefing: results, every unit below with its "
                  "progress against each target, the lagging ones, discussion, conclusions."),
    sections=(
        _text("meeting", "I. THỜI GIAN, ĐỊA ĐIỂM, THÀNH PHẦN",
              _("When and where the briefing met, who chaired it, who attended.")),
        Section("results", "II. KẾT QUẢ THỰC HIỆN TRONG QUÝ"),
        Section("progress", "III. TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU KẾ HOẠCH CỦA CÁC ĐƠN VỊ"),
        Section("lagging", "IV. ĐƠN VỊ CHẬM TIẾN ĐỘ"),
        _text("discussion", "V. Ý KIẾN THẢO LUẬN",
              _("What the units reported and asked during the briefing.")),
        _text("tasks", "VI. KẾT LUẬN VÀ NHIỆM VỤ QUÝ TỚI", TASKS),
    ),
))  # fmt: skip

PARTNER_ANNUAL = _declare(Kind(
    "partner_annual", _("Annual report of a partner organisation"), "BÁO CÁO", "VB-DOITAC",
    ("year",), unit_types=PARTNER_TYPES,
    description=_("The year's figures of the organisation's data sets and its activities "
                  "(with the places reached), against its plan and the previous year."),
    sections=(
        Section("situation", "I. ĐẶC ĐIỂM TÌNH HÌNH", generated=False, editable=True,
                hint=SITUATION),
        Section("results", "II. KẾT QUẢ THỰC HIỆN"),
        Section("activities", "III. HOẠT ĐỘNG VÀ ĐỊA BÀN"),
        Section("plan", "IV. THỰC HIỆN KẾ HOẠCH"),
        _text("assessment", "V. ĐÁNH GIÁ CHUNG", ASSESSMENT),
        Section("tasks", "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI", editable=True, hint=TASKS),
        _text("proposals", "VII. KIẾN NGHỊ, ĐỀ XUẤT", PROPOSALS),
    ),
))  # fmt: skip

WOMENS_UNION = _declare(Kind(
    "womens_union", _("Women's Union family and social work report"), "BÁO CÁO", "VB-HLHPN",
    ("year",), unit_types=(UnitType.WOMENS_UNION,), sensitive_parts=True,
    description=_("Family building, domestic-violence prevention and the “Mẹ đỡ đầu” "
                  "sponsorship; the sensitive parts only for users with the permission."),
    sections=(
        Section("family", "I. XÂY DỰNG GIA ĐÌNH NO ẤM, TIẾN BỘ, HẠNH PHÚC"),
        Section("violence", "II. PHÒNG, CHỐNG BẠO LỰC GIA ĐÌNH", sensitive=True),
        _text("violence_notes", "Đánh giá công tác phòng, chống bạo lực gia đình",
              _("Assessment of the domestic-violence work (seen only with the permission)."),
              sensitive=True),
        Section("sponsorship", "III. CHƯƠNG TRÌNH “MẸ ĐỠ ĐẦU”", sensitive=True),
        Section("activities", "IV. HOẠT ĐỘNG"),
        _text("assessment", "V. ĐÁNH GIÁ CHUNG", ASSESSMENT),
        _text("tasks", "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM TỚI", TASKS),
    ),
))  # fmt: skip

EVENT_REPORT = _declare(Kind(
    "event", _("Event report from an activity"), "BÁO CÁO", "", (EVENT,),
    levels=(*POPULATION_LEVELS, Level.VILLAGE, Level.ORGANISATION),
    description=_("An event (Population Day 26/12, a campaign) from its activity or the "
                  "activities of a date range: time, places, participants, services, cost."),
    sections=(
        Section("event", "I. THỜI GIAN, ĐỊA ĐIỂM, QUY MÔ"),
        _text("content", "II. NỘI DUNG HOẠT ĐỘNG",
              _("What was done: speeches, performances, services, materials handed out.")),
        Section("results", "III. KẾT QUẢ"),
        _text("assessment", "IV. ĐÁNH GIÁ, RÚT KINH NGHIỆM", ASSESSMENT),
        _text("proposals", "V. KIẾN NGHỊ, ĐỀ XUẤT", PROPOSALS),
    ),
))  # fmt: skip

BY_CYCLE_CODE = {k.cycle_code: k for k in KINDS.values() if k.cycle_code}


def info(kind: Kind) -> dict:
    return {
        "code": kind.code, "name": str(kind.name), "period_types": list(kind.period_types),
        "levels": list(kind.levels), "unit_types": list(kind.unit_types),
        "cycle_code": kind.cycle_code, "description": str(kind.description),
        "sections": [{"code": s.code, "heading": s.heading, "generated": s.generated,
                      "editable": s.editable, "sensitive": s.sensitive,
                      "hint": str(s.hint)} for s in kind.sections],
    }  # fmt: skip
