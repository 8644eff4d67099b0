"""Wide report tables on screen: a page of child columns at a time (01-DSH of a province has
one per commune), or the table turned so that units are rows. The print view and Excel keep
the official layout with every column; this is only what the screen shows."""

from dataclasses import dataclass

COLUMNS_PER_PAGE = 20  # child columns beside the total; a laptop shows about this many
PAGED_FROM = 25  # fewer child columns than this are shown whole


@dataclass
class ColumnPage:
    number: int
    first: int  # 1-based, among the child columns
    last: int
    current: bool


def column_pages(children: int, asked: str) -> tuple[list[ColumnPage], slice]:
    """The pages of child columns and the slice of them to show (all when there are few)."""
    if children < PAGED_FROM:
        return [], slice(0, children)
    count = -(-children // COLUMNS_PER_PAGE)
    number = int(asked) if asked.isdigit() and 1 <= int(asked) <= count else 1
    pages = [
        ColumnPage(n, (n - 1) * COLUMNS_PER_PAGE + 1, min(n * COLUMNS_PER_PAGE, children),
                   n == number)
        for n in range(1, count + 1)
    ]  # fmt: skip
    start = (number - 1) * COLUMNS_PER_PAGE
    return pages, slice(start, start + COLUMNS_PER_PAGE)


def screen_table(report, lines, asked_page: str = "", turned: bool = False) -> dict:
    """What the report page's table shows. `lines` are (row, label, unit label, cells) with one
    cell per column, the unit's total first."""
    columns = list(report.columns)
    if turned:
        rows = [(column, [line[3][i] for line in lines]) for i, column in enumerate(columns)]
        return {"turned": True, "turned_rows": rows, "column_pages": []}
    pages, shown = column_pages(len(columns) - 1, asked_page)
    keep = [0, *range(1 + shown.start, 1 + min(shown.stop, len(columns) - 1))]
    return {
        "turned": False, "column_pages": pages, "children_total": len(columns) - 1,
        "shown_columns": [columns[i] for i in keep],
        "shown_lines": [(row, label, unit, [cells[i] for i in keep])
                        for row, label, unit, cells in lines],
    }  # fmt: skip
