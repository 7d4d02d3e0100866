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

from zhucun.policy.calendar import DayStatus
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
    checks = []
    for (year, month), days in months.items():
        label, name = month_label(date(year, month, 1)), f"{year}年{month}月"
        late, missing = days[LATE], days[MISSING]
        evidence = {
            "on_time": len(days[ON_TIME]),
            "late_days": iso(late),
            "missing_days": iso(missing),
            "not_due_days": iso(days[NOT_DUE]),
        }
        counts = f"按时{len(days[ON_TIME])}天,迟报{len(late)}天,缺报{len(missing)}天"
        if late or missing:
            passed, message = False, f"{name}工作日志{counts},应及时准确记录每日扶贫工作情况"
        elif days[NOT_DUE]:
            passed, message = None, f"{name}工作日志{counts},另有{len(days[NOT_DUE])}天尚未到期"
        else:
            passed, message = True, f"{name}工作日志{counts}"
        checks.append(
            Check(
                "work_logs_on_time",
                "第十二条(四)",
                subject,
                label,
                passed,
                evidence,
                message,
                WARNING,
            )
        )
    return checks


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
