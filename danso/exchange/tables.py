"""Reading and writing the tables users exchange: CSV (UTF-8, comma or semicolon) and XLSX."""

import csv
import datetime
import io
from contextlib import contextmanager

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from danso import limits


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
    rows = csv_rows(text, delimiter)
    if not rows:
        raise TableError(_("The file is empty."))
    header = [_column(h) for h in rows[0]]
    return header, [
        (line, dict(zip(header, (v.strip() for v in values), strict=False)))
        for line, values in enumerate(rows[1:], start=2)
        if any(v.strip() for v in values)
    ]


@contextmanager
def wide_csv_fields(text: str):
    """Python's csv module stops the whole file at a field over 128 KiB; within this, such a
    field is read, and the importer refuses its row (check_cells), naming it."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text) + 1))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    with wide_csv_fields(text):
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def check_cells(row: dict, columns: dict) -> list[tuple[str, str, str]]:
    """(column, code, message) for each cell of a row that no column can hold: over 128 KiB, a
    NUL character, or longer than the model field it goes to (`columns`: name → (model,
    field))."""
    found = []
    for name, value in row.items():
        if not isinstance(value, str) or name is None:
            continue
        if "\x00" in value:
            found.append((name, "nul_byte", limits.nul_message()))
            continue
        limit = limits.CSV_FIELD_LIMIT
        if name in columns:
            model, field = columns[name]
            limit = min(limit, model._meta.get_field(field).max_length or limit)
        if len(value) > limit:
            found.append((name, "too_long", limits.too_long_message(limit)))
    return found


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
