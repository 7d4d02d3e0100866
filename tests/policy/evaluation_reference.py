"""The former evaluate_cadre_year (before it read the logs from the day codes), kept as the
reference the property tests compare the policy's function with. It runs the reference
calendar (calendar_reference.py) and the reference log rules (worklogs_reference.py)."""

from __future__ import annotations

from datetime import date

from tests.policy import calendar_reference, worklogs_reference
from zhucun.policy.calendar import IsWorkday
from zhucun.policy.evaluation import CadreYearFacts, CadreYearReport
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import year_bounds
from zhucun.policy.training import training_check
from zhucun.policy.worklogs import (
    LATE,
    LOG_DUE_STATUSES,
    MISSING,
    refused_rectification_check,
)


def evaluate_cadre_year(
    facts: CadreYearFacts, *, year: int, today: date, is_workday: IsWorkday, book: ParameterBook
) -> CadreYearReport:
    attendance = calendar_reference.attendance_checks(
        facts.attendance,
        subject=facts.subject,
        year=year,
        today=today,
        is_workday=is_workday,
        book=book,
    )
    checks = list(attendance.checks)
    first, last = year_bounds(year)
    logs: dict[date, str] = {}
    if facts.logs is not None:
        deadline = book.on(last).log_deadline_days_after
        due = {
            day
            for day, status in attendance.statuses.items()
            if status in LOG_DUE_STATUSES and first <= day <= last
        }
        logs = worklogs_reference.log_statuses(due, facts.logs, today=today, deadline_days=deadline)
        checks.extend(worklogs_reference.monthly_log_checks(logs, subject=facts.subject))
    late_or_missing = sum(1 for status in logs.values() if status in (LATE, MISSING))
    checks.append(
        refused_rectification_check(
            facts.notices,
            subject=facts.subject,
            year=year,
            today=today,
            book=book,
            late_or_missing=late_or_missing if facts.logs is not None else None,
        )
    )
    if facts.trainings is not None:
        checks.append(
            training_check(
                facts.trainings, subject=facts.subject, year=year, today=today, book=book
            )
        )
    return CadreYearReport(facts.subject, year, attendance.statuses, checks, logs)
