"""Household cadres' contacts (第二十条): ≥1 inquiry per ISO week, ≥2 home visits per calendar month.

A home visit (入户) is also a contact. Only weeks (Monday–Sunday) and months
lying wholly inside a pairing period and already over by `today` are judged.
A whole county is evaluated from one flat stream of (household, date, kind)
rows — one query's result — in a single pass: rows are bucketed by ISO week
and month number, then each pairing walks its weeks and months.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from zhucun.policy.errors import PolicyError
from zhucun.policy.findings import VIOLATION, Check
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import ONE_DAY, iso, iso_week_label, month_end, month_label, range_label
from zhucun.policy.reading import at_least

INQUIRY, VISIT = "inquiry", "visit"
KINDS = {INQUIRY: "询问", VISIT: "入户"}


@dataclass(frozen=True)
class Pairing:
    """A household paired with a cadre from `start` to `end` (None while it lasts)."""

    household: Hashable
    start: date
    end: date | None = None
    cadre: Hashable | None = None


def _week(day: date) -> int:
    # date(1, 1, 1) is a Monday, so this numbers ISO weeks (Monday–Sunday) consecutively.
    return (day.toordinal() - 1) // 7


def _week_bounds(week: int) -> tuple[date, date]:
    return date.fromordinal(week * 7 + 1), date.fromordinal(week * 7 + 7)


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_first(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


@dataclass
class _HouseholdContacts:
    per_week: dict[int, int]
    contact_days_per_week: dict[int, list[date]]
    visits_per_month: dict[int, list[date]]


def index_contacts(rows: Iterable[tuple[Hashable, date, str]], *, since: date | None = None,
                   until: date | None = None) -> dict[Hashable, _HouseholdContacts]:
    """One pass over the rows, in any order; rows outside [since, until] are dropped."""
    index: dict[Hashable, _HouseholdContacts] = {}
    for household, day, kind in rows:
        if (since is not None and day < since) or (until is not None and day > until):
            continue
        if kind not in KINDS:
            raise PolicyError(f"户 {household} 在 {day.isoformat()} 的联系方式应为 inquiry(询问)"
                              f"或 visit(入户),收到 {kind!r}")
        entry = index.get(household)
        if entry is None:
            entry = index[household] = _HouseholdContacts(defaultdict(int), defaultdict(list),
                                                          defaultdict(list))
        week = _week(day)
        entry.per_week[week] += 1
        entry.contact_days_per_week[week].append(day)
        if kind == VISIT:
            entry.visits_per_month[_month(day)].append(day)
    return index


def contact_checks(
    pairings: Iterable[Pairing],
    rows: Iterable[tuple[Hashable, date, str]],
    *,
    today: date,
    book: ParameterBook,
    since: date | None = None,
    until: date | None = None,
    include_passed: bool = False,
) -> list[Check]:
    """Weekly inquiry and monthly visit checks of every pairing, for weeks and months ending in
    [since, until]. Only failed checks unless `include_passed` (a city has millions of weeks)."""
    # The weeks and months ending on or after `since` begin up to a month earlier.
    earliest = None if since is None else min(since.replace(day=1), since - timedelta(days=6))
    index = index_contacts(rows, since=earliest, until=until)
    empty = _HouseholdContacts({}, {}, {})
    weekly_min: dict[int, int] = {}
    monthly_min: dict[int, int] = {}
    checks: list[Check] = []
    for pairing in pairings:
        contacts = index.get(pairing.household, empty)
        subject = f"household:{pairing.household}"
        # A week or month is judged once it is over: its last day is before today.
        last_day = min(pairing.end or today, today - ONE_DAY)
        if until is not None:
            last_day = min(last_day, until)
        first_week = -(-(pairing.start.toordinal() - 1) // 7)
        for week in range(first_week, (last_day.toordinal() - 7) // 7 + 1):
            monday, sunday = _week_bounds(week)
            if since is not None and sunday < since:
                continue
            if week not in weekly_min:
                weekly_min[week] = book.on(sunday).weekly_inquiries_min
            count = contacts.per_week.get(week, 0)
            passed = at_least(count, weekly_min[week])
            if passed and not include_passed:
                continue
            label = iso_week_label(monday)
            checks.append(Check(
                "weekly_inquiry", "第二十条", subject, label, passed,
                {"week_start": monday.isoformat(), "week_end": sunday.isoformat(),
                 "contacts": count, "required": weekly_min[week],
                 "contact_days": iso(contacts.contact_days_per_week.get(week, ())),
                 "cadre": pairing.cadre},
                f"{label}({range_label(monday, sunday)})询问了解结对户{count}次,"
                + ("达到" if passed else "少于") + f"每周至少{weekly_min[week]}次的要求",
                VIOLATION))
        first_month = _month(pairing.start) + (pairing.start.day != 1)
        for month in range(first_month, _month(last_day) + 1):
            first = _month_first(month)
            last = month_end(first)
            if last > last_day or (since is not None and last < since):
                continue
            if month not in monthly_min:
                monthly_min[month] = book.on(last).monthly_visits_min
            visits = contacts.visits_per_month.get(month, ())
            passed = at_least(len(visits), monthly_min[month])
            if passed and not include_passed:
                continue
            label = month_label(first)
            checks.append(Check(
                "monthly_visits", "第二十条", subject, label, passed,
                {"visits": len(visits), "required": monthly_min[month],
                 "visit_days": iso(visits), "cadre": pairing.cadre},
                f"{label}入户帮扶{len(visits)}次," + ("达到" if passed else "少于")
                + f"每月至少{monthly_min[month]}次的要求", VIOLATION))
    return checks
