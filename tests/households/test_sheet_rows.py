"""sheet_rows reads a worksheet's values exactly as openpyxl's iter_rows(values_only=True)."""

from datetime import date, datetime, time, timedelta
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from zhucun.households.sheet_rows import XlsxFile


def openpyxl_rows(data: bytes):
    book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    rows = [(n, v) for n, v in enumerate(sheet.iter_rows(values_only=True), start=1) if v]
    book.close()
    return rows


def fast_rows(data: bytes):
    book = XlsxFile(BytesIO(data))
    rows = [(n, v) for n, v in book.rows(book.sheetnames[0]) if v]
    book.close()
    return rows


CELLS = [
    [
        "户编号",
        "金额",
        "日期",
        "是否",
        "时间",
        None,
        "公式",
        CellRichText(["富", TextBlock(InlineFont(b=True), "文本")]),
    ],
    ["B000000001", 5600, date(2026, 3, 1), True, time(8, 30), "", "=1+1"],
    [None, 3.5, datetime(2026, 3, 1, 9, 15), False, timedelta(hours=30), "王建国", None],
    [610124100201, -1e-7, None, None, None, "多行\n文本", "=A2"],
]


@pytest.mark.parametrize("write_only", [False, True])
def test_values_types_dates_and_gaps_read_as_openpyxl_reads_them(write_only):
    # Given a workbook with strings, numbers, dates by style, booleans, formulas and gaps
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("花名册") if write_only else book.active
    for values in CELLS:
        sheet.append(values)
    if not write_only:
        sheet["J9"] = "远处的一格"  # a row further down, after missing rows
        sheet["C12"] = 42
    out = BytesIO()
    book.save(out)
    # When both read it, then they see the same row numbers and values
    expected = openpyxl_rows(out.getvalue())
    assert len(expected) >= 4
    assert fast_rows(out.getvalue()) == expected


def test_a_generated_roster_without_dimensions_reads_as_openpyxl_reads_it():
    from zhucun.bench.sections import roster_file

    data = roster_file(60, ["610124100201", "610124100202"])

    assert fast_rows(data) == openpyxl_rows(data)
    assert len(fast_rows(data)) == 61
