"""The shared-calendar computation gives exactly what the day-by-day walk gave.

tests/policy/calendar_reference.py is the calendar as main computed it before
the day codes (DayCalendar); every status, check, evidence (key order
included) and the order of the checks must be the same, on calendars
hypothesis makes up: assignments starting and ending anywhere around the
year, records inside and outside the window, any "today", holidays and
adjusted workdays anywhere, a county that changes a threshold mid-year.
"""

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policy import calendar_reference as reference
from zhucun.policy.calendar import (
    Assignment,
    AttendanceFacts,
    DayCalendar,
    attendance_calendar,
    attendance_checks,
    attendance_window,
    day_statuses,
)
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.policy.workdays import WorkCalendar

YEAR = 2025
WINDOW = attendance_window(YEAR)
# Records and assignments reach a little past the window on both sides.
AROUND = (WINDOW[0] - timedelta(days=10), WINDOW[1] + timedelta(days=10))
CITY = ParameterBook()
COUNTY = ParameterBook(
    county="610124",
    overrides=[
        Override("monthly_stationed_days_min", 18, date(2025, 7, 1), "610124"),
        Override("unfit_absence_spell_over", 10, date(2025, 3, 1), "610124"),
    ],
)


def as_json(checks):
    return [json.dumps(check.to_dict(), ensure_ascii=False) for check in checks]


@st.composite
def runs(draw, dense: bool):
    """A set of days: scattered ones, or (dense) most days of some stretches."""
    days = set(draw(st.sets(st.dates(*AROUND), max_size=40)))
    if dense:
        for _ in range(draw(st.integers(0, 4))):
            first = draw(st.dates(*AROUND))
            length = draw(st.integers(1, 200))
            skip = draw(st.integers(2, 9))
            days.update(first + timedelta(days=n) for n in range(length) if n % skip and n < 500)
    return frozenset(d for d in days if d <= AROUND[1])


@st.composite
def cadres(draw):
    periods = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.dates(*AROUND))
        end = draw(st.none() | st.dates(start, AROUND[1]))
        periods.append(Assignment(start, end))
    return AttendanceFacts(
        tuple(periods),
        check_ins=draw(runs(dense=True)),
        official=draw(runs(dense=False)),
        leave=draw(runs(dense=False)),
        duty=draw(runs(dense=False)),
    )


calendars = st.builds(
    WorkCalendar,
    holidays=st.sets(st.dates(*AROUND), max_size=30),
    adjusted_workdays=st.sets(st.dates(*AROUND), max_size=10),
)
any_day = st.dates(AROUND[0] - timedelta(days=5), AROUND[1] + timedelta(days=40))


@st.composite
def cadre_days(draw):
    """A cadre and a "today" that is often one of their record or assignment days."""
    cadre = draw(cadres())
    recorded = sorted(
        cadre.check_ins
        | cadre.official
        | cadre.leave
        | cadre.duty
        | {a.start for a in cadre.assignments}
        | {a.end for a in cadre.assignments if a.end}
    )
    if recorded and draw(st.booleans()):
        return cadre, draw(st.sampled_from(recorded))
    return cadre, draw(any_day)


@settings(max_examples=300, deadline=None, database=None)
@given(cadre_day=cadre_days(), calendar=calendars, book=st.sampled_from([CITY, COUNTY]))
def test_attendance_checks_are_those_of_the_day_by_day_walk(cadre_day, calendar, book):
    # Given any cadre, calendar and today
    cadre, today = cadre_day
    expected = reference.attendance_checks(
        cadre, subject="cadre:1", year=YEAR, today=today, is_workday=calendar.is_workday, book=book
    )

    # When the checks are computed on their own and with a calendar shared by a city
    alone = attendance_checks(
        cadre, subject="cadre:1", year=YEAR, today=today, is_workday=calendar.is_workday, book=book
    )
    shared = attendance_calendar(YEAR, calendar.is_workday)
    attendance_checks(  # another cadre first: the shared calendar keeps nothing of them
        AttendanceFacts((Assignment(AROUND[0]),), check_ins=frozenset([today])),
        subject="cadre:2",
        year=YEAR,
        today=today,
        is_workday=calendar.is_workday,
        book=book,
        calendar=shared,
    )
    with_shared = attendance_checks(
        cadre,
        subject="cadre:1",
        year=YEAR,
        today=today,
        is_workday=calendar.is_workday,
        book=book,
        calendar=shared,
    )

    # Then statuses (in date order), checks, evidence and their order are the same
    for result in (alone, with_shared):
        assert list(result.statuses.items()) == list(expected.statuses.items())
        assert result.checks == expected.checks
        assert as_json(result.checks) == as_json(expected.checks)


@settings(max_examples=200, deadline=None, database=None)
@given(
    cadre_day=cadre_days(), calendar=calendars, start=st.dates(*AROUND), length=st.integers(0, 480)
)
def test_day_statuses_are_those_of_the_day_by_day_walk(cadre_day, calendar, start, length):
    cadre, today = cadre_day
    end = start + timedelta(days=length)
    expected = reference.day_statuses(
        cadre, start=start, end=end, today=today, is_workday=calendar.is_workday
    )

    statuses = day_statuses(
        cadre, start=start, end=end, today=today, is_workday=calendar.is_workday
    )

    assert list(statuses.items()) == list(expected.items())


@settings(max_examples=100, deadline=None, database=None)
@given(cadre_day=cadre_days(), calendar=calendars)
def test_the_spells_of_the_day_codes_are_the_walks_spells_holding_an_unjustified_day(
    cadre_day, calendar
):
    cadre, today = cadre_day
    days = DayCalendar(*WINDOW, calendar.is_workday)
    codes = days.codes(cadre, today=today)

    expected = [s for s in reference.absence_spells(days.statuses_of(codes)) if s.unjustified]

    assert days.spells(codes) == expected


def test_a_shared_calendar_asks_whether_a_day_is_a_working_day_once_for_all_cadres():
    asked = []

    def is_workday(day):
        asked.append(day)
        return day.weekday() < 5

    shared = attendance_calendar(YEAR, is_workday)
    cadre = AttendanceFacts((Assignment(date(2024, 1, 1)),))
    for n in range(50):
        attendance_checks(
            cadre,
            subject=f"cadre:{n}",
            year=YEAR,
            today=date(2026, 3, 1),
            is_workday=is_workday,
            book=CITY,
            calendar=shared,
        )

    assert len(asked) == len(set(asked)) == (WINDOW[1] - WINDOW[0]).days + 1


def test_a_calendar_of_another_window_is_refused():
    other = attendance_calendar(YEAR + 1, WorkCalendar().is_workday)
    try:
        attendance_checks(
            AttendanceFacts(()),
            subject="cadre:1",
            year=YEAR,
            today=date(2026, 3, 1),
            is_workday=WorkCalendar().is_workday,
            book=CITY,
            calendar=other,
        )
    except ValueError as error:
        assert str(YEAR) in str(error)
    else:
        raise AssertionError("a calendar of 2026 was used for 2025")
