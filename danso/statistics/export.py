"""A report in the official layout: Excel (unit and period header, rows × columns, signatures)
and CSV."""

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from danso.exchange.tables import csv_bytes

from .report import Report, label_of

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = report.form.code
    columns = report.columns
    width = 3 + len(columns)
    unit, period = report.figures.unit, report.figures.period
    sheet.append([f"Biểu {report.form.code}"])
    sheet.append([f"Đơn vị báo cáo: {unit.name}"])
    sheet.append([])
    sheet.append([report.form.title.upper()])
    sheet.append([period.label])
    sheet.append(
        [f"Số liệu tính từ Sổ A0 lúc {timezone.localtime(report.figures.as_of):%d/%m/%Y %H:%M}"]
    )
    sheet.append([])
    for row_number in (4, 5):
        sheet.merge_cells(start_row=row_number, start_column=1, end_row=row_number,
                          end_column=width)  # fmt: skip
        sheet.cell(row_number, 1).alignment = Alignment(horizontal="center")
        sheet.cell(row_number, 1).font = Font(bold=True)
    header = ["STT", "Tên chỉ tiêu", "Đơn vị tính"] + [
        ("Toàn " + c.short_name) if i == 0 else c.name for i, c in enumerate(columns)
    ]
    sheet.append(header)
    sheet.append(["A", "B", "C"] + [str(i) for i in range(1, len(columns) + 1)])
    first = sheet.max_row - 1
    for row, unit_label, cells in report.rows:
        label = ("    " * row.indent) + label_of(row) + (" (*)" if row.provisional else "")
        sheet.append([row.number, label, unit_label] + [c.value for c in cells])
    for line in sheet.iter_rows(min_row=first, max_row=sheet.max_row, max_col=width):
        for cell in line:
            cell.border = BOX
            if cell.row <= first + 1:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", wrap_text=True)
    sheet.column_dimensions["B"].width = 60
    sheet.append([])
    sheet.append(["(*) Chỉ tiêu tạm thời, chờ phụ lục chính thức của Thông tư 01/2022/TT-BYT."])
    sheet.append([])
    today = timezone.localdate()
    sheet.append(["", "Người lập biểu", "", f"Ngày {today:%d} tháng {today:%m} năm {today:%Y}"])
    sheet.append(["", "(Ký, ghi rõ họ tên)", "", "Thủ trưởng đơn vị (Ký, đóng dấu)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_csv(report: Report) -> bytes:
    header = ["row", "code", "label", "unit"] + [c.uid for c in report.columns]
    rows = [
        [row.number, row.code, label_of(row), unit_label] + [c.value for c in cells]
        for row, unit_label, cells in report.rows
    ]
    return csv_bytes(header, rows)
