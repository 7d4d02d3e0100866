"""The roster template (.xlsx): several sheets, nobody's data, so no export audit.

Exports of data go through the shared helper zhucun.exports.xlsx (audited,
traceable); this writes only the empty template and its explanations, with
the same formula escaping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is read as a formula (or DDE) by Excel or WPS.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_value(value):
    """The value as it may be written: risky text gets a leading apostrophe; dates become text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """An .xlsx of (title, headers, rows) sheets, written streaming (write-only mode)."""
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_value(header))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([safe_value(value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
