"""log_statuses and monthly_log_checks give exactly what the former day-by-day code gave."""

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.policy import worklogs_reference as reference
from zhucun.policy.worklogs import log_statuses, monthly_log_checks

START = date(2024, 12, 1)
DAY = st.integers(min_value=0, max_value=420).map(lambda n: START + timedelta(days=n))
# When a log was first saved, relative to its day: that day (as a date or a date-time), or
# days earlier or later, at any minute.
SAVED = st.tuples(
    st.integers(min_value=-2, max_value=5),
    st.booleans(),
    st.integers(min_value=0, max_value=24 * 60 - 1),
)


def _saved(day: date, offset: int, as_date: bool, minute: int):
    when = day + timedelta(days=offset)
    if as_date:
        return when
    return datetime.combine(when, time(minute // 60, minute % 60))


@settings(max_examples=300, deadline=None)
@given(
    due=st.sets(DAY, max_size=120),
    logs=st.dictionaries(DAY, SAVED, max_size=120),
    today=DAY,
    deadline=st.integers(min_value=-1, max_value=3),
    shuffled=st.randoms(use_true_random=False),
)
def test_log_statuses_and_monthly_checks_match_the_reference(due, logs, today, deadline, shuffled):
    # Given due days, logs saved on, before or after their day (dates or date-times), a deadline
    first_saved = {day: _saved(day, *saved) for day, saved in logs.items()}
    # When both versions judge them
    statuses = log_statuses(due, first_saved, today=today, deadline_days=deadline)
    expected = reference.log_statuses(due, first_saved, today=today, deadline_days=deadline)
    # Then every day has the same status, in the same order,
    assert list(statuses.items()) == list(expected.items())
    # and the monthly checks are the same, for statuses in date order or in any order
    assert monthly_log_checks(statuses, subject="cadre:1") == reference.monthly_log_checks(
        expected, subject="cadre:1"
    )
    items = list(statuses.items())
    shuffled.shuffle(items)
    assert monthly_log_checks(dict(items), subject="s") == reference.monthly_log_checks(
        dict(items), subject="s"
    )
