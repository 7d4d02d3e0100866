"""The monthly allowance sheet of a unit (第二十七条), computed from the cadre-day calendar.

- Living subsidy (生活补助, 按实际驻村天数): rate × the month's stationed days, i.e. days
  the calendar marks stationed (check-in) or official business (travel, meeting,
  training; 第十六条 counts them as stationed). Leave, rest and absence days earn nothing.
- Transport subsidy (交通补助, 按每周一次): rate × the ISO weeks (Monday–Sunday) with at
  least one stationed day. A week that straddles two months is paid once, in the
  month holding its Thursday (the ISO rule that also places a week in its year),
  and counts its stationed days on both sides of the month boundary.
- Communication subsidy (通信补贴): the monthly rate for a month with at least one
  stationed day.

Only days already past are facts: a month still running is computed up to
yesterday (the calendar marks today without evidence and later days unknown).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from zhucun.allowances.models import AllowanceRate
from zhucun.org.models import Cadre
from zhucun.policy.calendar import STATIONED_STATUSES
from zhucun.stationing.calendar import statuses_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment

ARTICLE = "第二十七条"


@dataclass(frozen=True)
class Rates:
    living_fen_per_day: int
    transport_fen_per_week: int
    communication_fen_per_month: int


@dataclass(frozen=True)
class CadreAllowance:
    cadre: Cadre
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


@dataclass
class Sheet:
    unit: object
    first: date
    last: date
    rates: Rates | None
    rate_row: AllowanceRate | None
    lines: list[CadreAllowance]

    @property
    def total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def weeks_window(first: date, last: date) -> tuple[date, date]:
    """Monday of the first and Sunday of the last ISO week whose Thursday lies in [first, last]."""
    thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    last_thursday = last - timedelta(days=(last.weekday() - 3) % 7)
    return thursday - timedelta(days=3), last_thursday + timedelta(days=3)


def allowance_of(cadre, statuses: dict, first: date, last: date, rates: Rates) -> CadreAllowance:
    """One cadre's month from their calendar (statuses cover the month and weeks_window)."""
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
    return CadreAllowance(
        cadre=cadre,
        stationed_days=len(in_month),
        weeks=weeks,
        months=months,
        living_fen=len(in_month) * rates.living_fen_per_day,
        transport_fen=weeks * rates.transport_fen_per_week,
        communication_fen=months * rates.communication_fen_per_month,
        stationed_dates=tuple(in_month),
    )


def rate_in_force(unit, on: date) -> AllowanceRate | None:
    return (
        AllowanceRate.objects.filter(unit=unit, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )


def monthly_sheet(unit, year: int, month: int, *, today: date, cadres=None) -> Sheet:
    """The unit's sheet for the month: a bounded number of queries, whatever the unit's size.

    `cadres` narrows the rows (the caller's data scope); by default every cadre of
    the unit stationed (not as a town contact or village cadre) during the month.
    """
    first, last = month_bounds(year, month)
    rate = rate_in_force(unit, first)
    monday, sunday = weeks_window(first, last)
    stationed_ids = (
        Assignment.objects.filter(cadre__unit=unit, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .exclude(role__in=NON_COUNTED_ROLES)
        .values("cadre_id")
    )
    rows = Cadre.objects.filter(pk__in=stationed_ids).order_by("name", "pk")
    if cadres is not None:
        rows = rows.filter(pk__in=cadres.values("pk"))
    rows = list(rows)
    if rate is None:
        return Sheet(unit, first, last, None, None, [])
    rates = Rates(
        rate.living_fen_per_day, rate.transport_fen_per_week, rate.communication_fen_per_month
    )
    statuses = statuses_for(
        [c.pk for c in rows], min(first, monday), max(last, sunday), today=today
    )
    lines = [allowance_of(c, statuses.get(c.pk, {}), first, last, rates) for c in rows]
    return Sheet(unit, first, last, rates, rate, lines)
