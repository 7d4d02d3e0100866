"""The monthly allowance sheet of a unit (第二十七条), computed from the cadre-day calendar.

The rule (which days, which weeks, which month) is zhucun.policy.allowances;
this reads the unit's rates and the calendar and applies it to each cadre.
Only days already past are facts: a month still running is computed up to
yesterday (the calendar marks today without evidence and later days unknown).
"""

from dataclasses import dataclass, fields
from datetime import date

from django.db.models import Q

from zhucun.allowances.models import AllowanceRate
from zhucun.org.models import Cadre
from zhucun.policy.allowances import (
    ARTICLE,
    MonthAllowance,
    Rates,
    month_bounds,
    weeks_window,
)
from zhucun.policy.allowances import allowance_of as _allowance_of
from zhucun.stationing.calendar import statuses_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment

__all__ = ["ARTICLE", "CadreAllowance", "Rates", "Sheet", "month_bounds", "weeks_window"]


@dataclass(frozen=True, kw_only=True)
class CadreAllowance(MonthAllowance):
    """The rule's month for one cadre: a line of the sheet."""

    cadre: Cadre


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


def _rates(row: AllowanceRate) -> Rates:
    return Rates(
        row.living_fen_per_day, row.transport_fen_per_week, row.communication_fen_per_month
    )


def allowance_of(cadre, statuses: dict, first: date, last: date, rates: Rates) -> CadreAllowance:
    """One cadre's month from their calendar (statuses cover the month and weeks_window)."""
    month = _allowance_of(statuses, first, last, rates)
    return CadreAllowance(
        cadre=cadre, **{f.name: getattr(month, f.name) for f in fields(MonthAllowance)}
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
    rates = _rates(rate)
    statuses = statuses_for(
        [c.pk for c in rows], min(first, monday), max(last, sunday), today=today
    )
    lines = [allowance_of(c, statuses.get(c.pk, {}), first, last, rates) for c in rows]
    return Sheet(unit, first, last, rates, rate, lines)


@dataclass(frozen=True)
class OwnMonth:
    """A month of the cadre's own year: stationed or not, rates set or not, and the amounts."""

    first: date
    stationed: bool
    rate_row: AllowanceRate | None
    line: CadreAllowance | None


def own_year(cadre, year: int, *, today: date) -> list[OwnMonth]:
    """The cadre's allowance month by month, up to the current month (four queries + calendar).

    The same rule and rates as the unit's monthly sheet, so both always agree.
    """
    months = [month_bounds(year, m) for m in range(1, 13) if date(year, m, 1) <= today]
    if not months:
        return []
    postings = list(
        Assignment.objects.filter(cadre=cadre, start__lte=months[-1][1])
        .filter(Q(end__isnull=True) | Q(end__gte=months[0][0]))
        .exclude(role__in=NON_COUNTED_ROLES)
        .values_list("start", "end")
    )
    rate_rows = list(
        AllowanceRate.objects.filter(
            unit_id=cadre.unit_id, effective_from__lte=months[-1][0]
        ).order_by("-effective_from")
    )
    window = (weeks_window(*months[0])[0], weeks_window(*months[-1])[1])
    statuses = statuses_for(
        [cadre.pk], min(months[0][0], window[0]), max(months[-1][1], window[1]), today=today
    ).get(cadre.pk, {})
    out = []
    for first, last in months:
        stationed = any(s <= last and (e is None or e >= first) for s, e in postings)
        row = next((r for r in rate_rows if r.effective_from <= first), None)
        line = (
            allowance_of(cadre, statuses, first, last, _rates(row))
            if stationed and row is not None
            else None
        )
        out.append(OwnMonth(first, stationed, row, line))
    return out
