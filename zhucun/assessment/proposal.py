"""The attendance-and-logs score (第三十条 "考勤日志") suggested from the recorded facts.

The 细则 names the content but gives no formula, so the system suggests one
and the assessors confirm or amend it (the suggestion is stored next to the
entered score): half for the share of due days present (stationed or on
official business among stationed + unjustified-absence days), half for the
share of due logs saved on time. The days and logs are counted by the policy
engine from the calendar's facts; only the combination is here.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from zhucun.assessment import sources
from zhucun.policy.calendar import DayStatus, day_statuses
from zhucun.policy.worklogs import LATE, MISSING, ON_TIME, log_due_days, log_statuses
from zhucun.rulebook.book import book_for

HUNDREDTH = Decimal("0.01")


def suggested_score(statuses, logs) -> tuple[Decimal | None, dict]:
    """(score, evidence) from day statuses and log statuses; None when nothing was due."""
    present = sum(1 for s in statuses.values() if s in (DayStatus.STATIONED, DayStatus.OFFICIAL))
    absent = sum(1 for s in statuses.values() if s == DayStatus.ABSENT)
    on_time = sum(1 for s in logs.values() if s == ON_TIME)
    late_or_missing = sum(1 for s in logs.values() if s in (LATE, MISSING))
    evidence = {
        "present_days": present,
        "unjustified_absence_days": absent,
        "logs_on_time": on_time,
        "logs_late_or_missing": late_or_missing,
        "formula": "50×出勤天数/应在岗天数 + 50×按时日志/应记日志",
    }
    if present + absent == 0:
        return None, evidence
    attendance = Fraction(present, present + absent)
    logs_share = Fraction(on_time, on_time + late_or_missing) if on_time + late_or_missing else 1
    score = (attendance + logs_share) * 50
    value = (Decimal(score.numerator) / Decimal(score.denominator)).quantize(
        HUNDREDTH, rounding=ROUND_HALF_UP
    )
    return value, evidence


def attendance_logs_proposal(cadre, first: date, last: date, *, today: date):
    """The suggestion for one cadre over [first, last] (the days up to yesterday)."""
    last = min(last, today - timedelta(days=1))
    if last < first:
        return None, {}
    facts = sources.attendance([cadre.pk], first, last).get(cadre.pk)
    if facts is None or not facts.assignments:
        return None, {}
    is_workday = sources.workdays(first, last)
    statuses = day_statuses(facts, start=first, end=last, today=today, is_workday=is_workday)
    logged = sources.work_logs([cadre.pk], first, last).get(cadre.pk, {})
    county = None
    assignment = (
        cadre.assignments.select_related("team__village__county").order_by("-start").first()
    )
    if assignment is not None:
        county = assignment.team.village.county
    deadline = book_for(county).on(last).log_deadline_days_after
    logs = log_statuses(log_due_days(statuses), logged, today=today, deadline_days=deadline)
    score, evidence = suggested_score(statuses, logs)
    evidence.update(first=first.isoformat(), last=last.isoformat())
    return score, evidence
