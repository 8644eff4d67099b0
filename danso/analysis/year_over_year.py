"""A report beside the same period of the year before: each row's figure for the whole unit
now, then, and the change (points for a rate)."""

from danso.statistics.definitions import INDICATOR_BY_CODE
from danso.statistics.report import Report, label_of


def compare(report: Report, before: Report) -> list[dict]:
    rows = []
    for (row, unit_label, cells), (_row, _unit, then_cells) in zip(
        report.rows, before.rows, strict=True
    ):
        now, then = cells[0], then_cells[0]
        indicator = INDICATOR_BY_CODE.get(row.code)
        change = None
        if now.value is not None and then.value is not None:
            change = round(now.value - then.value, indicator.decimals if indicator else 0)
        rows.append({
            "number": row.number, "code": row.code, "label": label_of(row), "unit": unit_label,
            "indent": row.indent, "cells": [now, then], "change": change,
            "rate": indicator is not None,
        })  # fmt: skip
    return rows
