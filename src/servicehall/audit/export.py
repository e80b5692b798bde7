"""Spreadsheets of the audit trail (SEC-7); text that looks like a formula stays text (SEC-3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from servicehall.core.xlsx import FORMULA_STARTS, xlsx_bytes


def text_cell(ws, row: int, column: int, value) -> None:
    """Write one cell; a string is always a string cell, never a formula, even when Excel re-reads it
    (the quote prefix), whatever it starts with."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value


def workbook(title: str, header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    for c, name in enumerate(header, start=1):
        text_cell(ws, 1, c, str(name))
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            text_cell(ws, r, c, value)
    return xlsx_bytes(wb)  # the one way every export is saved (SEC-3)
