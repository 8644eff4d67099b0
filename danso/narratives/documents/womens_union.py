"""The Women's Union's family and social work report, from its data set (HLHPN_NAM) and its
activities. Domestic violence and the sponsored children are sensitive: their sentences and
figures are marked so, and users without the permission get a note in their place
(content.visible). Only the data set's totals are read: no case, no person is ever named."""

from ..content import Draft
from ..sources import Aggregate
from . import common
from .common import Request
from .partner import data_sets_of, say
from .phrases import PHRASES

SECTIONS = {
    "family": ["WU_5K3S_HOUSEHOLDS", "WU_LATRINE_HOUSEHOLDS", "WU_CLEAN_WATER_HOUSEHOLDS"],
    "violence": ["WU_TRUSTED_ADDRESSES", "WU_DV_DETECTED", "WU_DV_SUPPORTED"],
    "sponsorship": ["WU_ORPHANS_SPONSORED", "WU_ORPHANS_COVID", "WU_SPONSOR_FUNDS"],
}


def draft(request: Request) -> Draft:
    year = request.period.start.year
    head = common.header(request, f"Kết quả công tác gia đình, xã hội năm {year}")
    draft = Draft(request.kind.code, head)
    codes = [c for codes in SECTIONS.values() for c in codes]
    values = Aggregate(request.unit, request.start, request.end, head["unit_name"],
                       request.label, codes)  # fmt: skip
    reported = any(s.code == "HLHPN_NAM" for s in data_sets_of(request.unit))
    context = {"period": request.label, "who": "Hội"}
    for section, section_codes in SECTIONS.items():
        draft.start(section)
        phrases = [p for p in PHRASES["HLHPN_NAM"] if any(c in p[1] for c in section_codes)]
        used = say(draft, values, phrases, context)
        if not used:
            sensitive = any(values.elements[c].sensitive for c in section_codes)
            draft.p(f"Chưa có số liệu cho {request.label}"
                    + ("" if reported else " (đơn vị chưa được giao biểu HLHPN_NAM)") + ".",
                    sensitive=sensitive)  # fmt: skip
        if section == "violence" and {"WU_DV_DETECTED", "WU_DV_SUPPORTED"} <= used:
            share = values.indicator(draft, "WU_DV_SUPPORTED_SHARE")
            if share:
                draft.p(f"Tỷ lệ được hỗ trợ đạt {share}.", sensitive=True)
    request.step(1, 2)
    common.activities_section(draft.start("activities"), request)
    request.step(2, 2)
    return draft
