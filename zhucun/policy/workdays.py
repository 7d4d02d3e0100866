"""Which days are working days, for callers without a holiday table at hand (the CLI, tests).

The application computes working days from the `holidays` package and the
city's corrections (DESIGN.md §5) and passes its own `is_workday`; the
engine only ever calls `is_workday(day) -> bool`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date


class WorkCalendar:
    """Monday to Friday, minus statutory holidays, plus adjusted working days (调休)."""

    def __init__(self, holidays: Iterable[date] = (), adjusted_workdays: Iterable[date] = ()):
        self.holidays = frozenset(holidays)
        self.adjusted_workdays = frozenset(adjusted_workdays)

    def is_workday(self, day: date) -> bool:
        if day in self.adjusted_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5
