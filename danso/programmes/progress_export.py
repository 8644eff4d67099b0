"""Progress of a subtree's plans in Excel: one row per unit and target, then the lagging list."""

import datetime
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from danso.orgunits.models import OrgUnit

from .progress import AMBER, GREEN, RED, TargetProgress, UnitProgress, elapsed_share

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILLS = {GREEN: "C8E6C9", AMBER: "FFE0B2", RED: "FFCDD2"}
STATUS = {GREEN: "Đúng tiến độ", AMBER: "Chậm nhẹ", RED: "Chậm tiến độ"}
HEADER = ["STT", "Đơn vị", "Chỉ tiêu", "Đơn vị tính", "Mức", "Kế hoạch", "Đến",
          "Lần điều chỉnh", "Thực hiện", "Số liệu đến ngày", "% thực hiện", "% cần đạt",
          "Trạng thái", "Đạt", "Ước tính"]  # fmt: skip
STATUS_COLUMN = HEADER.index("Trạng thái") + 1


def _line(number: int, row: TargetProgress) -> list:
    t = row.target
    sign = "Tối thiểu" if t.direction == "at_least" else "Tối đa"
    return [
        number, row.unit.name, row.metric.name, row.metric.unit, sign, float(t.value),
        float(t.value_max) if t.value_max is not None else None, t.revision,
        None if row.actual is None else round(row.actual, 2),
        row.through.strftime("%d/%m/%Y") if row.through else "",
        None if row.percent is None else round(row.percent, 1), round(row.expected, 1),
        STATUS.get(row.status, "Chưa có số liệu"), "Đạt" if row.met else "",
        row.estimate or "",  # part of the actual apportioned from the other map (maps.py)
    ]  # fmt: skip


def _table(sheet, rows: list[TargetProgress]) -> None:
    sheet.append(HEADER)
    first = sheet.max_row
    for number, row in enumerate(rows, start=1):
        sheet.append(_line(number, row))
        if row.status in FILLS:
            fill = PatternFill("solid", fgColor=FILLS[row.status])
            sheet.cell(sheet.max_row, STATUS_COLUMN).fill = fill
    for line in sheet.iter_rows(min_row=first, max_row=sheet.max_row, max_col=len(HEADER)):
        for cell in line:
            cell.border = BOX
            if cell.row == first:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for column, width in zip("BCD", (32, 50, 12), strict=True):
        sheet.column_dimensions[column].width = width


def progress_xlsx(unit: OrgUnit, year: int, day: datetime.date, found: list[UnitProgress],
                  lagging: list[TargetProgress]) -> bytes:  # fmt: skip
    book = Workbook()
    sheet = book.active
    sheet.title = "Tiến độ"
    sheet.append([f"TIẾN ĐỘ THỰC HIỆN KẾ HOẠCH NĂM {year}"])
    sheet.append([f"Đơn vị: {unit.name}"])
    sheet.append([f"Tính đến ngày {day:%d/%m/%Y}: đã qua {elapsed_share(day) * 100:.1f} % "
                  "thời gian của năm".replace(".", ",")])  # fmt: skip
    sheet.append([f"Xuất lúc {timezone.localtime():%d/%m/%Y %H:%M}"])
    sheet.cell(1, 1).font = Font(bold=True)
    sheet.append([])
    _table(sheet, [row for p in found for row in p.rows])
    behind = book.create_sheet("Chậm tiến độ")
    behind.append([f"CHỈ TIÊU CHẬM TIẾN ĐỘ ĐẾN NGÀY {day:%d/%m/%Y}"])
    behind.cell(1, 1).font = Font(bold=True)
    behind.append([])
    _table(behind, lagging)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
