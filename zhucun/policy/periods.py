"""Dates and the period labels findings carry ("2026-05", "2026-W18", "2026", ranges)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def parse_date(text: str | date) -> date:
    """An ISO date; a `date` passes through. Raises ValueError with a Chinese message."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"日期格式不正确:{text!r}(应为 YYYY-MM-DD)") from None


def days_between(start: date, end: date) -> Iterator[date]:
    """Every date from start to end, both included."""
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


def inclusive_days(start: date, end: date) -> int:
    return (end - start).days + 1


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    if day.month == 12:
        return date(day.year, 12, 31)
    return date(day.year, day.month + 1, 1) - ONE_DAY


def months_between(start: date, end: date) -> Iterator[tuple[date, date]]:
    """(first day, last day) of every calendar month touching [start, end]."""
    first = month_start(start)
    while first <= end:
        last = month_end(first)
        yield first, last
        first = last + ONE_DAY


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later; a missing day (31st, 29 Feb) falls to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    first = date(year, month0 + 1, 1)
    return first.replace(day=min(day.day, month_end(first).day))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def month_label(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_name(day: date) -> str:
    """The month as messages name it: "2026年5月"."""
    return f"{day.year}年{day.month}月"


def iso_week_label(day: date) -> str:
    """ISO week of the day, e.g. 2026-01-01 → "2026-W01", 2027-01-01 → "2026-W53"."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def range_label(start: date, end: date) -> str:
    return f"{start.isoformat()}/{end.isoformat()}"


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def iso(days) -> list[str]:
    """Sorted ISO strings, the evidence form of a set of dates."""
    return [day.isoformat() for day in sorted(days)]
