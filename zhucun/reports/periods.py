"""Report kinds, their periods and their deadlines (第十一条(一), 第十五条, 第十九条).

The 细则 says how often a team reports but names no deadline. The
deadlines below are the system's reading, chosen so that a report can be
written from a finished period's records:

- weekly summary and next week's plan (第十九条): by the Monday after the ISO week;
- monthly report to the town, the unit and the lead unit (第十五、十九条):
  by the 5th of the next month;
- half-yearly report to the county leading group (第十五条): by the 10th of
  the month after the half-year (07-10, and 01-10 of the next year);
- the leader's annual summary (第十一条(一)): by 01-15 of the next year.

A report submitted on its deadline day is on time; the day after, late.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models

from zhucun.policy.periods import add_months, month_end

WEEKLY_DUE_DAYS_AFTER_WEEK = 1  # the following Monday
MONTHLY_DUE_DAY = 5  # of the next month
HALF_YEARLY_DUE_DAY = 10  # of the month after the half-year
ANNUAL_DUE_MONTH_DAY = (1, 15)  # of the next year


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", "周工作小结及下周安排"
    MONTHLY = "monthly", "月度工作汇报"
    HALF_YEARLY = "half_yearly", "半年工作汇报"
    ANNUAL = "annual", "队长年度工作总结"


ARTICLES = {
    ReportKind.WEEKLY: "第十九条",
    ReportKind.MONTHLY: "第十五条、第十九条",
    ReportKind.HALF_YEARLY: "第十五条",
    ReportKind.ANNUAL: "第十一条(一)",
}
RECIPIENTS = {
    ReportKind.WEEKLY: "工作队",
    ReportKind.MONTHLY: "镇(街办)、派出单位分管领导、帮扶组长单位",
    ReportKind.HALF_YEARLY: "县级驻村工作领导小组",
    ReportKind.ANNUAL: "县级驻村工作领导小组、镇(街办)党委政府、参扶单位",
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date

    @property
    def due(self) -> date:
        return due_date(self.kind, self.end)

    @property
    def label(self) -> str:
        if self.kind == ReportKind.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}周({self.start:%m-%d}至{self.end:%m-%d})"
        if self.kind == ReportKind.MONTHLY:
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == ReportKind.HALF_YEARLY:
            return f"{self.start.year}年{'上' if self.start.month == 1 else '下'}半年"
        return f"{self.start.year}年度"

    @property
    def kind_label(self) -> str:
        return ReportKind(self.kind).label

    @property
    def article(self) -> str:
        return ARTICLES[ReportKind(self.kind)]


def due_date(kind: str, period_end: date) -> date:
    """The last day a report for the period ending `period_end` is on time (see the module)."""
    if kind == ReportKind.WEEKLY:
        return period_end + timedelta(days=WEEKLY_DUE_DAYS_AFTER_WEEK)
    if kind == ReportKind.MONTHLY:
        return add_months(period_end.replace(day=1), 1).replace(day=MONTHLY_DUE_DAY)
    if kind == ReportKind.HALF_YEARLY:
        return add_months(period_end.replace(day=1), 1).replace(day=HALF_YEARLY_DUE_DAY)
    if kind == ReportKind.ANNUAL:
        month, day = ANNUAL_DUE_MONTH_DAY
        return date(period_end.year + 1, month, day)
    raise ValueError(f"unknown report kind {kind!r}")


def period_of(kind: str, day: date) -> Period:
    """The period of `kind` that contains `day`."""
    if kind == ReportKind.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, start + timedelta(days=6))
    if kind == ReportKind.MONTHLY:
        return Period(kind, day.replace(day=1), month_end(day))
    if kind == ReportKind.HALF_YEARLY:
        if day.month <= 6:
            return Period(kind, date(day.year, 1, 1), date(day.year, 6, 30))
        return Period(kind, date(day.year, 7, 1), date(day.year, 12, 31))
    if kind == ReportKind.ANNUAL:
        return Period(kind, date(day.year, 1, 1), date(day.year, 12, 31))
    raise ValueError(f"unknown report kind {kind!r}")


def periods_between(kind: str, first: date, last: date) -> list[Period]:
    """Every period of `kind` that ends within [first, last], in date order."""
    found = []
    period = period_of(kind, first)
    while period.end <= last:  # the period containing `first` ends on or after it
        found.append(period)
        period = period_of(kind, period.end + timedelta(days=1))
    return found


# Status of one report of one team and period.
DUE = "due"  # not submitted, deadline not passed
SUBMITTED = "submitted"  # submitted by the deadline
LATE = "late"  # submitted after the deadline, or not submitted and the deadline passed
STATUS_LABELS = {DUE: "待提交", SUBMITTED: "已按时提交", LATE: "逾期"}


def report_status(period: Period, *, submitted_on: date | None, today: date) -> str:
    """due / submitted / late; `submitted_on` is the local date of submission."""
    if submitted_on is not None:
        return SUBMITTED if submitted_on <= period.due else LATE
    return LATE if today > period.due else DUE
