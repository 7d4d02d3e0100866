"""Allowances of a stationed cadre for a month (第二十七条), from the cadre-day calendar.

- Living subsidy (生活补助, 按实际驻村天数): rate × the month's stationed days, i.e. days
  the calendar marks stationed (check-in) or official business (travel, meeting,
  training; 第十六条 counts them as stationed). Leave, rest and absence days earn nothing.
- Transport subsidy (交通补助, 按每周一次): rate × the ISO weeks (Monday–Sunday) with at
  least one stationed day. A week that straddles two months is paid once, in the
  month holding its Thursday (the ISO rule that also places a week in its year),
  and counts its stationed days on both sides of the month boundary.
- Communication subsidy (通信补贴): the monthly rate for a month with at least one
  stationed day.

Money is integer fen. The rates are the dispatching unit's (市财发〔2016〕57号).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from zhucun.policy.calendar import STATIONED_STATUSES
from zhucun.policy.periods import month_end

ARTICLE = "第二十七条"


@dataclass(frozen=True)
class Rates:
    living_fen_per_day: int
    transport_fen_per_week: int
    communication_fen_per_month: int


@dataclass(frozen=True)
class MonthAllowance:
    stationed_days: int
    weeks: int
    months: int
    living_fen: int
    transport_fen: int
    communication_fen: int
    stationed_dates: tuple[date, ...]

    @property
    def total_fen(self) -> int:
        return self.living_fen + self.transport_fen + self.communication_fen


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, month_end(first)


def weeks_window(first: date, last: date) -> tuple[date, date]:
    """Monday of the first and Sunday of the last ISO week whose Thursday lies in [first, last]."""
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    last_thursday = last - timedelta(days=(last.weekday() - 3) % 7)
    return thursday - timedelta(days=3), last_thursday + timedelta(days=3)


def allowance_of(
    statuses: Mapping[date, str], first: date, last: date, rates: Rates
) -> MonthAllowance:
    """The month [first, last] from day statuses covering it and its weeks_window."""
    stationed = {d for d, s in statuses.items() if s in STATIONED_STATUSES}
    in_month = sorted(d for d in stationed if first <= d <= last)
    monday, sunday = weeks_window(first, last)
    weeks = 0
    day = monday
    while day <= sunday:
        if any(day + timedelta(days=i) in stationed for i in range(7)):
            weeks += 1
        day += timedelta(days=7)
    months = 1 if in_month else 0
    return MonthAllowance(
        stationed_days=len(in_month),
        weeks=weeks,
        months=months,
        living_fen=len(in_month) * rates.living_fen_per_day,
        transport_fen=weeks * rates.transport_fen_per_week,
        communication_fen=months * rates.communication_fen_per_month,
        stationed_dates=tuple(in_month),
    )
