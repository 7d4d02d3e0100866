"""evaluate_cadre_year gives exactly what the former code gave (tests/policy/evaluation_reference.py:
the day-by-day calendar and log rules): statuses, log statuses (in date order), every check with its
evidence and message, in the same order — on cadres, logs, calendars and "today"s hypothesis makes up.
"""

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policy import evaluation_reference as reference
from tests.policy.test_policy_calendar_reference import (
    AROUND,
    COUNTY,
    YEAR,
    cadre_days,
    calendars,
)
from zhucun.policy.calendar import attendance_calendar
from zhucun.policy.evaluation import CadreYearFacts, evaluate_cadre_year
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.policy.worklogs import FirstSaved, RectificationNotice

# The deadline is a county parameter: the city's (1 day), none (0) and a longer one from March.
SAME_DAY = ParameterBook(
    county="610124", overrides=[Override("log_deadline_days_after", 0, date(2024, 1, 1), "610124")]
)
LONGER = ParameterBook(
    county="610124", overrides=[Override("log_deadline_days_after", 3, date(2025, 3, 1), "610124")]
)
# When a log was first saved, relative to its day: that day (as a date or a date-time), or days
# earlier or later, at any minute.
SAVED = st.tuples(st.integers(-2, 5), st.booleans(), st.integers(0, 24 * 60 - 1))


def _saved(day: date, offset: int, as_date: bool, minute: int):
    when = day + timedelta(days=offset)
    return when if as_date else datetime.combine(when, time(minute // 60, minute % 60))


@st.composite
def logs_of(draw, cadre):
    """None (no logs given), or logs: on most of the days the cadre was there, saved on their
    own day as most are, and some saved earlier or later, on those days or any other."""
    if draw(st.integers(0, 9)) == 0:
        return None
    there = sorted(cadre.check_ins | cadre.official)
    found = {day: day for day in there if draw(st.integers(0, 9))}
    days = st.sampled_from(there) | st.dates(*AROUND) if there else st.dates(*AROUND)
    late = draw(st.dictionaries(days, SAVED, max_size=30))
    found.update((day, _saved(day, *saved)) for day, saved in late.items())
    return found


notices = st.lists(
    st.builds(
        RectificationNotice,
        day=st.dates(*AROUND),
        refused=st.booleans(),
        log_days=st.lists(st.dates(*AROUND), max_size=3).map(tuple),
    ),
    max_size=5,
)


def as_json(checks):
    return [json.dumps(check.to_dict(), ensure_ascii=False) for check in checks]


@settings(max_examples=300, deadline=None, database=None)
@given(
    cadre_day=cadre_days(),
    data=st.data(),
    notices=notices,
    calendar=calendars,
    book=st.sampled_from([ParameterBook(), COUNTY, SAME_DAY, LONGER]),
)
def test_evaluate_cadre_year_is_what_the_day_by_day_code_gave(
    cadre_day, data, notices, calendar, book
):
    # Given any cadre with logs saved on, before or after their days, notices, calendar and today
    cadre, today = cadre_day
    logs = data.draw(logs_of(cadre))
    facts = CadreYearFacts("cadre:1", cadre, logs=logs, notices=tuple(notices))
    expected = reference.evaluate_cadre_year(
        facts, year=YEAR, today=today, is_workday=calendar.is_workday, book=book
    )

    # When the year is evaluated on its own and with a calendar shared by a city
    alone = evaluate_cadre_year(
        facts, year=YEAR, today=today, is_workday=calendar.is_workday, book=book
    )
    shared = attendance_calendar(YEAR, calendar.is_workday)
    with_shared = evaluate_cadre_year(
        facts, year=YEAR, today=today, is_workday=calendar.is_workday, book=book, calendar=shared
    )

    # And with the logs given as the database read gives them: most saved on their own day as
    # ordinals (FirstSaved), the rest — and some of those too — as {day: when first saved}
    reports = [alone, with_shared]
    if logs is not None:
        on_day = [day for day, saved in logs.items() if type(saved) is date and saved == day]
        kept = set(on_day[::2])
        given_as = FirstSaved(
            sorted(day.toordinal() for day in kept),
            {day: saved for day, saved in logs.items() if day not in kept},
        )
        assert given_as == logs
        reports.append(
            evaluate_cadre_year(
                replace(facts, logs=given_as),
                year=YEAR,
                today=today,
                is_workday=calendar.is_workday,
                book=book,
                calendar=shared,
            )
        )

    # Then the statuses, log statuses (in date order), checks, evidence and order are the same
    for report in reports:
        assert list(report.statuses.items()) == list(expected.statuses.items())
        assert list(report.log_statuses.items()) == list(expected.log_statuses.items())
        assert report.checks == expected.checks
        assert as_json(report.checks) == as_json(expected.checks)
        assert report.to_dict() == expected.to_dict()
