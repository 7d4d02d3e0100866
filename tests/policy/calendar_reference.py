"""The cadre-day calendar and attendance checks as main computed them day by day (before 2026-11-29).

Kept as the reference the shared-calendar computation in zhucun.policy.calendar
is compared with (tests/policy/test_policy_calendar_reference.py): the same
statuses, checks, evidence and order. Tests only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from zhucun.policy.calendar import (
    Assignment,
    AttendanceFacts,
    AttendanceResult,
    DayStatus,
    Spell,
)
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


STATIONED_STATUSES = frozenset({DayStatus.STATIONED, DayStatus.OFFICIAL})
# Days with no check-in, official business or leave: the stuff of absence spells.
AWAY_STATUSES = frozenset({DayStatus.REST, DayStatus.ABSENT})


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
    statuses: dict[date, DayStatus] = {}
    for first, last in merged_periods(facts.assignments, start, end):
        day = first
        while day <= last:
            if day > today:
                status = DayStatus.UNKNOWN
            elif day in facts.check_ins:
                status = DayStatus.STATIONED
            elif day in facts.official:
                status = DayStatus.OFFICIAL
            elif day in facts.leave:
                status = DayStatus.LEAVE
            elif day == today:
                status = DayStatus.UNKNOWN  # the day is not over: no evidence is not absence yet
            elif day in facts.duty or is_workday(day):
                status = DayStatus.ABSENT
            else:
                status = DayStatus.REST
            statuses[day] = status
            day += ONE_DAY
    return statuses


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


def _evidence_days(grouped: dict[DayStatus, list[date]]) -> dict[str, Any]:
    # Stationed and rest days are many and unremarkable: counted, not listed.
    return {
        "counts": {status.value: len(days) for status, days in grouped.items()},
        **{
            f"{status.value}_days": iso(grouped[status])
            for status in (DayStatus.OFFICIAL, DayStatus.LEAVE, DayStatus.ABSENT, DayStatus.UNKNOWN)
        },
    }


def _ceil_share(minimum: int, part: int, whole: int) -> int:
    return -(-minimum * part // whole)


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
        assigned = sum(inclusive_days(a, b) for a, b in periods)
        month_days = inclusive_days(month_first, month_last)
        base = book.on(month_last).monthly_stationed_days_min
        required = _ceil_share(base, assigned, month_days)
        grouped = days_by_status(statuses, month_first, month_last)
        stationed = len(grouped[DayStatus.STATIONED]) + len(grouped[DayStatus.OFFICIAL])
        open_days = len(grouped[DayStatus.UNKNOWN])
        label, name = month_label(month_first), month_name(month_first)
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
            "days": _evidence_days(grouped),
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
        checks.append(
            Check(
                "monthly_stationed_days",
                "第十六条",
                subject,
                label,
                passed,
                evidence,
                message,
                severity,
            )
        )
    return checks


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
    assigned = sum(inclusive_days(a, b) for a, b in periods)
    year_days = inclusive_days(first, last)
    base = book.on(last).unfit_stationed_days_below
    full_year = assigned == year_days
    required = base if full_year else _ceil_share(base, assigned, year_days)
    grouped = days_by_status(statuses, first, last)
    stationed_days = grouped[DayStatus.STATIONED] + grouped[DayStatus.OFFICIAL]
    stationed = len(stationed_days)
    open_days = len(grouped[DayStatus.UNKNOWN])
    by_month = Counter(day.month for day in stationed_days)
    evidence = {
        "stationed_days": stationed,
        "threshold_days": base,
        "required_days": required,
        "assignment_days": assigned,
        "full_year": full_year,
        "year_finished": today > last,
        "by_month": {
            month_label(date(year, month, 1)): by_month.get(month, 0) for month in range(1, 13)
        },
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
    params = book.on(last)
    spell_limit, total_limit = params.unfit_absence_spell_over, params.unfit_absence_total_over
    window_start = first - WINDOW_MARGIN
    checks = []
    longest = None
    for spell in absence_spells(statuses):
        in_year = [day for day in spell.unjustified if first <= day <= last]
        if not in_year:
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
            "unjustified_days": iso(spell.unjustified),
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
    absent = days_by_status(statuses, first, last)[DayStatus.ABSENT]
    total_evidence = {
        "unjustified_days": iso(absent),
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


def attendance_checks(
    facts: AttendanceFacts,
    *,
    subject: str,
    year: int,
    today: date,
    is_workday: IsWorkday,
    book: ParameterBook,
) -> AttendanceResult:
    """The calendar of one cadre around a year and every attendance rule for that year.

    `facts` should cover `attendance_window(year)` so spells crossing New Year
    are seen whole.
    """
    window_start, window_end = attendance_window(year)
    statuses = day_statuses(
        facts, start=window_start, end=window_end, today=today, is_workday=is_workday
    )
    first, last = year_bounds(year)
    checks = monthly_stationed_days_checks(
        statuses,
        assignments=facts.assignments,
        subject=subject,
        first=first,
        last=last,
        today=today,
        book=book,
    )
    checks.append(
        year_stationed_days_check(
            statuses,
            assignments=facts.assignments,
            subject=subject,
            year=year,
            today=today,
            book=book,
        )
    )
    checks.extend(absence_checks(statuses, subject=subject, year=year, today=today, book=book))
    return AttendanceResult(statuses, checks)
