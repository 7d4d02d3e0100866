"""Resident ID numbers (GB 11643-1999) and mobile numbers: validation and masking."""

import re
from datetime import date

from django.core.exceptions import ValidationError

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_PHONE_SHAPE = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def validate_id_number(value: str) -> None:
    value = value.upper()
    if not _ID_SHAPE.match(value):
        raise ValidationError("身份证号码须为18位:前17位数字,最后一位数字或X。", code="id_shape")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError("身份证号码中的出生日期不存在。", code="id_birth_date") from None
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError("身份证号码校验位不正确(GB 11643)。", code="id_checksum")


def validate_phone(value: str) -> None:
    if not _PHONE_SHAPE.match(value):
        raise ValidationError("手机号码须为以1开头的11位数字。", code="phone_shape")


def mask_id_number(value: str) -> str:
    """110***********1234: region's first three digits and the last four."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if not value:
        return ""
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
