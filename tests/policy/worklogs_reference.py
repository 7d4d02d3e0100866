"""The former day-by-day log rules (before the fast paths of zhucun/policy/worklogs.py), kept as
the reference the property tests compare the policy's functions with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from zhucun.policy.findings import WARNING, Check
from zhucun.policy.periods import iso, month_label
from zhucun.policy.worklogs import LATE, MISSING, NOT_DUE, ON_TIME


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
    result = {}
    for day in sorted(due_days):
        deadline = day + allowance
        saved = first_saved.get(day)
        if isinstance(saved, datetime):
            saved = saved.date()
        if saved is not None:
            result[day] = ON_TIME if saved <= deadline else LATE
        else:
            result[day] = MISSING if today > deadline else NOT_DUE
    return result


def monthly_log_checks(statuses: Mapping[date, str], *, subject: str) -> list[Check]:
    """One check per month with due logs: late or missing logs are a warning listing the days."""
    months: dict[tuple[int, int], dict[str, list[date]]] = {}
    for day, status in statuses.items():
        key = (day.year, day.month)
        if key not in months:
            months[key] = {ON_TIME: [], LATE: [], MISSING: [], NOT_DUE: []}
        months[key][status].append(day)
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
