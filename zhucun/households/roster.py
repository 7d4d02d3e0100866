"""Household rosters in Excel: the template, reading an upload and checking every cell.

A roster is checked as a whole before anything is saved (DESIGN.md §6): the
answer lists row, column and rule for every bad cell. The checks are
set-based — one query for the villages named in the file, one (per 5,000
codes) for codes already registered — so a county's roster of thousands of
rows is checked in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

from openpyxl.utils import get_column_letter

from zhucun.accounts.scope import scoped
from zhucun.errors import ErrorCode, ServiceError
from zhucun.exports import xlsx
from zhucun.households.codes import Attribute, Cause, Status
from zhucun.households.models import Household
from zhucun.households.sheet_rows import XlsxFile
from zhucun.households.validation import COLUMNS, clean_values
from zhucun.org.models import Level, Region

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
CODE_CHUNK = 5_000
SHEET_TITLE = "贫困户花名册"


@dataclass(frozen=True)
class CellError:
    row: int
    column: str  # the Excel column letter, e.g. "E"
    header: str
    value: Any
    rule: str

    def __str__(self):
        shown = "" if self.value in (None, "") else f"“{self.value}”"
        return f"第{self.row}行 {self.column}列({self.header}){shown}:{self.rule}"


def template_bytes() -> bytes:
    """An empty roster with the column headers, and a sheet explaining each column."""
    notes = [(c.header, c.note, c.example) for c in COLUMNS]
    notes.append(("", "", ""))
    notes += [("贫困户属性", f"{code} = {label}", "") for code, label in Attribute.choices]
    notes += [("致贫原因", f"{code} {label}", "") for code, label in Cause.choices]
    notes += [("脱贫状态", label, "") for _code, label in Status.choices]
    return xlsx.template_bytes(
        [
            (SHEET_TITLE, [c.header for c in COLUMNS], []),
            ("填写说明", ["列", "要求", "示例"], notes),
        ]
    )


def read_roster(upload) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of an uploaded roster as (row number, values by column key)."""
    if upload.size > MAX_BYTES:
        raise ServiceError(ErrorCode.BAD_UPLOAD, "文件超过20MB,请分批导入", field="file")
    try:
        book = XlsxFile(upload)
    except Exception:  # openpyxl raises many kinds of errors for a file that is not .xlsx
        raise ServiceError(
            ErrorCode.BAD_UPLOAD, "文件不是有效的Excel(.xlsx)表格", field="file"
        ) from None
    try:
        if not book.sheetnames:
            raise ServiceError(ErrorCode.BAD_UPLOAD, "文件中没有工作表", field="file")
        rows = book.rows(SHEET_TITLE if SHEET_TITLE in book.sheetnames else book.sheetnames[0])
        first = next(rows, None)
        if first is not None and first[0] != 1:  # no header row in the file
            rows, first = chain([first], rows), None
        header = first[1] if first is not None else ()
        position = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
        missing = [c.header for c in COLUMNS if c.header not in position]
        if missing:
            raise ServiceError(
                ErrorCode.BAD_UPLOAD,
                f"第1行缺少列:{'、'.join(missing)}(请使用下载的模板)",
                field="file",
            )
        where = [(c.key, position[c.header]) for c in COLUMNS]
        result = []
        for number, values in rows:
            if not values or all(v is None or str(v).strip() == "" for v in values):
                continue
            width = len(values)
            result.append((number, {k: values[i] if i < width else None for k, i in where}))
            if len(result) > MAX_ROWS:
                raise ServiceError(
                    ErrorCode.BAD_UPLOAD, f"一次最多导入{MAX_ROWS}行,请分批导入", field="file"
                )
        return result
    finally:
        book.close()


def check_roster(user, rows) -> tuple[list[Household], list[CellError]]:
    """Every cell checked; households ready to save, or the errors (then nothing is saved)."""
    letters = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    headers = {c.key: c.header for c in COLUMNS}
    keys = [c.key for c in COLUMNS]
    errors: list[CellError] = []
    cleaned: list[tuple[int, dict, dict]] = []
    for number, raw in rows:
        clean, bad = clean_values(raw, keys)
        for key, rule in bad.items():
            errors.append(CellError(number, letters[key], headers[key], raw.get(key), rule))
        cleaned.append((number, raw, clean))

    def cell_error(number, raw, key, rule):
        errors.append(CellError(number, letters[key], headers[key], raw.get(key), rule))

    # Duplicates inside the file: every repeat names the row it repeats.
    first_row: dict[str, int] = {}
    for number, raw, clean in cleaned:
        code = clean.get("code")
        if code is None:
            continue
        if code in first_row:
            cell_error(number, raw, "code", f"与第{first_row[code]}行户编号重复")
        else:
            first_row[code] = number

    codes = list(first_row)
    existing: set[str] = set()
    for i in range(0, len(codes), CODE_CHUNK):
        existing.update(
            Household.objects.filter(code__in=codes[i : i + CODE_CHUNK]).values_list(
                "code", flat=True
            )
        )
    village_codes = {c["village_code"] for _n, _r, c in cleaned if "village_code" in c}
    villages = dict(
        scoped(
            user, Region.objects.filter(level=Level.VILLAGE, code__in=village_codes)
        ).values_list("code", "pk")
    )
    unknown = village_codes - villages.keys()
    elsewhere = (
        set(
            Region.objects.filter(level=Level.VILLAGE, code__in=unknown).values_list(
                "code", flat=True
            )
        )
        if unknown
        else set()
    )
    households = []
    for number, raw, clean in cleaned:
        code = clean.get("code")
        if code in existing:
            cell_error(number, raw, "code", "该户编号已登记,不能重复导入")
        village_code = clean.get("village_code")
        if village_code in elsewhere:
            cell_error(number, raw, "village_code", "该村不在您的管辖范围内")
        elif village_code is not None and village_code not in villages:
            cell_error(number, raw, "village_code", "系统中没有这个村的区划代码")
        if len(clean) == len(keys) and not errors:
            fields = {k: v for k, v in clean.items() if k != "village_code"}
            households.append(Household(village_id=villages[village_code], **fields))
    errors.sort(key=lambda e: (e.row, e.column))
    return (households if not errors else []), errors
