"""Name lists of the circular: 03-DS/CSYT, newborns screened (one row per child)."""

import io

from openpyxl import Workbook

from danso.register import codes
from danso.register.models import Event

from .compute import villages_of
from .periods import Period

NEWBORN_TITLE = "Danh sách trẻ sơ sinh được tầm soát, sàng lọc sơ sinh"
RESULT = {"0": "Bình thường", "1": "Nguy cơ thấp", "2": "Nguy cơ cao", "9": "Không sàng lọc"}


def newborn_screening(unit, period: Period) -> list[dict]:
    events = (
        Event.objects.filter(
            kind="newborn_screening", village__in=villages_of(unit), is_accepted=True,
            is_superseded=False, occurred_on__range=(period.start, period.end),
        )
        .select_related("person", "person__mother", "village")
        .order_by("occurred_on", "pk")
    )  # fmt: skip
    rows = []
    for e in events:
        child, mother = e.person, e.person.mother
        results = e.data.get("results", {})
        rows.append({
            "mother_card": mother.subject_code if mother else "",
            "mother_name": mother.full_name if mother else "",
            "residence": e.village.name,
            "mother_born": mother.date_of_birth if mother else None,
            "child_name": child.full_name,
            "child_born_male": child.date_of_birth if child.sex == codes.MALE else None,
            "child_born_female": child.date_of_birth if child.sex == codes.FEMALE else None,
            "results": [RESULT.get(results.get(c, ""), "") for c in codes.NEWBORN_CONDITIONS.codes],
            "screened_on": e.occurred_on,
        })  # fmt: skip
    return rows


def newborn_screening_xlsx(unit, period: Period, rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "03-DS-CSYT"
    sheet.append(["Biểu 03-DS/CSYT"])
    sheet.append([f"Đơn vị: {unit.name}"])
    sheet.append([NEWBORN_TITLE.upper()])
    sheet.append([period.label])
    sheet.append(["Đơn vị tính: ca dịch vụ"])
    sheet.append(["TT", "Mã số thẻ BHYT của mẹ", "Họ và tên mẹ", "Nơi cư trú", "Ngày sinh của mẹ",
                  "Họ và tên con", "Ngày sinh của con – Nam", "Ngày sinh của con – Nữ",
                  *codes.NEWBORN_CONDITIONS.codes.values(), "Ghi chú"])  # fmt: skip
    day = lambda d: d.strftime("%d/%m/%Y") if d else ""  # noqa: E731
    for i, r in enumerate(rows, start=1):
        sheet.append([i, r["mother_card"], r["mother_name"], r["residence"], day(r["mother_born"]),
                      r["child_name"], day(r["child_born_male"]), day(r["child_born_female"]),
                      *r["results"], ""])  # fmt: skip
    sheet.append([])
    sheet.append(["", "Người lập biểu", "", "", "Thủ trưởng đơn vị"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
