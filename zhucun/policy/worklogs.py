"""Work logs on time (第十条(十一), 第十二条(四), 第十六条), refused rectification (第三十五条(五)).

A log is due for every day the cadre worked or was due to work: stationed
and official days, and unjustified absence days (a working or duty day is
due even if nobody turned up); leave and rest days are not. A log is on
time when first saved by the end of the day `log_deadline_days_after` days
later (1: by the end of the following day, a system parameter).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from itertools import compress

from zhucun.policy.calendar import CODES, NOT_ASSIGNED, DayCalendar, DaysOnRead, DayStatus
from zhucun.policy.findings import VIOLATION, WARNING, Check
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import iso, month_label, year_bounds
from zhucun.policy.reading import at_least

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
LOG_DUE_STATUSES = frozenset({DayStatus.STATIONED, DayStatus.OFFICIAL, DayStatus.ABSENT})


def log_due_days(statuses: Mapping[date, DayStatus]) -> set[date]:
    """The calendar's days that need a log: stationed, official and unjustified absence days."""
    return {day for day, status in statuses.items() if status in LOG_DUE_STATUSES}


def log_statuses(
    due_days: Iterable[date],
    first_saved: Mapping[date, date | datetime],
    *,
    today: date,
    deadline_days: int,
) -> dict[date, str]:
    """Each due day → "on_time" | "late" | "missing" | "not_due" (deadline not passed, no log yet).

    `first_saved` maps a log's date to when it was first saved (local date-time
    or date); later edits do not make a late log on time.
    """
    allowance = timedelta(days=deadline_days)
    # A log saved on its own day (given as that date) is on time whenever the deadline is not
    # before the day itself: decided without date arithmetic (most logs of a year).
    same_day = ON_TIME if deadline_days >= 0 else LATE
    result = {}
    for day in sorted(due_days):
        saved = first_saved.get(day)
        if saved is None:
            result[day] = MISSING if today > day + allowance else NOT_DUE
        elif saved == day and type(saved) is date:
            result[day] = same_day
        else:
            if isinstance(saved, datetime):
                saved = saved.date()
            result[day] = ON_TIME if saved <= day + allowance else LATE
    return result


def monthly_log_checks(statuses: Mapping[date, str], *, subject: str) -> list[Check]:
    """One check per month with due logs: late or missing logs are a warning listing the days."""
    months: dict[tuple[int, int], dict[str, list[date]]] = {}
    year = month = None
    days: dict[str, list[date]] = {}
    for day, status in statuses.items():
        # The days usually come in date order: the month's lists are looked up only when the
        # month changes.
        if day.month != month or day.year != year:
            year, month = day.year, day.month
            days = months.get((year, month))
            if days is None:
                days = months[year, month] = {ON_TIME: [], LATE: [], MISSING: [], NOT_DUE: []}
        days[status].append(day)
    return [
        _month_log_check(
            subject=subject,
            label=month_label(date(year, month, 1)),
            name=f"{year}年{month}月",
            on_time=len(days[ON_TIME]),
            late=iso(days[LATE]),
            missing=iso(days[MISSING]),
            not_due=iso(days[NOT_DUE]),
        )
        for (year, month), days in months.items()
    ]


def _month_log_check(
    *,
    subject: str,
    label: str,
    name: str,
    on_time: int,
    late: list[str],
    missing: list[str],
    not_due: list[str],
) -> Check:
    """第十二条(四) for one month, given its on-time count and its other days (ISO, sorted)."""
    evidence = {
        "on_time": on_time,
        "late_days": late,
        "missing_days": missing,
        "not_due_days": not_due,
    }
    counts = f"按时{on_time}天,迟报{len(late)}天,缺报{len(missing)}天"
    if late or missing:
        passed, message = False, f"{name}工作日志{counts},应及时准确记录每日扶贫工作情况"
    elif not_due:
        passed, message = None, f"{name}工作日志{counts},另有{len(not_due)}天尚未到期"
    else:
        passed, message = True, f"{name}工作日志{counts}"
    return Check(
        "work_logs_on_time", "第十二条(四)", subject, label, passed, evidence, message, WARNING
    )


# The same judgement over a cadre's day codes (DayCalendar.codes), for a year of many cadres:
# one character per calendar day — a due day's log status, a blank for a day that is not due —
# so that a month's counts and listed days come from str.count and itertools.compress.
_LOG_CODES = {ON_TIME: "T", LATE: "L", MISSING: "M", NOT_DUE: "N"}
_LOG_STATUS_OF = {ord(code): status for status, code in _LOG_CODES.items()}
_BLANK = ord(" ")


def _due_as(code: str) -> dict[int, str]:
    """A translation of day codes: due days → `code`, every other day → blank."""
    return str.maketrans(
        {c: code if status in LOG_DUE_STATUSES else " " for status, c in CODES.items()}
        | {NOT_ASSIGNED: " "}
    )


_DUE_MISSING, _DUE_NOT_DUE = _due_as(_LOG_CODES[MISSING]), _due_as(_LOG_CODES[NOT_DUE])
# 1 on a due day, 0 on a blank: compress's selectors.
_IS_DUE = bytes(int(b != _BLANK) for b in range(256))
_SELECT = {code: bytes(int(b == ord(code)) for b in range(256)) for code in _LOG_CODES.values()}


def _log_statuses_of(
    dates: list[date], i: int, j: int, year_logs: bytes, due: bytes
) -> dict[date, str]:
    """The due days' log statuses, in date order: the year's log codes over dates[i:j]."""
    statuses = map(_LOG_STATUS_OF.__getitem__, compress(year_logs, due))
    return dict(zip(compress(dates[i:j], due), statuses, strict=True))


class FirstSaved(DaysOnRead):
    """A cadre's logs, {day: when first saved} as year_log_checks takes them, made from the
    ordinals of the days whose log was first saved on the day itself (most of them) and
    the other logs' {day: local date-time}: year_log_checks marks the former from their
    ordinals, and the mapping (a DaysOnRead: equal to its dict, pickled as it) is built only
    if read (the facts export)."""

    __slots__ = ("same_day_ordinals", "later")

    def __init__(self, same_day_ordinals: list[int], later: dict[date, date | datetime]):
        super().__init__(partial(_first_saved, same_day_ordinals, later))
        self.same_day_ordinals, self.later = same_day_ordinals, later


def _first_saved(same_day_ordinals: list[int], later: dict) -> dict:
    days = list(map(date.fromordinal, same_day_ordinals))
    return dict(zip(days, days, strict=True)) | later


def _saved_on_day_as(code: int) -> bytes:
    """A translation of log codes with the on-the-day flag (0x80) set: a due day's code → `code`,
    a blank stays blank; codes without the flag stay as they are."""
    table = bytearray(range(256))
    for b in range(0x80):
        table[b | 0x80] = b if b == _BLANK else code
    return bytes(table)


_SAVED_ON_DAY = {ord(c): _saved_on_day_as(ord(c)) for c in (_LOG_CODES[ON_TIME], _LOG_CODES[LATE])}


@dataclass(frozen=True)
class YearLogs:
    """The year's log statuses of one cadre, as log_statuses and monthly_log_checks give them."""

    statuses: Mapping[date, str]  # a DaysOnRead
    checks: list[Check]
    late_or_missing: int


def year_log_checks(
    calendar: DayCalendar,
    codes: str,
    first_saved: Mapping[date, date | datetime],
    *,
    year: int,
    today: date,
    deadline_days: int,
    subject: str,
) -> YearLogs:
    """log_statuses of the year's due days among the day `codes` over `calendar` (a window
    holding the year, e.g. attendance_calendar) and their monthly_log_checks, tallied from
    one character per day instead of a dict per day."""
    first_ordinal, n = calendar.first_ordinal, len(calendar.dates)
    # No log: missing once the deadline has passed (today > day + deadline), else not due yet.
    cut = min(max(today.toordinal() - deadline_days - first_ordinal, 0), n)
    logs = bytearray(
        (codes[:cut].translate(_DUE_MISSING) + codes[cut:].translate(_DUE_NOT_DUE)), "ascii"
    )
    on_time, late = ord(_LOG_CODES[ON_TIME]), ord(_LOG_CODES[LATE])
    # A log saved on its own day (given as that date): on time whenever the deadline is not
    # before the day itself, decided without date arithmetic (most logs of a year).
    same_day = on_time if deadline_days >= 0 else late
    others = first_saved
    if isinstance(first_saved, FirstSaved):
        # Those given as ordinals: flagged (0x80) in one byte string, which is OR-ed onto the
        # codes as two integers, and translated: a due day's code becomes `same_day`.
        others, flags = first_saved.later, bytearray(n)
        for o in first_saved.same_day_ordinals:
            k = o - first_ordinal
            if 0 <= k < n:
                flags[k] = 0x80
        flagged = int.from_bytes(logs, "big") | int.from_bytes(flags, "big")
        logs = bytearray(flagged.to_bytes(n, "big").translate(_SAVED_ON_DAY[same_day]))
    for day, saved in others.items():
        k = day.toordinal() - first_ordinal
        if not 0 <= k < n or logs[k] == _BLANK:  # not a due day of the calendar
            continue
        if saved == day and type(saved) is date:
            logs[k] = same_day
            continue
        if isinstance(saved, datetime):
            saved = saved.date()
        # On time when first saved by the end of the day `deadline_days` later.
        logs[k] = on_time if saved.toordinal() - day.toordinal() <= deadline_days else late
    first, last = year_bounds(year)
    i, j = first.toordinal() - first_ordinal, last.toordinal() - first_ordinal + 1
    year_logs = bytes(logs[i:j])
    due = year_logs.translate(_IS_DUE)
    # Built only if read (the report's JSON, the facts export): the proposal reads the checks.
    statuses = DaysOnRead(partial(_log_statuses_of, calendar.dates, i, j, year_logs, due))
    iso_dates = calendar.iso_dates
    missing, not_due = ord(_LOG_CODES[MISSING]), ord(_LOG_CODES[NOT_DUE])
    select_late, select_missing, select_not_due = (
        _SELECT[_LOG_CODES[LATE]],
        _SELECT[_LOG_CODES[MISSING]],
        _SELECT[_LOG_CODES[NOT_DUE]],
    )
    checks = []
    for month, a, b in calendar.months(year):
        if logs.count(_BLANK, a, b) == b - a:  # no day due this month
            continue
        # A month's late, missing and not-yet-due days are listed (in evidence form) only
        # when there are any: most months have none.
        days = logs[a:b]
        checks.append(
            _month_log_check(
                subject=subject,
                label=month.label,
                name=month.name,
                on_time=days.count(on_time),
                late=list(compress(iso_dates[a:b], days.translate(select_late)))
                if late in days
                else [],
                missing=list(compress(iso_dates[a:b], days.translate(select_missing)))
                if missing in days
                else [],
                not_due=list(compress(iso_dates[a:b], days.translate(select_not_due)))
                if not_due in days
                else [],
            )
        )
    late_or_missing = year_logs.count(late) + year_logs.count(missing)
    return YearLogs(statuses, checks, late_or_missing)


@dataclass(frozen=True)
class RectificationNotice:
    """A notice to rectify late or inaccurate logs, and whether the cadre refused it."""

    day: date
    refused: bool
    log_days: tuple[date, ...] = ()


def refused_rectification_check(
    notices: Iterable[RectificationNotice],
    *,
    subject: str,
    year: int,
    today: date,
    book: ParameterBook,
    late_or_missing: int | None = None,
) -> Check:
    """未按规定及时准确记录工作日志3次以上并拒绝整改 → 不称职 (第三十五条(五)):
    ≥3 refused notices."""
    first, last = year_bounds(year)
    minimum = book.on(last).unfit_refused_log_notices_min
    in_year = sorted((n for n in notices if first <= n.day <= last), key=lambda n: n.day)
    refused = [n for n in in_year if n.refused]
    evidence = {
        "refused_notice_days": iso(n.day for n in refused),
        "notices": len(in_year),
        "minimum": minimum,
        "logs_concerned": iso({d for n in refused for d in n.log_days}),
    }
    if late_or_missing is not None:
        evidence["late_or_missing_logs"] = late_or_missing
    if at_least(len(refused), minimum):
        return Check(
            "refused_log_rectification",
            "第三十五条(五)",
            subject,
            str(year),
            False,
            evidence,
            f"{year}年未按规定及时准确记录工作日志且拒绝整改{len(refused)}次,"
            f"达到{minimum}次以上,年度考核应评定为不称职",
            VIOLATION,
        )
    return Check(
        "refused_log_rectification",
        "第三十五条(五)",
        subject,
        str(year),
        True if today > last else None,
        evidence,
        f"{year}年收到日志整改通知{len(in_year)}次,拒绝整改{len(refused)}次,未达到{minimum}次",
    )
