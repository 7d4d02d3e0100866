"""The attendance-and-logs score (第三十条 "考勤日志") suggested from the recorded facts.

The rule is `zhucun.policy.assessment.attendance_logs_proposal`; this module
only fetches the cadre's facts for the period, lets the policy engine derive
the day and log statuses, and hands them over with the county's parameters.
"""

from __future__ import annotations

from datetime import date, timedelta

from zhucun.assessment import sources
from zhucun.policy.assessment import attendance_logs_proposal as proposal_rule
from zhucun.policy.calendar import day_statuses
from zhucun.policy.worklogs import log_due_days, log_statuses
from zhucun.rulebook.book import book_for


def attendance_logs_proposal(cadre, first: date, last: date, *, today: date):
    """(score, evidence) for one cadre over [first, last] (the days up to yesterday);
    (None, {}) when nothing can be proposed."""
    last = min(last, today - timedelta(days=1))
    if last < first:
        return None, {}
    facts = sources.attendance([cadre.pk], first, last).get(cadre.pk)
    if facts is None or not facts.assignments:
        return None, {}
    is_workday = sources.workdays(first, last)
    statuses = day_statuses(facts, start=first, end=last, today=today, is_workday=is_workday)
    logged = sources.work_logs([cadre.pk], first, last).get(cadre.pk, {})
    assignment = (
        cadre.assignments.select_related("team__village__county").order_by("-start").first()
    )
    county = assignment.team.village.county if assignment is not None else None
    params = book_for(county).on(last)
    logs = log_statuses(
        log_due_days(statuses), logged, today=today, deadline_days=params.log_deadline_days_after
    )
    proposal = proposal_rule(statuses, logs, params=params)
    return proposal.score, {
        **proposal.evidence,
        "first": first.isoformat(),
        "last": last.isoformat(),
    }
