"""Household cadres' contacts (第二十条): ≥1 inquiry per ISO week, ≥2 home visits a month.

A home visit (入户) is also a contact. Only weeks (Monday–Sunday) and months
lying wholly inside a pairing period and already over by `today` are judged.
A whole county is evaluated from one flat stream of (household, date, kind)
rows — one query's result — in a single pass: rows are bucketed by ISO week
and month number, then each pairing walks its weeks and months. For a whole
city, contact_checks_summarised gives the same failed checks from one
ContactSummary per household (bit sets of contacted weeks and visited days)
that the database computes, so no contact row has to reach Python.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from zhucun.policy.errors import PolicyError
from zhucun.policy.findings import VIOLATION, Check
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import (
    ONE_DAY,
    iso,
    iso_week_label,
    month_end,
    month_label,
    month_name,
    range_label,
)
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


def window_start(since: date) -> date:
    """The first day whose contacts count for the weeks and months ending on or after `since`:
    the week ending on `since` began six days before it, its month on the 1st."""
    return min(since.replace(day=1), since - timedelta(days=6))


def week_number(day: date) -> int:
    """Consecutive ISO week numbers: (day ordinal - 1) // 7 (the database computes the same)."""
    return _week(day)


@dataclass
class _HouseholdContacts:
    contacts_per_week: dict[int, int]
    visits_per_month: dict[int, list[date]]


def index_contacts(
    rows: Iterable[tuple[Hashable, date, str]],
    *,
    since: date | None = None,
    until: date | None = None,
) -> dict[Hashable, _HouseholdContacts]:
    """One pass over the rows; rows outside [since, until] are dropped.

    Any order works; rows grouped by household (ORDER BY household, date) save a
    dict lookup per row. This loop runs millions of times a year: keep it lean.
    """
    low = since.toordinal() if since is not None else 0
    high = until.toordinal() if until is not None else date.max.toordinal()
    index: dict[Hashable, _HouseholdContacts] = {}
    current: object = object()
    weeks: dict[int, int] = {}
    visits: dict[int, list[date]] = {}
    for household, day, kind in rows:
        ordinal = day.toordinal()
        if ordinal < low or ordinal > high:
            continue
        if household != current:
            entry = index.get(household)
            if entry is None:
                entry = index[household] = _HouseholdContacts({}, {})
            weeks, visits, current = entry.contacts_per_week, entry.visits_per_month, household
        week = (ordinal - 1) // 7  # as _week(day)
        weeks[week] = weeks.get(week, 0) + 1
        if kind == VISIT:
            month = day.year * 12 + day.month - 1
            if month in visits:
                visits[month].append(day)
            else:
                visits[month] = [day]
        elif kind != INQUIRY:
            raise PolicyError(
                f"户 {household} 在 {day.isoformat()} 的联系方式应为 inquiry(询问)"
                f"或 visit(入户),收到 {kind!r}"
            )
    return index


class _Minimums:
    """The weekly and monthly minimums by week and month number, resolved once each."""

    def __init__(self, book: ParameterBook):
        self.book = book
        self.weekly: dict[int, int] = {}
        self.monthly: dict[int, int] = {}
        # When no version or override asks for more than one contact a week, only weeks
        # without any contact can fail.
        self.weekly_max = max(value for _, value in book.history("weekly_inquiries_min"))
        self.monthly_max = max(value for _, value in book.history("monthly_visits_min"))

    def week(self, week: int) -> int:
        if week not in self.weekly:
            self.weekly[week] = self.book.on(_week_bounds(week)[1]).weekly_inquiries_min
        return self.weekly[week]

    def month(self, month: int) -> int:
        if month not in self.monthly:
            self.monthly[month] = self.book.on(month_end(_month_first(month))).monthly_visits_min
        return self.monthly[month]


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
    """Weekly inquiry and monthly visit checks of every pairing, for the weeks and months ending
    in [since, until]. Only failed checks unless `include_passed` (a city has millions of weeks).
    Each week and month is judged with the parameters in force on its last day."""
    # The weeks and months ending on or after `since` begin up to a month earlier.
    earliest = None if since is None else window_start(since)
    index = index_contacts(rows, since=earliest, until=until)
    minimums = _Minimums(book)
    empty = _HouseholdContacts({}, {})
    checks: list[Check] = []
    for pairing in pairings:
        checks += _pairing_checks(
            pairing,
            index.get(pairing.household, empty),
            minimums,
            today,
            since,
            until,
            include_passed,
        )
    return checks


def _judged(
    pairing: Pairing, today: date, since: date | None, until: date | None
) -> tuple[int, int, int, int]:
    """The first and last week and month numbers judged for the pairing: wholly paired,
    over by `today` (their last day is before it), ending in [since, until]."""
    last_day = min(pairing.end or today, today - ONE_DAY)
    if until is not None:
        last_day = min(last_day, until)
    first_day = pairing.start if since is None else max(pairing.start, since - timedelta(6))
    first_week = -(-(first_day.toordinal() - 1) // 7)
    last_week = (last_day.toordinal() - 7) // 7
    first_month = _month(pairing.start) + (pairing.start.day != 1)
    if since is not None:
        first_month = max(first_month, _month(since))
    last_month = _month(last_day) - (last_day != month_end(last_day))
    return first_week, last_week, first_month, last_month


def _pairing_checks(
    pairing: Pairing,
    contacts: _HouseholdContacts,
    minimums: _Minimums,
    today: date,
    since: date | None,
    until: date | None,
    include_passed: bool,
) -> list[Check]:
    checks: list[Check] = []
    first_week, last_week, first_month, last_month = _judged(pairing, today, since, until)
    for week in _weeks_to_report(contacts, first_week, last_week, minimums, include_passed):
        count = contacts.contacts_per_week.get(week, 0)
        checks.append(_week_check(pairing, week, count, minimums.week(week)))
    for month in range(first_month, last_month + 1):
        visits = contacts.visits_per_month.get(month, ())
        if include_passed or not at_least(len(visits), minimums.month(month)):
            checks.append(_month_check(pairing, month, visits, minimums.month(month)))
    return checks


def contact_checks_grouped(
    pairings: Iterable[tuple[Pairing, ParameterBook]],
    rows: Iterable[tuple[Hashable, int, str]],
    *,
    today: date,
    since: date | None = None,
    until: date | None = None,
    include_passed: bool = False,
) -> list[Check]:
    """As contact_checks, for many counties at once and in one pass over presorted rows.

    Each pairing comes with the parameter book of its county (第三十八条). The rows are
    (household, day ordinal — date.toordinal() —, kind), each household's rows
    consecutive (ORDER BY household): a household is judged as soon as its rows end and
    only that household's contacts are held in memory. The checks come in the order of
    the pairings, exactly as contact_checks would list them.
    """
    earliest = None if since is None else window_start(since)
    low = earliest.toordinal() if earliest is not None else 0
    high = until.toordinal() if until is not None else date.max.toordinal()
    minimums_of: dict[int, _Minimums] = {}
    waiting: dict[Hashable, list[tuple[int, Pairing, _Minimums]]] = {}
    found: list[list[Check] | None] = []
    for position, (pairing, book) in enumerate(pairings):
        minimums = minimums_of.get(id(book))
        if minimums is None:
            minimums = minimums_of[id(book)] = _Minimums(book)
        waiting.setdefault(pairing.household, []).append((position, pairing, minimums))
        found.append(None)
    judged: set[Hashable] = set()

    def judge(household: Hashable, contacts: _HouseholdContacts) -> None:
        for position, pairing, minimums in waiting[household]:
            found[position] = _pairing_checks(
                pairing, contacts, minimums, today, since, until, include_passed
            )
        judged.add(household)

    current: object = object()
    weeks: dict[int, int] = {}
    visits: dict[int, list[date]] = {}
    for household, ordinal, kind in rows:
        if ordinal < low or ordinal > high:
            continue
        if household != current:
            if current in waiting and current not in judged:
                judge(current, _HouseholdContacts(weeks, visits))
            elif current in judged:
                raise PolicyError(f"户 {current} 的联系记录未按户排列")
            weeks, visits, current = {}, {}, household
        week = (ordinal - 1) // 7  # as _week(day)
        weeks[week] = weeks.get(week, 0) + 1
        if kind == VISIT:
            day = date.fromordinal(ordinal)
            month = day.year * 12 + day.month - 1
            if month in visits:
                visits[month].append(day)
            else:
                visits[month] = [day]
        elif kind != INQUIRY:
            raise PolicyError(
                f"户 {household} 在 {date.fromordinal(ordinal).isoformat()} 的联系方式应为"
                f" inquiry(询问)或 visit(入户),收到 {kind!r}"
            )
    if current in waiting and current not in judged:
        judge(current, _HouseholdContacts(weeks, visits))
    elif current in judged:
        raise PolicyError(f"户 {current} 的联系记录未按户排列")
    empty = _HouseholdContacts({}, {})
    for household in waiting.keys() - judged:
        judge(household, empty)
    return [check for checks in found for check in checks]


@dataclass
class ContactSummary:
    """One household's contacts from window_start(since) to until, as the database counts them.

    Enough to find every failed check of contact_checks and to give its evidence without
    reading the contacts: the weeks with any contact and the days with any visit as bit
    sets (numbered from the window's first week and first day), the days with more than
    one visit, and the exact count of the weeks with some contacts but fewer than any
    county ever requires (weekly_ceiling()).
    """

    weeks: int = 0  # bit i: a contact in week number week_number(window start) + i
    visit_days: int = 0  # bit i: a visit on the window's first day + i days
    repeat_visits: dict[date, int] = field(default_factory=dict)  # day -> visits, if over 1
    few_contacts: dict[int, int] = field(default_factory=dict)  # week number -> contacts
    unknown_kind: tuple[date, str] | None = None  # a contact of another kind: refused


def weekly_ceiling(books: Iterable[ParameterBook]) -> int:
    """The largest weekly contact minimum any of the books ever sets (at least 1): a week
    with that many contacts passes whatever its date and county, so a ContactSummary
    needs the exact count of the weeks below it only."""
    return max([1, *(_Minimums(book).weekly_max for book in books)])


def summarise(
    rows: Iterable[tuple[Hashable, date, str]], *, since: date, until: date, weekly_ceiling: int
) -> dict[Hashable, ContactSummary]:
    """The summaries of contact_checks_summarised computed from the rows themselves: what
    the database's aggregate queries return (zhucun.households.compliance), as a reference."""
    first, last = window_start(since), until
    base_week = _week(first)
    contacts: dict[Hashable, dict[int, int]] = {}
    visits: dict[Hashable, dict[date, int]] = {}
    summaries: dict[Hashable, ContactSummary] = {}
    for household, day, kind in rows:
        if not first <= day <= last:
            continue
        summary = summaries.setdefault(household, ContactSummary())
        if kind not in KINDS:
            if summary.unknown_kind is None or (day, kind) < summary.unknown_kind:
                summary.unknown_kind = (day, kind)
            continue
        weeks = contacts.setdefault(household, {})
        weeks[_week(day)] = weeks.get(_week(day), 0) + 1
        if kind == VISIT:
            days = visits.setdefault(household, {})
            days[day] = days.get(day, 0) + 1
    for household, summary in summaries.items():
        for week, count in contacts.get(household, {}).items():
            summary.weeks |= 1 << (week - base_week)
            if count < weekly_ceiling:
                summary.few_contacts[week] = count
        for day, count in visits.get(household, {}).items():
            summary.visit_days |= 1 << (day - first).days
            if count > 1:
                summary.repeat_visits[day] = count
    return summaries


def contact_checks_summarised(
    pairings: Iterable[tuple[Pairing, ParameterBook]],
    summaries: Mapping[Hashable, ContactSummary],
    *,
    today: date,
    since: date,
    until: date,
) -> list[Check]:
    """The failed checks of contact_checks_grouped, in the same order, from one summary per
    household instead of its contacts (a household without one has no contact): the
    Checks of contact_failures_summarised()."""
    return [
        failure.check()
        for failure in contact_failures_summarised(
            pairings, summaries, today=today, since=since, until=until
        )
    ]


class ContactFailure:
    """A failed week or month of contact_failures_summarised, before it becomes a Check.

    A city's year fails some 160,000 weeks and months; a caller that only counts them
    (by cadre, by household) need not pay for a Check each: check() builds it.
    """

    __slots__ = ("pairing", "rule", "number", "count", "required", "visits")

    def __init__(self, pairing, rule, number, count, required, visits):
        self.pairing = pairing
        self.rule = rule  # "weekly_inquiry" or "monthly_visits"
        self.number = number  # the week_number() or the month number (year * 12 + month - 1)
        self.count = count  # contacts of the week, or visits of the month
        self.required = required
        self.visits = visits  # the month's visit days (None for a week)

    def check(self) -> Check:
        if self.visits is None:
            return _week_check(self.pairing, self.number, self.count, self.required)
        return _month_check(self.pairing, self.number, self.visits, self.required)


WEEKLY, MONTHLY = "weekly_inquiry", "monthly_visits"


class PairingFailures:
    """The failed weeks and months of one pairing (contact_failures_by_pairing), before each
    becomes a ContactFailure.

    Most of a city's pairings fail something (some 12,000 of 15,000 in a year, 2.8 failures
    each); a caller that only counts them (by cadre, by household) reads `weeks_failed` and
    `months_failed` and needs no object per failure: failures() makes them, in order.
    """

    __slots__ = (
        "pairing",
        "weeks_failed",
        "months_failed",
        "_minimums",
        "_first_week",
        "_missing",
        "_weekly",
        "_months",
        "_repeats",
        "_window_days",
    )

    def __init__(self, pairing, minimums, first_week, missing, weekly, months, repeats, days):
        self.pairing = pairing
        self._minimums = minimums
        self._first_week = first_week
        self._missing = missing  # bit i: week first_week + i had no contact
        self._weekly = weekly  # or the failed (week, contacts), when counts were compared
        self._months = months  # (month number, its visit days as bits of the window's days)
        self._repeats = repeats  # the summary's repeat_visits
        self._window_days = days  # the window's days by their bit
        self.weeks_failed = missing.bit_count() if weekly is None else len(weekly)
        self.months_failed = len(months)

    def __len__(self) -> int:
        return self.weeks_failed + self.months_failed

    def failures(self) -> list[ContactFailure]:
        pairing, minimums, found = self.pairing, self._minimums, []
        if self._weekly is None:
            first_week, missing, weekly = self._first_week, self._missing, minimums.weekly
            while missing:
                low = missing & -missing
                week = first_week + low.bit_length() - 1
                required = weekly[week] if week in weekly else minimums.week(week)
                found.append(ContactFailure(pairing, WEEKLY, week, 0, required, None))
                missing ^= low
        else:
            for week, count in self._weekly:
                found.append(
                    ContactFailure(pairing, WEEKLY, week, count, minimums.week(week), None)
                )
        window_days, repeats = self._window_days, self._repeats
        for month, days in self._months:
            visits = []
            while days:
                low = days & -days
                visits.append(window_days[low.bit_length() - 1])
                days ^= low
            if repeats:
                visits = [v for day in visits for v in [day] * repeats.get(day, 1)]
            found.append(
                ContactFailure(pairing, MONTHLY, month, len(visits), minimums.month(month), visits)
            )
        return found


def contact_failures_summarised(
    pairings: Iterable[tuple[Pairing, ParameterBook]],
    summaries: Mapping[Hashable, ContactSummary],
    *,
    today: date,
    since: date,
    until: date,
) -> list[ContactFailure]:
    """The failed checks of contact_checks_grouped, in the same order, as ContactFailures:
    the failures() of contact_failures_by_pairing(), one pairing after the other."""
    return [
        failure
        for failed in contact_failures_by_pairing(
            pairings, summaries, today=today, since=since, until=until
        )
        for failure in failed.failures()
    ]


def contact_failures_by_pairing(
    pairings: Iterable[tuple[Pairing, ParameterBook]],
    summaries: Mapping[Hashable, ContactSummary],
    *,
    today: date,
    since: date,
    until: date,
) -> list[PairingFailures]:
    """The failed checks of contact_checks_grouped, grouped by pairing: a PairingFailures for
    each pairing that failed some week or month, in the order of the pairings.

    The summaries must be made with the weekly_ceiling() of the books given: a week missing
    from `weeks` had no contact, a week in `few_contacts` had that many, any other week at
    least the ceiling (it passes). A month's visits are its days in `visit_days`, each once
    or as many times as `repeat_visits` says. Each pairing costs a few bit operations per
    judged month, and more only for what it failed.
    """
    for household, summary in summaries.items():
        if summary.unknown_kind is not None:
            day, kind = summary.unknown_kind
            raise PolicyError(
                f"户 {household} 在 {day.isoformat()} 的联系方式应为"
                f" inquiry(询问)或 visit(入户),收到 {kind!r}"
            )
    first = window_start(since)
    base_week = _week(first)
    # Each month of the window as (month number, the mask of its days in a bit set of days
    # counted from the window's first day).
    base_month = _month(first)
    month_bits = []
    for month in range(base_month, _month(until) + 1):
        start = _month_first(month)
        # The window's first month may begin before it; such a month is never judged.
        shift = max((start - first).days, 0)
        month_bits.append((month, ((1 << month_end(start).day) - 1) << shift))
    minimums_of: dict[int, _Minimums] = {}
    # Most pairings share their start and end (paired before the window, still paired):
    # the weeks and months they are judged on are worked out once per (start, end).
    judged_of: dict[tuple[date, date | None], tuple] = {}
    # The window's days by their bit in `visit_days`: a failed month's visit days are looked
    # up, not computed (some 15,000 failed months in a city's year).
    window_days = [first + timedelta(days=k) for k in range((month_end(until) - first).days + 1)]
    empty = ContactSummary()
    found: list[PairingFailures] = []
    add = found.append
    book_of: object = None  # the pairings come county after county: the last book's minimums
    for pairing, book in pairings:
        if book is not book_of:
            minimums = minimums_of.get(id(book))
            if minimums is None:
                minimums = minimums_of[id(book)] = _Minimums(book)
            book_of = book
        summary = summaries.get(pairing.household, empty)
        span = judged_of.get((pairing.start, pairing.end))
        if span is None:
            first_week, last_week, first_month, last_month = _judged(pairing, today, since, until)
            span = judged_of[(pairing.start, pairing.end)] = (
                first_week,
                first_week - base_week,
                (1 << max(last_week - first_week + 1, 0)) - 1,
                month_bits[max(first_month - base_month, 0) : max(last_month - base_month + 1, 0)],
            )
        first_week, week_shift, week_mask, months = span
        # An empty week_mask (no week judged) leaves nothing missing.
        missing = ~(summary.weeks >> week_shift) & week_mask
        weekly = None
        if week_mask and summary.few_contacts and minimums.weekly_max > 1:
            # Weeks with some contacts may fail too: listed with the weeks without any.
            weekly = []
            while missing:
                low = missing & -missing
                weekly.append((first_week + low.bit_length() - 1, 0))
                missing ^= low
            last_week = first_week + week_mask.bit_length() - 1
            weekly += [
                (week, count)
                for week, count in summary.few_contacts.items()
                if first_week <= week <= last_week and not at_least(count, minimums.week(week))
            ]
            weekly.sort()
        visit_days, enough, failed = summary.visit_days, minimums.monthly_max, None
        for month, mask in months:
            days = visit_days & mask
            count = days.bit_count()
            if count >= enough:
                continue  # passes whatever its minimum, repeated visits only add to it
            if summary.repeat_visits:
                count += sum(
                    n - 1 for day, n in summary.repeat_visits.items() if _month(day) == month
                )
            if at_least(count, minimums.month(month)):
                continue
            if failed is None:
                failed = [(month, days)]
            else:
                failed.append((month, days))
        if missing or weekly or failed:
            add(
                PairingFailures(
                    pairing,
                    minimums,
                    first_week,
                    missing,
                    weekly,
                    failed or (),
                    summary.repeat_visits,
                    window_days,
                )
            )
    return found


def _weeks_to_report(
    contacts: _HouseholdContacts, first: int, last: int, minimums: _Minimums, include_passed: bool
) -> list[int]:
    if first > last:
        return []
    if include_passed:
        return list(range(first, last + 1))
    # Weeks with no contact at all, found by set difference rather than a loop over weeks.
    failing = set(range(first, last + 1)).difference(contacts.contacts_per_week)
    if minimums.weekly_max > 1:
        failing.update(
            week
            for week, count in contacts.contacts_per_week.items()
            if first <= week <= last and not at_least(count, minimums.week(week))
        )
    return sorted(failing)


def _week_check(pairing: Pairing, week: int, count: int, minimum: int) -> Check:
    monday, sunday, label, span = _week_labels(week)
    passed = at_least(count, minimum)
    return Check(
        "weekly_inquiry",
        "第二十条",
        f"household:{pairing.household}",
        label,
        passed,
        {
            "week_start": monday,
            "week_end": sunday,
            "contacts": count,
            "required": minimum,
            "cadre": pairing.cadre,
        },
        f"{label}({span})询问了解结对户{count}次,"
        + ("达到" if passed else "未达到")
        + f"每周至少{minimum}次的要求",
        VIOLATION,
    )


@lru_cache(maxsize=4096)
def _week_labels(week: int) -> tuple[str, str, str, str]:
    """Monday, Sunday, ISO week label and range of a week number: shared by every household."""
    monday, sunday = _week_bounds(week)
    return (
        monday.isoformat(),
        sunday.isoformat(),
        iso_week_label(monday),
        range_label(monday, sunday),
    )


def _month_check(pairing: Pairing, month: int, visits, minimum: int) -> Check:
    passed = at_least(len(visits), minimum)
    label, name = _month_labels(month)
    return Check(
        "monthly_visits",
        "第二十条",
        f"household:{pairing.household}",
        label,
        passed,
        {
            "visits": len(visits),
            "required": minimum,
            "visit_days": iso(visits),
            "cadre": pairing.cadre,
        },
        f"{name}入户帮扶{len(visits)}次,"
        + ("达到" if passed else "未达到")
        + f"每月至少{minimum}次的要求",
        VIOLATION,
    )


@lru_cache(maxsize=1024)
def _month_labels(month: int) -> tuple[str, str]:
    return month_label(_month_first(month)), month_name(_month_first(month))
