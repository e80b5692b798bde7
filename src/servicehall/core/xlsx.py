"""Spreadsheet downloads: every export is saved and served through here (SEC-3)."""

from __future__ import annotations

import io

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A spreadsheet takes text starting with these as a formula (or as one when the cell is edited).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(wb) -> bytes:
    """Save an openpyxl workbook for download. Every export goes through here (SEC-3).

    Exports never carry formulas: text that a spreadsheet would read as one — starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return, or spelling an error value — is written as a text cell, and
    marked as quoted text so that editing the cell does not turn it into a formula either. Numbers and dates
    are left as they are.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and (cell.data_type != "s" or value.startswith(FORMULA_STARTS)):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
