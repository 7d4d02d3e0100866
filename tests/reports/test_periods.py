"""Report deadlines and statuses (第十一条(一), 第十五、十九条): the boundaries of every kind."""

from datetime import date

import pytest

from zhucun.reports.periods import (
    DUE,
    LATE,
    SUBMITTED,
    ReportKind,
    period_of,
    periods_between,
    report_status,
)

CASES = [
    # kind, a day in the period, period start, period end, last day on time
    (ReportKind.WEEKLY, date(2026, 3, 4), date(2026, 3, 2), date(2026, 3, 8), date(2026, 3, 9)),
    # an ISO week across New Year is one week, due the Monday after
    (ReportKind.WEEKLY, date(2025, 12, 31), date(2025, 12, 29), date(2026, 1, 4), date(2026, 1, 5)),
    (ReportKind.MONTHLY, date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 5)),
    (
        ReportKind.MONTHLY,
        date(2025, 12, 1),
        date(2025, 12, 1),
        date(2025, 12, 31),
        date(2026, 1, 5),
    ),
    (
        ReportKind.HALF_YEARLY,
        date(2026, 6, 30),
        date(2026, 1, 1),
        date(2026, 6, 30),
        date(2026, 7, 10),
    ),
    (
        ReportKind.HALF_YEARLY,
        date(2025, 7, 1),
        date(2025, 7, 1),
        date(2025, 12, 31),
        date(2026, 1, 10),
    ),
    (ReportKind.ANNUAL, date(2025, 5, 5), date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 15)),
]


@pytest.mark.parametrize("kind, day, start, end, due", CASES)
def test_each_kind_has_its_period_and_its_last_day_on_time(kind, day, start, end, due):
    period = period_of(kind, day)
    assert (period.start, period.end, period.due) == (start, end, due)


@pytest.mark.parametrize("kind, day, start, end, due", CASES)
def test_a_report_submitted_on_the_deadline_is_on_time_and_the_day_after_is_late(
    kind, day, start, end, due
):
    period = period_of(kind, day)
    after = date.fromordinal(due.toordinal() + 1)
    assert report_status(period, submitted_on=end, today=after) == SUBMITTED
    assert report_status(period, submitted_on=due, today=after) == SUBMITTED
    assert report_status(period, submitted_on=after, today=after) == LATE


@pytest.mark.parametrize("kind, day, start, end, due", CASES)
def test_an_unsubmitted_report_is_due_until_its_deadline_and_late_after(kind, day, start, end, due):
    period = period_of(kind, day)
    after = date.fromordinal(due.toordinal() + 1)
    assert report_status(period, submitted_on=None, today=end) == DUE
    assert report_status(period, submitted_on=None, today=due) == DUE
    assert report_status(period, submitted_on=None, today=after) == LATE


def test_a_year_owes_53_or_52_weeks_12_months_2_half_years_and_1_annual_summary():
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    counts = {kind: len(periods_between(kind, first, last)) for kind in ReportKind}
    # ISO week 2026-W01 ends 01-04; the week of 12-28 ends 2027-01-03, outside the year.
    assert counts == {
        ReportKind.WEEKLY: 52,
        ReportKind.MONTHLY: 12,
        ReportKind.HALF_YEARLY: 2,
        ReportKind.ANNUAL: 1,
    }
    weeks = periods_between(ReportKind.WEEKLY, first, last)
    assert weeks[0].start == date(2025, 12, 29) and weeks[-1].end == date(2026, 12, 27)
