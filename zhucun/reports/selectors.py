"""Reads shared by the report pages and the home panel."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from zhucun.reports.models import LeaderMeeting, TeamReport
from zhucun.reports.periods import (
    DUE,
    LATE,
    STATUS_LABELS,
    Period,
    ReportKind,
    periods_between,
    report_status,
)
from zhucun.reports.services import quarter_bounds


@dataclass
class ReportRow:
    period: Period
    status: str
    report: TeamReport | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def _window(team, first: date, last: date) -> tuple[date, date]:
    first = max(first, team.formed_on)
    if team.withdrawn_on is not None:
        last = min(last, team.withdrawn_on)
    return first, last


def report_rows(teams, first: date, last: date, *, today: date) -> dict[int, list[ReportRow]]:
    """Every report each team owes for periods ending in [first, min(last, today)], newest first.

    One query for the submitted reports, whatever the number of teams and periods.
    """
    teams = list(teams)
    submitted = {
        (r.team_id, r.kind, r.period_start): r
        for r in TeamReport.objects.filter(
            team__in=teams, period_end__range=(first, last)
        ).select_related("submitted_by")
    }
    rows: dict[int, list[ReportRow]] = {}
    for team in teams:
        lo, hi = _window(team, first, min(last, today))
        found = []
        for kind in ReportKind:
            for period in periods_between(kind, lo, hi):
                report = submitted.get((team.pk, kind.value, period.start))
                on = timezone.localdate(report.submitted_at) if report else None
                found.append(
                    ReportRow(period, report_status(period, submitted_on=on, today=today), report)
                )
        found.sort(key=lambda row: (row.period.end, row.period.kind), reverse=True)
        rows[team.pk] = found
    return rows


def pending_reports(teams, *, today: date) -> dict[int, tuple[int, int]]:
    """team id → (due, late) counts of unsubmitted reports of this and last year."""
    rows = report_rows(teams, date(today.year - 1, 1, 1), today, today=today)
    return {
        team_id: (
            sum(1 for r in found if r.status == DUE),
            sum(1 for r in found if r.status == LATE and r.report is None),
        )
        for team_id, found in rows.items()
    }


@dataclass
class QuarterRow:
    county_id: int
    year: int
    quarter: int
    meeting: LeaderMeeting | None
    finding: bool  # the quarter is over and no meeting was held (第十五条)

    @property
    def bounds(self):
        return quarter_bounds(self.year, self.quarter)


def meeting_quarters(county_ids, year: int, *, today: date) -> list[QuarterRow]:
    """The four quarters of `year` for each county: the meeting held, or a finding once it is over."""
    meetings = {
        (m.county_id, m.quarter): m
        for m in LeaderMeeting.objects.filter(county_id__in=county_ids, year=year)
        .select_related("county", "recorded_by")
        .prefetch_related("attendees")
    }
    rows = []
    for county_id in sorted(county_ids):
        for quarter in (1, 2, 3, 4):
            meeting = meetings.get((county_id, quarter))
            _start, end = quarter_bounds(year, quarter)
            rows.append(
                QuarterRow(county_id, year, quarter, meeting, meeting is None and end < today)
            )
    return rows
