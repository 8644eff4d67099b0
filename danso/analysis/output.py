"""An analysis's answer as DHIS2's /api/analytics gives it (headers, metaData, rows), as CSV, and
as a pivot table (rows × columns chosen by the user) for CSV and Excel."""

import io
from itertools import product

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from danso.exchange.tables import csv_bytes

from .errors import AnalysisError
from .query import AXES, Result

VALUE_HEADERS = ["value", "numerator", "denominator", "caution", "estimate"]


def as_json(result: Result) -> dict:
    dims = result.dimensions
    headers = [{"name": d, "column": _axis_name(result, d)} for d in dims]
    headers += [{"name": h, "column": h} for h in VALUE_HEADERS]
    items = {}
    for axis in AXES:
        for key, name in result.items(axis):
            items.setdefault(key, {"name": name})
    for f in result.figures:
        items[f.key].update(unit=f.unit, rate=f.is_rate, decimals=f.decimals)
    return {
        "headers": headers,
        "metaData": {
            "items": items,
            "dimensions": {axis: [k for k, _n in result.items(axis)] for axis in AXES},
            "ou_dimension": result.ou_dimension,
            "filters": {axis: result.items(axis)[0][1] for axis in result.filters},
        },
        "rows": flat_rows(result),
        "height": len(flat_rows(result)),
        "width": len(headers),
        "as_of": timezone.localtime(result.as_of).isoformat(),  # with the server's offset
    }


def _axis_name(result: Result, axis: str) -> str:
    if axis == "ou" and result.ou_dimension != "ou":
        return result.ou_dimension
    return {"dx": "Data", "pe": "Period", "ou": "Organisation unit"}[axis]


def _combinations(result: Result):
    """Every (dx, pe, ou) key of the answer with the dimension keys, in the axes' order."""
    keys = {axis: [k for k, _n in result.items(axis)] for axis in AXES}
    for dx, pe, ou in product(keys["dx"], keys["pe"], keys["ou"]):
        yield {"dx": dx, "pe": pe, "ou": ou}


def flat_rows(result: Result) -> list[list]:
    """One row per cell with a value or a part of one: the dimensions' keys, then value,
    numerator, denominator and caution (DHIS2 leaves out empty cells, and so does this)."""
    rows = []
    for keys in _combinations(result):
        cell = result.cell(keys["dx"], keys["pe"], keys["ou"])
        if cell.value is None and cell.numerator is None and cell.denominator is None:
            continue
        rows.append([keys[d] for d in result.dimensions]
                    + [cell.value, cell.numerator, cell.denominator, cell.caution,
                       cell.estimate])  # fmt: skip
    return rows


def flat_csv(result: Result) -> bytes:
    names = {axis: dict(result.items(axis)) for axis in AXES}
    header = []
    for d in result.dimensions:
        header += [d, f"{d}name"]
    header += VALUE_HEADERS
    rows = []
    for row in flat_rows(result):
        line = []
        for d, key in zip(result.dimensions, row, strict=False):
            line += [key, names[d][key]]
        rows.append(line + row[len(result.dimensions) :])
    return csv_bytes(header, rows)


def layout(result: Result, rows: list[str], columns: list[str]) -> tuple[list[str], list[str]]:
    """Rows and columns checked: every dimension once, no filter. Without a choice the
    periods are the columns and the rest the rows."""
    dims = result.dimensions
    if not rows and not columns:
        columns = ["pe"] if "pe" in dims else dims[-1:]
        rows = [d for d in dims if d not in columns]
    rows, columns = [_axis(result, r) for r in rows], [_axis(result, c) for c in columns]
    if sorted(rows + columns) != sorted(dims):
        raise AnalysisError(
            "invalid_layout",
            f"rows and columns must hold each dimension once: {', '.join(dims)}",
            "rows",
        )
    return rows, columns


def _axis(result: Result, name: str) -> str:
    return "ou" if name == result.ou_dimension else name


def pivot(result: Result, rows: list[str], columns: list[str]):
    """(header lines, body lines): the column headers (one line per column axis, after one
    blank cell per row axis), then each row's labels and its values."""
    names = {axis: result.items(axis) for axis in AXES}
    col_keys = list(product(*[names[c] for c in columns])) or [()]
    row_keys = list(product(*[names[r] for r in rows])) or [()]
    header = []
    for level in range(len(columns)):
        header.append([""] * len(rows) + [combo[level][1] for combo in col_keys])
    if not header:
        header = [[""] * len(rows) + [names["dx"][0][1]]]
    body = []
    fixed = {axis: names[axis][0][0] for axis in AXES}
    for row_combo in row_keys:
        line = [name for _key, name in row_combo]
        for col_combo in col_keys:
            keys = dict(fixed)
            keys.update({a: k for a, (k, _n) in zip(rows, row_combo, strict=True)})
            keys.update({a: k for a, (k, _n) in zip(columns, col_combo, strict=True)})
            line.append(result.cell(keys["dx"], keys["pe"], keys["ou"]).value)
        body.append(line)
    return header, body


def pivot_csv(result: Result, rows: list[str], columns: list[str]) -> bytes:
    header, body = pivot(result, rows, columns)
    return csv_bytes(header[0], header[1:] + body)


def title_lines(result: Result) -> list[str]:
    lines = [f"{_axis_label(axis)}: {result.items(axis)[0][1]}" for axis in result.filters]
    methods = sorted({c.estimate for c in result.cells.values() if c.estimate})
    lines += [f"Có số ước tính (≈). {m}" for m in methods]
    as_of = timezone.localtime(result.as_of)
    lines.append(f"Số liệu tính trực tiếp lúc {as_of:%H:%M} ngày {as_of:%d/%m/%Y}")
    return lines


def _axis_label(axis: str) -> str:
    return {"dx": "Chỉ tiêu", "pe": "Kỳ", "ou": "Đơn vị"}[axis]


def pivot_xlsx(result: Result, rows: list[str], columns: list[str], title: str = "") -> bytes:
    """The pivot table on a first sheet (with the filters and the time it is as of above it),
    and every cell with its numerator, denominator and caution on a second."""
    header, body = pivot(result, rows, columns)
    book = Workbook()
    sheet = book.active
    sheet.title = "Bảng"
    sheet.append([title or "Bảng phân tích"])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    for line in title_lines(result):
        sheet.append([line])
    sheet.append([])
    first = sheet.max_row + 1
    for line in header:
        sheet.append(line)
    for line in body:
        sheet.append(line)
    for line in sheet.iter_rows(min_row=first, max_row=first + len(header) - 1):
        for cell in line:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for line in sheet.iter_rows(min_row=first + len(header), min_col=len(rows) + 1):
        for cell in line:
            if isinstance(cell.value, float):
                cell.number_format = "#,##0.0"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
    for index in range(1, len(rows) + 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 32
    data = book.create_sheet("Dữ liệu")
    names = {axis: dict(result.items(axis)) for axis in AXES}
    data.append([_axis_label(d) for d in result.dimensions]
                + ["Giá trị", "Tử số", "Mẫu số", "Lưu ý", "Ước tính"])  # fmt: skip
    for row in flat_rows(result):
        data.append([names[d][k] for d, k in zip(result.dimensions, row, strict=False)]
                    + row[len(result.dimensions):])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
