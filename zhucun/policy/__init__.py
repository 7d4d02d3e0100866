"""The rules of 《西安市驻村联户工作管理细则》(2018) as pure Python.

Plain data in, `Check`s and `Finding`s out, every one citing its article.
No Django, no database, no clock: every function takes its dates as
arguments. docs/policy.md describes the API and the CLI
(`python -m zhucun.policy`).
"""

from zhucun.policy.assessment import AssessmentInput, AssessmentResult, assess_cohort
from zhucun.policy.calendar import (
    Assignment,
    AttendanceFacts,
    DayStatus,
    attendance_checks,
    attendance_window,
    day_statuses,
)
from zhucun.policy.contacts import Pairing, contact_checks
from zhucun.policy.errors import PolicyError
from zhucun.policy.evaluation import (
    AssessmentFacts,
    CadreYearFacts,
    CadreYearReport,
    assess_reports,
    evaluate_cadre_year,
)
from zhucun.policy.findings import Check, Finding, findings_of
from zhucun.policy.leave import Route, RouteStep, leave_days, leave_route
from zhucun.policy.parameters import (
    Override,
    ParameterBook,
    ParamsOnDate,
    ResolvedParameter,
    load_versions,
)
from zhucun.policy.teams import Team, TeamMember, Unit, one_team_per_village, team_checks
from zhucun.policy.training import Training, training_check
from zhucun.policy.workdays import WorkCalendar
from zhucun.policy.worklogs import (
    RectificationNotice,
    log_due_days,
    log_statuses,
    monthly_log_checks,
    refused_rectification_check,
)

__all__ = [
    "AssessmentFacts",
    "AssessmentInput",
    "AssessmentResult",
    "Assignment",
    "AttendanceFacts",
    "CadreYearFacts",
    "CadreYearReport",
    "Check",
    "DayStatus",
    "Finding",
    "Override",
    "Pairing",
    "ParameterBook",
    "ParamsOnDate",
    "PolicyError",
    "RectificationNotice",
    "ResolvedParameter",
    "Route",
    "RouteStep",
    "Team",
    "TeamMember",
    "Training",
    "Unit",
    "WorkCalendar",
    "assess_cohort",
    "assess_reports",
    "attendance_checks",
    "attendance_window",
    "contact_checks",
    "day_statuses",
    "evaluate_cadre_year",
    "findings_of",
    "leave_days",
    "leave_route",
    "load_versions",
    "log_due_days",
    "log_statuses",
    "monthly_log_checks",
    "one_team_per_village",
    "refused_rectification_check",
    "team_checks",
    "training_check",
]
