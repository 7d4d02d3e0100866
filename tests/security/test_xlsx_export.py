"""The shared spreadsheet export: no formula ever runs, and the sheet says who exported it and when."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from zhucun.exports.xlsx import FORMULA_STARTS, HEADER_ROW, build_workbook, safe_cell

AT = datetime(2026, 5, 4, 9, 30, tzinfo=ZoneInfo("UTC"))
dangerous_text = st.builds(
    lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text(max_size=30)
)
any_text = st.one_of(st.text(max_size=40), dangerous_text)


def round_trip(headers, rows):
    workbook, count = build_workbook(
        title="测试导出",
        headers=headers,
        rows=rows,
        exported_by="费雅(fay)",
        unit="参扶单位 市农业农村局",
        exported_at=AT,
    )
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return load_workbook(buffer).active, count


@settings(deadline=None)
@given(any_text)
def test_no_text_cell_is_ever_written_as_a_formula(text):
    sheet, _ = round_trip(["值"], [[text]])
    cell = sheet.cell(row=HEADER_ROW + 1, column=1)
    assert cell.data_type != "f"
    value = cell.value or ""
    assert not value.startswith(FORMULA_STARTS)
    # Nothing is lost but characters a spreadsheet cannot hold; an apostrophe is added
    # before a formula character, and line ends are LF
    clean = ILLEGAL_CHARACTERS_RE.sub("", text)
    expected = ("'" + clean) if clean.startswith(FORMULA_STARTS) else clean
    assert value == expected.replace("\r\n", "\n").replace("\r", "\n")


@settings(deadline=None, max_examples=50)
@given(
    st.lists(
        st.lists(st.one_of(any_text, st.integers(-(10**9), 10**9)), min_size=3, max_size=3),
        max_size=15,
    )
)
def test_every_row_arrives_with_numbers_kept_as_numbers(rows):
    sheet, count = round_trip(["甲", "乙", "丙"], rows)
    assert count == len(rows)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = sheet.cell(row=HEADER_ROW + 1 + i, column=j + 1)
            assert cell.data_type != "f"
            if isinstance(value, int):
                assert cell.value == value


def test_the_sheet_names_itself_who_exported_it_for_which_unit_and_when():
    sheet, count = round_trip(["姓名", "手机"], [["艾丽", "138****0001"]])
    assert sheet["A1"].value == "测试导出"
    assert sheet["A2"].value == (
        "导出单位:参扶单位 市农业农村局  导出人:费雅(fay)  导出时间:2026-05-04 17:30(北京时间)"
    )
    assert [c.value for c in sheet[HEADER_ROW]] == ["姓名", "手机"]
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert count == 1


def test_columns_are_wide_enough_for_chinese_text():
    sheet, _ = round_trip(["单位"], [["西安市农业农村局驻村工作办公室"]])
    assert sheet.column_dimensions["A"].width >= 2 * 15


def test_safe_cell_leaves_numbers_dates_and_plain_text_alone():
    assert safe_cell(-5) == -5 and safe_cell(3.5) == 3.5 and safe_cell(None) is None
    assert safe_cell("周至县") == "周至县"
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("\t=1") == "'\t=1"
    assert safe_cell("\r=1") == "'\n=1"
    assert safe_cell(AT) == datetime(2026, 5, 4, 17, 30)
