"""One cadre's year through every individual rule, and the cohort's assessment.

This is what the CLI runs and what the application calls after fetching one
year's facts for many cadres at once (facts for `attendance_window(year)`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from zhucun.policy.assessment import (
    AssessmentInput,
    AssessmentResult,
    CohortPosition,
    assess_cohort,
)
from zhucun.policy.calendar import (
    AttendanceFacts,
    DayCalendar,
    DaysOnRead,
    DayStatus,
    IsWorkday,
    attendance_checks_of_codes,
    status_counts,
    window_calendar,
)
from zhucun.policy.findings import Check, Finding, findings_of
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import month_label, months_between, year_bounds
from zhucun.policy.training import Training, training_check
from zhucun.policy.worklogs import (
    RectificationNotice,
    refused_rectification_check,
    year_log_checks,
)


@dataclass(frozen=True)
class AssessmentFacts:
    """The recorded part of the assessment: scores and the facts of 第三十五条(一)(二)."""

    annual_score: float | None = None
    annual_contents: Mapping[str, float] | None = None
    ordinary_scores: tuple[float, ...] = ()
    poverty_task_missed: bool = False
    disciplined: bool = False
    disobedience_serious: bool = False
    cohort: CohortPosition | None = None


@dataclass(frozen=True)
class CadreYearFacts:
    """Everything recorded for one cadre; `logs` None: not provided, the log rule is skipped."""

    subject: str
    attendance: AttendanceFacts
    logs: Mapping[date, date | datetime] | None = None
    notices: tuple[RectificationNotice, ...] = ()
    trainings: tuple[Training, ...] | None = None
    assessment: AssessmentFacts | None = None


@dataclass(frozen=True)
class CadreYearReport:
    subject: str
    year: int
    statuses: Mapping[date, DayStatus]  # a DaysOnRead from evaluate_cadre_year
    checks: list[Check]
    log_statuses: Mapping[date, str] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return findings_of(self.checks)

    def to_dict(self) -> dict[str, Any]:
        first, last = year_bounds(self.year)
        log_counts: dict[str, int] = {}
        for status in self.log_statuses.values():
            log_counts[status] = log_counts.get(status, 0) + 1
        return {
            "subject": self.subject,
            "year": self.year,
            "calendar": {
                "year": status_counts(self.statuses, first, last),
                "months": {
                    month_label(a): status_counts(self.statuses, a, b)
                    for a, b in months_between(first, last)
                },
            },
            "logs": log_counts,
            "checks": [check.to_dict() for check in self.checks],
            "findings": [finding.to_dict() for finding in self.findings],
        }


def evaluate_cadre_year(
    facts: CadreYearFacts,
    *,
    year: int,
    today: date,
    is_workday: IsWorkday,
    book: ParameterBook,
    calendar: DayCalendar | None = None,
) -> CadreYearReport:
    """Attendance (第十六条, 第三十五条(三)(四)), logs (第十二条, 第三十五条(五)),
    training (第十八条). Judging many cadres of a year, pass
    `calendar=attendance_calendar(year, is_workday)`, built once."""
    # The day codes once: the attendance checks, the statuses and the logs due all read them.
    calendar = window_calendar(year, is_workday, calendar)
    codes = calendar.codes(facts.attendance, today=today)
    checks = attendance_checks_of_codes(
        calendar, codes, subject=facts.subject, year=year, today=today, book=book
    )
    statuses = DaysOnRead(partial(calendar.statuses_of, codes))  # built only if read
    logs: dict[date, str] = {}
    late_or_missing = 0
    if facts.logs is not None:
        year_logs = year_log_checks(
            calendar,
            codes,
            facts.logs,
            year=year,
            today=today,
            deadline_days=book.on(year_bounds(year)[1]).log_deadline_days_after,
            subject=facts.subject,
        )
        logs, late_or_missing = year_logs.statuses, year_logs.late_or_missing
        checks.extend(year_logs.checks)
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
    return CadreYearReport(facts.subject, year, statuses, checks, logs)


def assess_reports(
    pairs: Iterable[tuple[CadreYearFacts, CadreYearReport]], *, year: int, book: ParameterBook
) -> list[AssessmentResult]:
    """The cohort's assessment, from each cadre's facts and the report computed from them."""
    people: Sequence[AssessmentInput] = [
        AssessmentInput(
            subject=facts.subject,
            assignments=facts.attendance.assignments,
            annual_score=facts.assessment.annual_score,
            annual_contents=facts.assessment.annual_contents,
            ordinary_scores=facts.assessment.ordinary_scores,
            poverty_task_missed=facts.assessment.poverty_task_missed,
            disciplined=facts.assessment.disciplined,
            disobedience_serious=facts.assessment.disobedience_serious,
            checks=tuple(report.checks),
            cohort=facts.assessment.cohort,
        )
        for facts, report in pairs
        if facts.assessment is not None
    ]
    return assess_cohort(people, year=year, book=book)
