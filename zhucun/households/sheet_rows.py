"""The cell values of an .xlsx sheet, row by row, without openpyxl's per-cell work.

openpyxl's read-only `iter_rows(values_only=True)` spent most of a roster import
building an object per inline string, a dict per cell and a regular-expression
match per coordinate, and parsed a sheet without a <dimension> element once more
on opening it (docs/benchmarks-history.md). This opens the file with openpyxl's own
reader steps (manifest, shared strings, workbook, styles — not the sheets), then
streams the sheet XML with the same parser and converts each value exactly as
openpyxl does with data_only=True (shared and inline strings, numbers, booleans,
dates by cell style and epoch, cached formula results).
tests/households/test_sheet_rows.py compares the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from warnings import warn

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_ROW = f"{{{SHEET_MAIN_NS}}}row"
_CELL = f"{{{SHEET_MAIN_NS}}}c"
_VALUE = f"{{{SHEET_MAIN_NS}}}v"
_INLINE = f"{{{SHEET_MAIN_NS}}}is"
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"


class XlsxFile:
    """An opened .xlsx: its sheet names and, per sheet, its rows. Raises as load_workbook does."""

    def __init__(self, upload):
        reader = ExcelReader(upload, read_only=True, data_only=True)
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        self._reader = reader
        self.sheets = {
            sheet.name: rel.target
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type
        }

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def rows(self, title: str) -> Iterator[tuple[int, tuple]]:
        book = self._reader.wb
        return _rows(
            self._reader.archive.open(self.sheets[title]),
            self._reader.shared_strings,
            book._date_formats,
            book._timedelta_formats,
            book.epoch,
        )

    def close(self):
        self._reader.archive.close()


def _inline_text(node) -> str:
    # As openpyxl.cell.text.Text.content: the plain text and the runs' text, not phonetics.
    parts = []
    for child in node:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.append(child.findtext(_TEXT) or "")
    return "".join(parts)


def _number(text: str):
    # As openpyxl.worksheet._reader._cast_number.
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _rows(source, strings, dates, timedeltas, epoch) -> Iterator[tuple[int, tuple]]:
    """(row number, values from column A to the row's last cell) for each row present in the
    sheet XML; rows the file leaves out are not yielded. Missing cells are None."""
    columns: dict[str, int] = {}
    row_number = 0
    with source:
        for _event, element in iterparse(source):
            if element.tag != _ROW:
                continue
            number = element.get("r")
            row_number = int(number) if number else row_number + 1
            values: list = []
            column = 0
            for cell in element:
                if cell.tag != _CELL:
                    continue
                coordinate = cell.get("r")
                if coordinate:
                    letters = coordinate.rstrip("0123456789")
                    column = columns.get(letters) or columns.setdefault(
                        letters, column_index_from_string(letters)
                    )
                else:
                    column += 1
                kind = cell.get("t", "n")
                value = None
                if kind == "inlineStr":
                    inline = cell.find(_INLINE)
                    if inline is not None:
                        value = _inline_text(inline)
                else:
                    text = cell.findtext(_VALUE, None) or None
                    if text is not None:
                        if kind == "n":
                            value = _number(text)
                            style = int(cell.get("s", 0) or 0)
                            if style in dates:
                                try:
                                    value = from_excel(value, epoch, timedelta=style in timedeltas)
                                except (OverflowError, ValueError):
                                    warn(f"{coordinate} 标为日期但不是日期", stacklevel=2)
                                    value = "#VALUE!"
                        elif kind == "s":
                            value = strings[int(text)]
                        elif kind == "b":
                            value = bool(int(text))
                        elif kind == "d":
                            value = from_ISO8601(text)
                        else:  # "str" (a formula's cached text), "e" (an error such as #N/A)
                            value = text
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
            element.clear()
            yield row_number, tuple(values)
