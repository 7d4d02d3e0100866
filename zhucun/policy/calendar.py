"""The cadre-day calendar and the attendance rules read from it (第十六条, 第三十五条(三)(四)).

Every day of an assignment gets exactly one status (DESIGN.md §2):
check-in → "stationed"; official business (travel, meeting, training) →
"official"; approved leave → "leave"; otherwise a working day or a duty day
→ "absent" (unjustified) and any other day → "rest". Today without evidence
and every future day are "unknown": they are not facts yet. Stationed days
(第十六条) are "stationed" + "official".
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import partial
from itertools import compress
from typing import Any

from zhucun.policy.findings import VIOLATION, WARNING, Check
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import (
    ONE_DAY,
    inclusive_days,
    iso,
    month_label,
    month_name,
    months_between,
    range_label,
    year_bounds,
)
from zhucun.policy.reading import at_least, over, under

IsWorkday = Callable[[date], bool]

# A spell fires at 16 days; looking a month beyond the year on both sides
# shows a spell crossing New Year with its real start and end.
WINDOW_MARGIN = timedelta(days=31)


class DayStatus(StrEnum):
    STATIONED = "stationed"
    OFFICIAL = "official"
    LEAVE = "leave"
    REST = "rest"
    ABSENT = "absent"
    UNKNOWN = "unknown"


STATIONED_STATUSES = frozenset({DayStatus.STATIONED, DayStatus.OFFICIAL})
# Days with no check-in, official business or leave: the stuff of absence spells.
AWAY_STATUSES = frozenset({DayStatus.REST, DayStatus.ABSENT})


@dataclass(frozen=True)
class Assignment:
    """One stationing period; `end` None while it runs."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class AttendanceFacts:
    """What was recorded for one cadre: sets of dates."""

    assignments: tuple[Assignment, ...]
    check_ins: frozenset[date] = frozenset()
    official: frozenset[date] = frozenset()
    leave: frozenset[date] = frozenset()
    duty: frozenset[date] = frozenset()


def merged_periods(
    assignments: Iterable[Assignment], start: date, end: date
) -> list[tuple[date, date]]:
    """The assignments clipped to [start, end], overlapping or touching ones merged, sorted."""
    clipped = sorted(
        (max(a.start, start), min(a.end or end, end))
        for a in assignments
        if a.start <= end and (a.end is None or a.end >= start)
    )
    merged: list[tuple[date, date]] = []
    for first, last in clipped:
        if first > last:
            continue
        if merged and first <= merged[-1][1] + ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def day_statuses(
    facts: AttendanceFacts, *, start: date, end: date, today: date, is_workday: IsWorkday
) -> dict[date, DayStatus]:
    """One status for every assignment day in [start, end], in date order; no other day."""
    return DayCalendar(start, end, is_workday).statuses(facts, today=today)


# The status of each day of a calendar as one character, so that a cadre's days
# are one string: counting and finding a status, and finding runs of away days,
# are then str.count / str.find / str.translate done in C, not a Python walk
# over dates (1,200 cadres × 427 days for a city's year).
CODES = {
    DayStatus.STATIONED: "S",
    DayStatus.OFFICIAL: "O",
    DayStatus.LEAVE: "L",
    DayStatus.REST: "R",
    DayStatus.ABSENT: "A",
    DayStatus.UNKNOWN: "U",
}
NOT_ASSIGNED = " "
_STATUS_OF_CODE = {code: status for status, code in CODES.items()}
_ASSIGNED_RUN = re.compile(f"[^{NOT_ASSIGNED}]+")
# Rest and absent days → "x", any other → ".": an absence spell is then a run of "x".
_AWAY = str.maketrans(
    {code: "x" if status in AWAY_STATUSES else "." for status, code in CODES.items()}
    | {NOT_ASSIGNED: "."}
)
# For the day codes as bytes: 1 on each day of the status, 0 on any other — the selectors of
# itertools.compress, so that a month's days of a status are listed in C, not found one by one.
_SELECT = {status: bytes(int(b == ord(code)) for b in range(256)) for status, code in CODES.items()}


@dataclass(frozen=True)
class _Today:
    """What a calendar looks like on a given day for a cadre with no record at all."""

    codes: bytes  # absent on a working day before today, rest on another, unknown from today on
    before: frozenset[date]  # the calendar's days before today
    until: frozenset[date]  # ... and today


class DayCalendar:
    """The days of [start, end] and which are working days, worked out once and shared.

    Whether a day is a working day, its date and its ISO form are the same for
    every cadre: a city's year of attendance computes them once here, and each
    cadre's days are then a string of status codes (`codes`) over these days.
    """

    def __init__(self, start: date, end: date, is_workday: IsWorkday):
        self.start, self.end = start, end
        self.first_ordinal = start.toordinal()
        self.dates = [date.fromordinal(n) for n in range(self.first_ordinal, end.toordinal() + 1)]
        self.iso_dates = [day.isoformat() for day in self.dates]
        self._index = {day: k for k, day in enumerate(self.dates)}
        self._iso = dict(zip(self.dates, self.iso_dates, strict=True))
        self._is_workday = is_workday
        self._todays: dict[date, _Today] = {}
        self._months: dict[int, list[tuple[_Month, int, int]]] = {}

    def index(self, day: date) -> int:
        return day.toordinal() - self.first_ordinal

    def _on(self, today: date) -> _Today:
        found = self._todays.get(today)
        if found is None:
            past = min(max(self.index(today), 0), len(self.dates))
            # Only days before today ask is_workday, as a walk over the days would.
            codes = "".join(
                CODES[DayStatus.ABSENT] if self._is_workday(day) else CODES[DayStatus.REST]
                for day in self.dates[:past]
            ) + CODES[DayStatus.UNKNOWN] * (len(self.dates) - past)
            found = _Today(
                codes.encode("ascii"),
                frozenset(self.dates[:past]),
                frozenset(self.dates[: past + 1] if 0 <= self.index(today) else ()),
            )
            self._todays[today] = found
        return found

    def codes(self, facts: AttendanceFacts, *, today: date) -> str:
        """One status code per calendar day (NOT_ASSIGNED outside every assignment).

        The same precedence as the module docstring: check-in, official business,
        leave, then due (working day or duty) → absent, else rest; today without
        evidence and later days unknown.
        """
        periods = merged_periods(facts.assignments, self.start, self.end)
        if not periods:
            return NOT_ASSIGNED * len(self.dates)
        on = self._on(today)
        codes = bytearray(on.codes)
        index = self._index
        # Weakest first, so that a stronger record written later wins the day.
        for days, code, when in (
            (facts.duty, CODES[DayStatus.ABSENT], on.before),
            (facts.leave, CODES[DayStatus.LEAVE], on.until),
            (facts.official, CODES[DayStatus.OFFICIAL], on.until),
            (facts.check_ins, CODES[DayStatus.STATIONED], on.until),
        ):
            value = ord(code)
            for k in map(index.__getitem__, when.intersection(days)):
                codes[k] = value
        blank = NOT_ASSIGNED.encode("ascii")
        done = 0
        for first, last in periods:
            k = self.index(first)
            codes[done:k] = blank * (k - done)
            done = self.index(last) + 1
        codes[done:] = blank * (len(codes) - done)
        return codes.decode("ascii")

    def statuses_of(self, codes: str) -> dict[date, DayStatus]:
        """The codes as day_statuses returns them: assignment days only, in date order."""
        statuses: dict[date, DayStatus] = {}
        for run in _ASSIGNED_RUN.finditer(codes):
            i, j = run.span()
            statuses.update(
                zip(self.dates[i:j], map(_STATUS_OF_CODE.__getitem__, run.group()), strict=True)
            )
        return statuses

    def statuses(self, facts: AttendanceFacts, *, today: date) -> dict[date, DayStatus]:
        return self.statuses_of(self.codes(facts, today=today))

    def listed(self, codes: str, status: DayStatus, i: int, j: int) -> list[date]:
        """The days of `status` among calendar days [i, j), in date order."""
        return list(
            compress(self.dates[i:j], codes[i:j].encode("ascii").translate(_SELECT[status]))
        )

    def iso_listed(self, codes: str, status: DayStatus, i: int, j: int, count: int) -> list[str]:
        """The same days in evidence form (ISO strings); `count` is how many there are."""
        return self._iso_selected(codes.encode("ascii"), status, i, j, count)

    def _iso_selected(self, raw: bytes, status: DayStatus, i: int, j: int, count: int) -> list[str]:
        """iso_listed over the codes as bytes (`raw`)."""
        if count == j - i:  # e.g. a month still to come: every day unknown
            return self.iso_dates[i:j]
        if not count:
            return []
        return list(compress(self.iso_dates[i:j], raw[i:j].translate(_SELECT[status])))

    def iso(self, days: Iterable[date]) -> list[str]:
        """periods.iso (sorted ISO strings) of the calendar's days, looked up, not formatted."""
        return list(map(self._iso.__getitem__, sorted(days)))

    def months(self, year: int) -> list[tuple[_Month, int, int]]:
        """Each month of the year with its days as calendar indices [i, j)."""
        found = self._months.get(year)
        if found is None:
            found = [
                (_Month.of(first, last), self.index(first), self.index(last) + 1)
                for first, last in months_between(*year_bounds(year))
            ]
            self._months[year] = found
        return found

    def spells(self, codes: str) -> list[Spell]:
        """The absence spells holding an unjustified day, as absence_spells finds them."""
        away = codes.translate(_AWAY)
        absent = CODES[DayStatus.ABSENT]
        spells = []
        k = codes.find(absent)
        while k >= 0:
            start = away.rfind(".", 0, k) + 1
            end = away.find(".", k)
            end = len(codes) if end < 0 else end
            unjustified = tuple(self.listed(codes, DayStatus.ABSENT, k, end))
            spells.append(Spell(self.dates[start], self.dates[end - 1], unjustified))
            k = codes.find(absent, end)
        return spells


class DaysOnRead(Mapping):
    """A mapping of days (a cadre's day statuses, log statuses) built by `build()` when first
    read, e.g. `DaysOnRead(partial(calendar.statuses_of, codes))`.

    The engines judge every cadre-year from the day codes, and most callers (the findings,
    the boards, the assessment proposal) never read the statuses: building a dict of ~430
    days per cadre-year was about a tenth of a city's attendance. Equal to the dict it
    builds (and to another DaysOnRead of the same days), iterated in its order, pickled as
    that dict.
    """

    __slots__ = ("_build", "_dict")

    def __init__(self, build: Callable[[], dict]):
        self._build, self._dict = build, None

    def _statuses(self) -> dict:
        found = self._dict
        if found is None:
            found = self._dict = self._build()
            self._build = None
        return found

    def __getitem__(self, day: date):
        return self._statuses()[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._statuses())

    def __len__(self) -> int:
        return len(self._statuses())

    def __contains__(self, day: object) -> bool:
        return day in self._statuses()

    def get(self, day: date, default=None):
        return self._statuses().get(day, default)

    def keys(self):
        return self._statuses().keys()

    def items(self):
        return self._statuses().items()

    def values(self):
        return self._statuses().values()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DaysOnRead):
            return self._statuses() == other._statuses()
        if isinstance(other, Mapping):
            return self._statuses() == (other if isinstance(other, dict) else dict(other.items()))
        return NotImplemented

    __hash__ = None  # mutable-looking, as a dict

    def __repr__(self) -> str:
        return repr(self._statuses())

    def __reduce__(self):
        return (dict, (self._statuses(),))


def attendance_window(year: int) -> tuple[date, date]:
    """The dates whose facts `attendance_checks` needs: the year and a month on each side."""
    first, last = year_bounds(year)
    return first - WINDOW_MARGIN, last + WINDOW_MARGIN


def _walk(statuses: dict[date, DayStatus], first: date, last: date):
    """(day, status) for the calendar's days in [first, last], walking dates, not the dict."""
    day = first
    while day <= last:
        status = statuses.get(day)
        if status is not None:
            yield day, status
        day += ONE_DAY


def status_counts(statuses: dict[date, DayStatus], start: date, end: date) -> dict[str, int]:
    counts = Counter(status for _, status in _walk(statuses, start, end))
    return {status.value: counts.get(status, 0) for status in DayStatus}


def days_by_status(
    statuses: dict[date, DayStatus], first: date, last: date
) -> dict[DayStatus, list[date]]:
    """The calendar's days in [first, last] grouped by status, in one walk."""
    grouped: dict[DayStatus, list[date]] = {status: [] for status in DayStatus}
    for day, status in _walk(statuses, first, last):
        grouped[status].append(day)
    return grouped


# Stationed and rest days are many and unremarkable: counted, not listed.
LISTED = (DayStatus.OFFICIAL, DayStatus.LEAVE, DayStatus.ABSENT, DayStatus.UNKNOWN)


# The statuses in the order of a month's tally (`_month_check`'s `counts`): DayStatus's order.
TALLIED = tuple(DayStatus)


def _evidence_days(counts: tuple[int, ...], listed: tuple[list[str], ...]) -> dict:
    """The month's days in evidence form; `counts` in TALLIED order, `listed` in LISTED order.

    Spelt out key by key (the keys are the statuses' values, in that order) rather than by
    comprehensions over dicts keyed by the enum: a city's year builds some 15,000 of these."""
    stationed, official, leave, rest, absent, unknown = counts
    official_days, leave_days, absent_days, unknown_days = listed
    return {
        "counts": {
            "stationed": stationed,
            "official": official,
            "leave": leave,
            "rest": rest,
            "absent": absent,
            "unknown": unknown,
        },
        "official_days": official_days,
        "leave_days": leave_days,
        "absent_days": absent_days,
        "unknown_days": unknown_days,
    }


def _ceil_share(minimum: int, part: int, whole: int) -> int:
    return -(-minimum * part // whole)


@dataclass(frozen=True)
class _Month:
    first: date
    last: date
    label: str  # "2026-05", the check's period
    name: str  # "2026年5月", as messages name it
    days: int

    @classmethod
    def of(cls, first: date, last: date) -> _Month:
        return cls(first, last, month_label(first), month_name(first), inclusive_days(first, last))


def monthly_stationed_days_checks(
    statuses: dict[date, DayStatus],
    *,
    assignments: Iterable[Assignment],
    subject: str,
    first: date,
    last: date,
    today: date,
    book: ParameterBook,
) -> list[Check]:
    """≥20 stationed days (incl. travel, meetings, training) per calendar month (第十六条).

    Each month touching [first, last] is judged with the parameters in force on
    its last day. A month the assignment only partly covers needs
    ceil(20 × assignment days in month / days in month). A month not yet over
    is not judged, unless it can no longer reach the minimum (warning).
    `statuses` must cover every assignment day of those months.
    """
    assignments = tuple(assignments)
    checks = []
    for month_first, month_last in months_between(first, last):
        periods = merged_periods(assignments, month_first, month_last)
        if not periods:
            continue
        grouped = days_by_status(statuses, month_first, month_last)
        checks.append(
            _month_check(
                subject=subject,
                month=_Month.of(month_first, month_last),
                assigned=sum(inclusive_days(a, b) for a, b in periods),
                counts=tuple(len(grouped[status]) for status in TALLIED),
                listed=tuple(iso(grouped[status]) for status in LISTED),
                today=today,
                book=book,
            )
        )
    return checks


def _month_check(
    *,
    subject: str,
    month: _Month,
    assigned: int,
    counts: tuple[int, ...],
    listed: tuple[list[str], ...],
    today: date,
    book: ParameterBook,
) -> Check:
    """第十六条 for one month, given its tally: the days of each status (TALLIED order) and
    the listed days (LISTED order, ISO strings)."""
    month_last, month_days = month.last, month.days
    base = book.on(month_last).monthly_stationed_days_min
    required = _ceil_share(base, assigned, month_days)
    stationed = counts[0] + counts[1]  # stationed + official
    open_days = counts[5]  # unknown
    label, name = month.label, month.name
    prorated = assigned < month_days
    share = (
        f"本月驻村任务期{assigned}天(全月{month_days}天),按比例要求不少于{required}天"
        if prorated
        else f"要求不少于{required}天"
    )
    evidence: dict[str, Any] = {
        "stationed_days": stationed,
        "required_days": required,
        "monthly_minimum": base,
        "assignment_days": assigned,
        "days_in_month": month_days,
        "prorated": prorated,
        "month_finished": today > month_last,
        "days": _evidence_days(counts, listed),
    }
    severity = VIOLATION
    if today > month_last:
        passed = at_least(stationed, required)
        verdict = "达到要求" if passed else "未达到要求"
        message = f"{name}驻村{stationed}天(含因公出差、开会和培训),{share},{verdict}"
    elif stationed + open_days < required:
        passed, severity = False, WARNING
        message = (
            f"{name}尚未结束:已驻村{stationed}天,剩余{open_days}天全部驻村也达不到"
            f"{required}天,{share}"
        )
    else:
        passed = None
        message = f"{name}尚未结束:已驻村{stationed}天,{share}"
    return Check(
        "monthly_stationed_days", "第十六条", subject, label, passed, evidence, message, severity
    )


def year_stationed_days_check(
    statuses: dict[date, DayStatus],
    *,
    assignments: Iterable[Assignment],
    subject: str,
    year: int,
    today: date,
    book: ParameterBook,
) -> Check:
    """全年驻村工作时间不足200天 → 不称职 (第三十五条(三)), i.e. ≤199 stationed days.

    "全年" is read as a whole calendar year of assignment: only then does the
    check fire as a violation. For a year the assignment covers only in part
    the 200 days are prorated (ceil(200 × assignment days / days in year)) and
    a shortfall is a warning for the assessors, never an automatic 不称职.
    """
    first, last = year_bounds(year)
    periods = merged_periods(assignments, first, last)
    grouped = days_by_status(statuses, first, last)
    stationed_days = grouped[DayStatus.STATIONED] + grouped[DayStatus.OFFICIAL]
    return _year_check(
        subject=subject,
        year=year,
        assigned=sum(inclusive_days(a, b) for a, b in periods),
        stationed=len(stationed_days),
        open_days=len(grouped[DayStatus.UNKNOWN]),
        by_month=_by_month_label(year, Counter(day.month for day in stationed_days)),
        today=today,
        book=book,
    )


def _by_month_label(year: int, by_month: Counter) -> dict[str, int]:
    return {month_label(date(year, month, 1)): by_month.get(month, 0) for month in range(1, 13)}


def _year_check(
    *,
    subject: str,
    year: int,
    assigned: int,
    stationed: int,
    open_days: int,
    by_month: dict[str, int],
    today: date,
    book: ParameterBook,
) -> Check:
    """第三十五条(三) for one year, given its tally (`by_month`: stationed days per month label)."""
    first, last = year_bounds(year)
    year_days = inclusive_days(first, last)
    base = book.on(last).unfit_stationed_days_below
    full_year = assigned == year_days
    required = base if full_year else _ceil_share(base, assigned, year_days)
    evidence = {
        "stationed_days": stationed,
        "threshold_days": base,
        "required_days": required,
        "assignment_days": assigned,
        "full_year": full_year,
        "year_finished": today > last,
        "by_month": by_month,
    }
    severity = VIOLATION if full_year else WARNING
    scope = (
        f"全年驻村{stationed}天"
        if full_year
        else f"本年驻村任务期{assigned}天,驻村{stationed}天(按比例相当于{required}天)"
    )
    if not assigned:
        return Check(
            "year_stationed_days",
            "第三十五条(三)",
            subject,
            str(year),
            None,
            evidence,
            f"{year}年无驻村任务期",
            WARNING,
        )
    if today > last:
        passed = not under(stationed, required)
        if passed:
            message = f"{year}年{scope},不少于{required}天"
        elif full_year:
            message = f"{year}年全年驻村{stationed}天,不足{base}天,年度考核应评定为不称职"
        else:
            message = (
                f"{year}年{scope},少于按比例折算的{required}天;"
                "任务期不满全年,不自动评定为不称职,供考核参考"
            )
    elif stationed + open_days < required:
        passed, severity = False, WARNING
        message = f"{year}年尚未结束:{scope},剩余{open_days}天全部驻村也不足{required}天"
    else:
        passed = None
        message = f"{year}年尚未结束:{scope},要求不少于{required}天"
    return Check(
        "year_stationed_days",
        "第三十五条(三)",
        subject,
        str(year),
        passed,
        evidence,
        message,
        severity,
    )


@dataclass(frozen=True)
class Spell:
    """A maximal run of consecutive days with no check-in, official business or leave."""

    start: date
    end: date
    unjustified: tuple[date, ...]

    @property
    def length(self) -> int:
        return inclusive_days(self.start, self.end)


def absence_spells(statuses: dict[date, DayStatus]) -> list[Spell]:
    """Runs of rest/absent days; unknown, stationed, official or leave days and gaps end one."""
    spells = []
    start = previous = None
    unjustified: list[date] = []
    for day, status in statuses.items():
        if status in AWAY_STATUSES and start is not None and day == previous + ONE_DAY:
            previous = day
        else:
            if start is not None:
                spells.append(Spell(start, previous, tuple(unjustified)))
                start = None
            if status in AWAY_STATUSES:
                start = previous = day
                unjustified = []
        if status is DayStatus.ABSENT:
            unjustified.append(day)
    if start is not None:
        spells.append(Spell(start, previous, tuple(unjustified)))
    return spells


def absence_checks(
    statuses: dict[date, DayStatus], *, subject: str, year: int, today: date, book: ParameterBook
) -> list[Check]:
    """无正当理由离村连续超过15天或一年内累计超过30天 → 不称职 (第三十五条(四)).

    A spell counts every calendar day, rest days included, and fires when it is
    longer than 15 days and holds at least one unjustified day; it belongs to
    the year of its unjustified days, so a spell across New Year may count in
    both. The yearly total counts unjustified days only and fires at 31.
    """
    first, last = year_bounds(year)
    return _absence_checks(
        absence_spells(statuses),
        days_by_status(statuses, first, last)[DayStatus.ABSENT],
        subject=subject,
        year=year,
        today=today,
        book=book,
    )


def _absence_checks(
    spells: Iterable[Spell],
    absent: list[date],
    *,
    subject: str,
    year: int,
    today: date,
    book: ParameterBook,
    iso_days: Callable[[Iterable[date]], list[str]] = iso,
) -> list[Check]:
    """第三十五条(四) for one year, given the spells and the year's unjustified days
    (`iso_days`: their evidence form; DayCalendar.iso for days of a calendar)."""
    first, last = year_bounds(year)
    params = book.on(last)
    spell_limit, total_limit = params.unfit_absence_spell_over, params.unfit_absence_total_over
    window_start = first - WINDOW_MARGIN
    checks = []
    longest = None
    for spell in spells:
        # Whether an unjustified day falls in the year (the days are in date order).
        k = bisect_left(spell.unjustified, first)
        if k == len(spell.unjustified) or spell.unjustified[k] > last:
            continue
        if longest is None or spell.length > longest.length:
            longest = spell
        if not over(spell.length, spell_limit):
            continue
        evidence = {
            "start": spell.start.isoformat(),
            "end": spell.end.isoformat(),
            "length_days": spell.length,
            "limit_days": spell_limit,
            "unjustified_days": iso_days(spell.unjustified),
            "may_start_earlier": spell.start <= window_start,
        }
        checks.append(
            Check(
                "absence_spell",
                "第三十五条(四)",
                subject,
                range_label(spell.start, spell.end),
                False,
                evidence,
                f"{spell.start.isoformat()}至{spell.end.isoformat()}连续{spell.length}天不在村"
                f"(无签到、公务或请假),超过{spell_limit}天,其中无正当理由缺勤{len(spell.unjustified)}天,"
                "年度考核应评定为不称职",
            )
        )
    if not checks:
        evidence = {"limit_days": spell_limit, "longest_spell": None}
        message = f"{year}年无连续超过{spell_limit}天的无正当理由离村"
        if longest is not None:
            evidence["longest_spell"] = {
                "start": longest.start.isoformat(),
                "end": longest.end.isoformat(),
                "length_days": longest.length,
            }
            message += f"(最长连续离村{longest.length}天)"
        checks.append(
            Check(
                "absence_spell",
                "第三十五条(四)",
                subject,
                str(year),
                True if today > last else None,
                evidence,
                message,
            )
        )
    total_evidence = {
        "unjustified_days": iso_days(absent),
        "count": len(absent),
        "limit_days": total_limit,
    }
    if over(len(absent), total_limit):
        checks.append(
            Check(
                "absence_total",
                "第三十五条(四)",
                subject,
                str(year),
                False,
                total_evidence,
                f"{year}年无正当理由离村累计{len(absent)}天,超过{total_limit}天,年度考核应评定为不称职",
            )
        )
    else:
        checks.append(
            Check(
                "absence_total",
                "第三十五条(四)",
                subject,
                str(year),
                True if today > last else None,
                total_evidence,
                f"{year}年无正当理由离村累计{len(absent)}天,未超过{total_limit}天",
            )
        )
    return checks


@dataclass(frozen=True)
class AttendanceResult:
    statuses: Mapping[date, DayStatus]  # a DaysOnRead from attendance_checks
    checks: list[Check]

    def year_counts(self, year: int) -> dict[str, int]:
        return status_counts(self.statuses, *year_bounds(year))

    def month_counts(self, year: int) -> dict[str, dict[str, int]]:
        return {
            month_label(a): status_counts(self.statuses, a, b)
            for a, b in months_between(*year_bounds(year))
        }


def attendance_calendar(year: int, is_workday: IsWorkday) -> DayCalendar:
    """The days of `attendance_window(year)`: build it once for every cadre of a year."""
    return DayCalendar(*attendance_window(year), is_workday)


def window_calendar(year: int, is_workday: IsWorkday, calendar: DayCalendar | None) -> DayCalendar:
    """`calendar` if it is the window of `year` (ValueError if not), else a new one."""
    if calendar is None:
        return attendance_calendar(year, is_workday)
    if (calendar.start, calendar.end) != attendance_window(year):
        raise ValueError(
            f"the calendar {calendar.start}–{calendar.end} is not the window of {year}"
        )
    return calendar


def attendance_checks(
    facts: AttendanceFacts,
    *,
    subject: str,
    year: int,
    today: date,
    is_workday: IsWorkday,
    book: ParameterBook,
    calendar: DayCalendar | None = None,
) -> AttendanceResult:
    """The calendar of one cadre around a year and every attendance rule for that year.

    `facts` should cover `attendance_window(year)` so spells crossing New Year
    are seen whole. Pass `calendar=attendance_calendar(year, is_workday)` when
    judging many cadres: the window's working days are then worked out once.
    The checks are those of monthly_stationed_days_checks,
    year_stationed_days_check and absence_checks over the statuses, tallied from
    the day codes instead of a walk over the dates (`attendance_checks_of_codes`).
    """
    calendar = window_calendar(year, is_workday, calendar)
    codes = calendar.codes(facts, today=today)
    checks = attendance_checks_of_codes(
        calendar, codes, subject=subject, year=year, today=today, book=book
    )
    return AttendanceResult(DaysOnRead(partial(calendar.statuses_of, codes)), checks)


_TALLY_CODES = tuple(CODES[status] for status in TALLIED)
_LISTED_SELECT = tuple((_SELECT[status], k) for k, status in enumerate(TALLIED) if status in LISTED)


def attendance_checks_of_codes(
    calendar: DayCalendar, codes: str, *, subject: str, year: int, today: date, book: ParameterBook
) -> list[Check]:
    """attendance_checks' checks, given the cadre's day codes over `calendar` (the window of
    `year`, see window_calendar): for callers that go on using the codes (evaluate_cadre_year)."""
    first, last = year_bounds(year)
    raw = codes.encode("ascii")
    count = codes.count
    iso_dates = calendar.iso_dates
    checks = []
    by_month: dict[str, int] = {}
    for month, i, j in calendar.months(year):
        assigned = j - i - count(NOT_ASSIGNED, i, j)
        if not assigned:  # no day of the month in an assignment: nothing stationed either
            by_month[month.label] = 0
            continue
        counts = tuple([count(code, i, j) for code in _TALLY_CODES])
        by_month[month.label] = counts[0] + counts[1]
        # The listed days (as DayCalendar.iso_listed): none, all, or picked by the codes.
        listed = tuple(
            [
                []
                if not counts[k]
                else iso_dates[i:j]
                if counts[k] == j - i
                else list(compress(iso_dates[i:j], raw[i:j].translate(select)))
                for select, k in _LISTED_SELECT
            ]
        )
        checks.append(
            _month_check(
                subject=subject,
                month=month,
                assigned=assigned,
                counts=counts,
                listed=listed,
                today=today,
                book=book,
            )
        )
    i, j = calendar.index(first), calendar.index(last) + 1
    checks.append(
        _year_check(
            subject=subject,
            year=year,
            assigned=j - i - count(NOT_ASSIGNED, i, j),
            stationed=sum(by_month.values()),
            open_days=count(CODES[DayStatus.UNKNOWN], i, j),
            by_month=by_month,
            today=today,
            book=book,
        )
    )
    checks.extend(
        _absence_checks(
            calendar.spells(codes),
            calendar.listed(codes, DayStatus.ABSENT, i, j),
            subject=subject,
            year=year,
            today=today,
            book=book,
            iso_days=calendar.iso,
        )
    )
    return checks
