"""Checking one household record's values (第十三条; national code lists, DESIGN.md §6).

The same checks serve the edit page and the Excel roster import, so a value
refused on one is refused on the other with the same words. Each checker
takes what a person typed or a spreadsheet cell held (text, number or empty)
and returns the clean value or raises `Invalid` with the rule, in Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from zhucun.households.codes import Attribute, Cause, Status

CODE_RE = re.compile(r"^[0-9A-Za-z]{1,20}$")
YES = {"是", "有", "y", "yes", "true", "1", "√"}
NO = {"否", "无", "n", "no", "false", "0", "×"}
FIRST_REGISTRATION_YEAR = 2014  # 建档立卡 began in 2014


class Invalid(ValueError):
    """A value broke a rule; the message names the rule."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _required(value: Any) -> str:
    text = _text(value)
    if not text:
        raise Invalid("必填,不能为空")
    return text


def _choice(choices, *, pad: int = 0) -> Callable[[Any], str]:
    by_label = {label: code for code, label in choices.choices}
    codes = set(choices.values)
    allowed = "、".join(f"{code} {label}" if pad else label for code, label in choices.choices)

    def check(value: Any) -> str:
        text = _required(value)
        if pad and text.isdigit():
            text = text.zfill(pad)
        if text in codes:
            return text
        if text in by_label:
            return by_label[text]
        # "01 因病" or "01因病": the code followed by its own label
        match = re.match(r"^(\d+)\s*(\S+)$", text)
        if pad and match and match.group(1).zfill(pad) in codes:
            code = match.group(1).zfill(pad)
            if by_label.get(match.group(2)) == code:
                return code
        raise Invalid(f"“{text}”不在代码表中,应为:{allowed}")

    return check


def _cause_list(value: Any) -> list[str]:
    text = _text(value)
    if not text:
        return []
    check = _CAUSE
    result = []
    for part in re.split(r"[、,,;;\s]+", text):
        if part:
            code = check(part)
            if code not in result:
                result.append(code)
    return sorted(result)


# Built once: building a checker reads the code list's choices, slow enough to matter
# when a roster of 75,000 rows checks each row's other causes.
_CAUSE = _choice(Cause, pad=2)


def _integer(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        text = _required(value)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Invalid(f"“{text}”不是整数") from None
        if number != number.to_integral_value():
            raise Invalid(f"“{text}”不是整数")
        if not low <= number <= high:
            raise Invalid(f"应在{low}到{high}之间,收到{text}")
        return int(number)

    return check


def _optional_year(value: Any) -> int | None:
    if not _text(value):
        return None
    return _integer(FIRST_REGISTRATION_YEAR, 2100)(value)


def _area(value: Any) -> Decimal:
    text = _required(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"“{text}”不是数字") from None
    if not number.is_finite() or number < 0 or number > Decimal("99999.99"):
        raise Invalid(f"应在0到99999.99之间,收到{text}")
    if number != number.quantize(Decimal("0.01")):
        raise Invalid(f"最多两位小数,收到{text}")
    return number.quantize(Decimal("0.01"))


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _required(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise Invalid(f"“{text}”应填“是”或“否”")


def _limited(length: int, *, required: bool) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        text = _required(value) if required else _text(value)
        if len(text) > length:
            raise Invalid(f"不能超过{length}个字,现有{len(text)}个字")
        return text

    return check


def _code(value: Any) -> str:
    text = _required(value)
    if not CODE_RE.match(text):
        raise Invalid(f"“{text}”应为1到20位数字或字母")
    return text


def _village_code(value: Any) -> str:
    text = _required(value)
    if not re.fullmatch(r"\d{12}", text):
        raise Invalid(f"“{text}”应为12位统计用区划代码")
    return text


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    check: Callable[[Any], Any]
    example: Any
    note: str = ""


# The roster's columns, in the template's order; the edit page uses the same checks.
COLUMNS: tuple[Column, ...] = (
    Column("code", "户编号", _code, "6101241002010001", "1–20位数字或字母,全市唯一"),
    Column("village_code", "村区划代码", _village_code, "610124100201", "12位统计用区划代码"),
    Column("head_name", "户主姓名", _limited(30, required=True), "王建国"),
    Column("attribute", "贫困户属性", _choice(Attribute), "一般户", "一般户/低保户/五保户"),
    Column("main_cause", "主要致贫原因", _choice(Cause, pad=2), "01", "代码01–11或名称"),
    Column("other_causes", "其他致贫原因", _cause_list, "07、09", "可多项,用顿号分隔,可空"),
    Column("status", "脱贫状态", _choice(Status), "未脱贫", "未脱贫/已脱贫/返贫"),
    Column("exit_year", "脱贫年份", _optional_year, "", "已脱贫、返贫户必填"),
    Column("members", "家庭人口", _integer(1, 30), 4, "1–30"),
    Column("income_per_head", "人均纯收入(元)", _integer(0, 1_000_000), 5600),
    Column("farmland_mu", "耕地面积(亩)", _area, 3.5),
    Column("housing_safe", "住房安全有保障", _yes_no, "是", "是/否"),
    Column("schooling_ok", "义务教育无辍学", _yes_no, "是", "是/否"),
    Column("medical_insured", "基本医疗保险参保", _yes_no, "是", "是/否"),
    Column("water_safe", "饮水安全有保障", _yes_no, "是", "是/否"),
    Column("causes_analysis", "致贫原因分析", _limited(2000, required=False), "户主患慢性病"),
    Column("help_plan", "帮扶计划和措施", _limited(2000, required=False), "落实大病救助"),
)
BY_KEY = {column.key: column for column in COLUMNS}
# What the edit page may change: the code and the village are the record's identity.
EDITABLE = tuple(c.key for c in COLUMNS if c.key not in ("code", "village_code"))


def clean_values(raw: Mapping[str, Any], keys) -> tuple[dict[str, Any], dict[str, str]]:
    """(clean values, errors by key) for the given keys, including the rules across fields."""
    clean, errors = {}, {}
    for key in keys:
        try:
            clean[key] = BY_KEY[key].check(raw.get(key))
        except Invalid as exc:
            errors[key] = str(exc)
    if "status" in clean and "exit_year" in keys and "exit_year" not in errors:
        year = clean.get("exit_year")
        if clean["status"] == Status.POOR and year is not None:
            errors["exit_year"] = "未脱贫户不应填写脱贫年份"
        elif clean["status"] != Status.POOR and year is None:
            errors["exit_year"] = f"{Status(clean['status']).label}户必须填写脱贫年份"
    if "other_causes" in clean and clean.get("main_cause") in clean["other_causes"]:
        errors["other_causes"] = "其他致贫原因不应重复主要致贫原因"
    return clean, errors
