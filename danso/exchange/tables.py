"""Reading and writing the tables users exchange: CSV (UTF-8, comma or semicolon) and XLSX."""

import csv
import datetime
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook


class TableError(Exception):
    """The file as a whole cannot be read."""


def read_table(file_name: str, data: bytes) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and rows (with their line number as a spreadsheet shows it) of a CSV or XLSX."""
    if file_name.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(_("The file is not UTF-8 encoded text (CSV).")) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise TableError(_("The file is empty."))
    header = [_column(h) for h in rows[0]]
    return header, [
        (line, dict(zip(header, (v.strip() for v in values), strict=False)))
        for line, values in enumerate(rows[1:], start=2)
        if any(v.strip() for v in values)
    ]


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not XLSX
        raise TableError(_("The file is not a readable Excel (XLSX) workbook.")) from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    try:
        header = [_column(_cell(h)) for h in next(rows)]
    except StopIteration as exc:
        raise TableError(_("The file is empty.")) from exc
    out = []
    for line, values in enumerate(rows, start=2):
        cells = [_cell(v) for v in values]
        if any(cells):
            out.append((line, dict(zip(header, cells, strict=False))))
    book.close()
    return header, out


def xlsx_bytes(sheets: list[tuple[str, list[str], object]]) -> bytes:
    """A workbook of (title, header, rows) sheets, written in streaming mode."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
