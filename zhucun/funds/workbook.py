"""Writing .xlsx that opens cleanly in Excel and WPS and never carries formula injection."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

# A cell starting with one of these is read as a formula (or DDE) by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe(value):
    """Text that a spreadsheet would run is kept as text by a leading apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def workbook_bytes(title: str, header: list[str], rows, *, preamble=()) -> bytes:
    """One sheet: optional preamble lines, a bold header row, then the rows; returns the file."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for line in preamble:
        sheet.append([safe(v) for v in line])
    sheet.append([safe(v) for v in header])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe(v) for v in row])
        for cell in sheet[sheet.max_row]:
            # Even a value that slipped past safe() is stored as a string, never a formula.
            if cell.data_type == "f":
                cell.data_type = "s"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(40, max(8, width * 2))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
