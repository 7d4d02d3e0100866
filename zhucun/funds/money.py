"""Money as integer fen (分): parsing what people type and showing it back. No floats."""

import re

_YUAN = re.compile(r"^(\d{1,9})(?:\.(\d{1,2}))?$")


def yuan_to_fen(text: str) -> int:
    """ "1234.5" → 123450. Refuses negatives, more than two decimals and anything not a number."""
    cleaned = (text or "").strip().replace(",", "").replace(",", "")
    match = _YUAN.match(cleaned)
    if match is None:
        raise ValueError("金额须为不超过两位小数的正数(单位:元),例如 1280.50。")
    whole, cents = match.groups()
    return int(whole) * 100 + int((cents or "0").ljust(2, "0"))


def fen_to_yuan(fen: int) -> str:
    """123450 → "1,234.50"; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{cents:02d}"
