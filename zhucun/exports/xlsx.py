"""Spreadsheet (.xlsx) exports that open cleanly in Excel and WPS, for every app.

Every export goes through here so that each one

- names what it is, who exported it, for which unit, and when (PIPL: an
  export of personal data is traceable to a person), in two rows above
  the table; the header row is frozen and the columns sized to fit;
- escapes text cells beginning with = + - @ tab or CR, so no formula runs
  when the file is opened (CSV/formula injection, OWASP);
- writes an audit record: who, from where, what, with which filter, how
  many rows.

API
---
``xlsx_response(*, request, title, headers, rows, filters=None, personal=False,
filename=None) -> HttpResponse``
    The usual call from a view. ``rows`` is any iterable of sequences (a
    queryset's ``values_list`` is fine; it is read once). ``filters`` is a
    dict of what the user asked for (e.g. ``{"county": "周至县", "q": "张"}``)
    and is written to the audit record. ``personal=True`` marks an export
    of personal data (names with ID numbers, phones, incomes, health): the
    audit event is ``export.personal`` instead of ``export``. Mask personal
    fields in ``rows`` yourself (zhucun.org.identity) unless the user has
    revealed them through an audited action. Returns an attachment with a
    UTF-8 file name ``<title>-<YYYYMMDD-HHMM>.xlsx``.

``build_workbook(*, title, headers, rows, exported_by, unit, exported_at) -> (Workbook, int)``
    The workbook and its number of data rows, without response or audit
    (for tests, or to attach to something else).

``write_xlsx(target, *, title, headers, rows, user, exported_at) -> int``
    The workbook written to a path or file as `user` exports it, without
    response or audit: the background exports (zhucun.exports.runner) write
    their files with it. Lists of tens of thousands of rows are exported
    that way (zhucun.exports.kinds), not by ``xlsx_response``.

``template_bytes(sheets) -> bytes``
    An .xlsx of ``(title, headers, rows)`` sheets with bold headers and the
    same escaping, but no who/when rows and no audit: only for blank
    templates and their explanations, which carry nobody's data.

``safe_cell(value)``
    The value as it is written: text starting with a formula character gets
    a leading apostrophe; characters Excel cannot store are dropped; line
    ends become LF; numbers, dates and None pass unchanged (aware datetimes
    become Beijing wall-clock time).
"""

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhucun.audit import log

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER_ROW = 3  # title, who/when, then the header
_MAX_WIDTH = 60


def safe_cell(value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
        # XML turns CR into LF when the file is read: write what will be read.
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Excel has no time zones: write the Beijing wall-clock time.
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, date)):
        return value
    return safe_cell(str(value))


def _sheet_title(title: str) -> str:
    return re.sub(r"[\\/?*\[\]:']", "", ILLEGAL_CHARACTERS_RE.sub("", title))[:31] or "导出"


_NARROW = re.compile(r"[\x00-\u2e7f]+")


def _display_width(value) -> int:
    text = value if isinstance(value, str) else str(value if value is not None else "")
    if text.isascii():
        return len(text)
    # CJK characters (above U+2E7F) take two columns in Excel's default fonts.
    return len(text) + len(_NARROW.sub("", text))


def _styled(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def build_workbook(
    *,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    exported_by: str,
    unit: str,
    exported_at: datetime,
) -> tuple[Workbook, int]:
    """A write-only workbook (rows stream to the file as plain values, no cell objects
    kept): the column widths come first in the file, so the rows are escaped and
    measured before any is written."""
    values = [[safe_cell(v) for v in row] for row in rows]
    count = len(values)
    widths = [_display_width(h) for h in headers]
    for i in range(len(widths)):
        for row in values:
            if i < len(row):
                width = _display_width(row[i])
                if width > widths[i]:
                    widths[i] = width

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    workbook.properties.creator = exported_by
    workbook.properties.title = title
    columns = max(len(headers), 1)
    local = timezone.localtime(exported_at) if timezone.is_aware(exported_at) else exported_at
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_WIDTH)
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    if columns > 1:
        sheet.merged_cells.add(f"A1:{get_column_letter(columns)}1")
        sheet.merged_cells.add(f"A2:{get_column_letter(columns)}2")
    if headers:
        sheet.auto_filter.ref = (
            f"A{HEADER_ROW}:{get_column_letter(columns)}{HEADER_ROW + max(count, 1)}"
        )

    sheet.append([_styled(sheet, title, font=Font(bold=True, size=14))])
    who = f"导出单位:{unit or '—'}  导出人:{exported_by}  导出时间:{local:%Y-%m-%d %H:%M}(北京时间)"
    sheet.append([_styled(sheet, who, font=Font(color="555555"))])
    fill = PatternFill("solid", fgColor="EEF1F4")
    bold, middle = Font(bold=True), Alignment(vertical="center")
    sheet.append([_styled(sheet, h, font=bold, fill=fill, alignment=middle) for h in headers])
    for row in values:
        sheet.append(row)
    return workbook, count


def exporter_unit(user) -> str:
    """The office or unit the user exports for: their active positions, or their cadre's unit."""
    positions = [
        str(p) for p in user.positions.filter(active=True).select_related("region", "unit")
    ]
    if positions:
        return "、".join(positions)
    cadre = getattr(user, "cadre", None)
    return str(cadre.unit) if cadre is not None else ""


def exporter_name(user) -> str:
    return f"{user.full_name or user.username}({user.username})"


def write_xlsx(
    target, *, title: str, headers: Sequence[str], rows: Iterable[Sequence], user, exported_at
) -> int:
    """Write the workbook of `rows` to `target` (a path or a binary file) as `user` exports
    it; the number of data rows. The one writer of the page exports and the background
    exports (zhucun.exports.runner)."""
    workbook, count = build_workbook(
        title=title,
        headers=headers,
        rows=rows,
        exported_by=exporter_name(user),
        unit=exporter_unit(user),
        exported_at=exported_at,
    )
    workbook.save(target)
    return count


def xlsx_response(
    *,
    request,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    filters: dict | None = None,
    personal: bool = False,
    filename: str | None = None,
) -> HttpResponse:
    user = request.user
    now = timezone.now()
    buffer = BytesIO()
    count = write_xlsx(buffer, title=title, headers=headers, rows=rows, user=user, exported_at=now)
    log.record(
        actor=user,
        event="export.personal" if personal else "export",
        address=log.client_address(request),
        detail={"title": title, "filters": filters or {}, "rows": count},
    )
    name = f"{filename or title}-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


def template_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """A blank template: (title, headers, rows) sheets, streamed, escaped, not audited."""
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(title))
        bold = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=safe_cell(header))
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
