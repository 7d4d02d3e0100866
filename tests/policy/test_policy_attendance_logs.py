"""The suggested 考勤日志 score (第三十条): boundaries and properties of the pure rule."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhucun.policy.assessment import attendance_logs_proposal
from zhucun.policy.calendar import DayStatus
from zhucun.policy.errors import PolicyError
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.policy.worklogs import LATE, MISSING, NOT_DUE, ON_TIME

FIRST = date(2025, 1, 1)


def days(*counts):
    """Day statuses from (status, count) pairs, on consecutive days."""
    result, day = {}, FIRST
    for status, count in counts:
        for _ in range(count):
            result[day] = status
            day += timedelta(days=1)
    return result


def logs(**counts):
    return days(*((status, n) for status, n in counts.items()))


def weighted(days_weight, logs_weight):
    """周至县's own weights (第三十八条), in force for 2025."""
    book = ParameterBook(
        county="周至县",
        overrides=[
            Override(key=key, value=value, effective_from=date(2025, 1, 1), county="周至县")
            for key, value in (
                ("attendance_logs_days_weight", days_weight),
                ("attendance_logs_logs_weight", logs_weight),
            )
        ],
    )
    return book.on(date(2025, 12, 31))


def test_every_due_day_present_and_every_log_on_time_proposes_the_full_100(params):
    # Given 20 stationed days, 2 on official business and their 22 logs on time
    statuses = days((DayStatus.STATIONED, 20), (DayStatus.OFFICIAL, 2))
    # When the score is proposed
    proposal = attendance_logs_proposal(statuses, logs(on_time=22), params=params)
    # Then it is 100, with the counts and the formula as evidence
    assert proposal.score == Decimal("100.00") and proposal.exact == 100
    assert proposal.evidence["present_days"] == 22
    assert proposal.evidence["formula"] == "100×(50×出勤天数/应在岗天数 + 50×按时日志/应记日志)/100"


def test_leave_and_rest_days_never_lower_the_score(params):
    statuses = days((DayStatus.STATIONED, 10), (DayStatus.LEAVE, 5), (DayStatus.REST, 8))
    proposal = attendance_logs_proposal(statuses, logs(on_time=10), params=params)
    assert proposal.score == 100


def test_nothing_due_proposes_nothing(params):
    statuses = days((DayStatus.LEAVE, 3), (DayStatus.REST, 2), (DayStatus.UNKNOWN, 1))
    proposal = attendance_logs_proposal(statuses, {}, params=params)
    assert proposal.score is None and proposal.exact is None
    assert proposal.evidence["present_days"] == 0


def test_no_due_log_counts_as_all_logs_on_time(params):
    # One absent day of two, no log due yet: 50 × 1/2 + 50 × 1
    statuses = days((DayStatus.STATIONED, 1), (DayStatus.ABSENT, 1))
    proposal = attendance_logs_proposal(statuses, logs(not_due=1), params=params)
    assert proposal.score == Decimal("75.00")


@pytest.mark.parametrize(
    "present, absent, on_time, late, missing, expected",
    [
        (1, 0, 0, 1, 0, "50.00"),  # present every day, the only log late
        (0, 1, 0, 0, 1, "0.00"),  # absent, log missing
        (2, 1, 3, 0, 0, "83.33"),  # 50×2/3 + 50 = 83.333…, rounded down
        (5, 1, 6, 0, 0, "91.67"),  # 50×5/6 + 50 = 91.666…, rounded up
        (7, 1, 8, 0, 0, "93.75"),  # exact
        (199, 1, 200, 0, 0, "99.75"),
        (1, 199, 0, 0, 200, "0.25"),
        (1, 399, 400, 0, 0, "50.13"),  # 50/400 + 50 = 50.125: half goes up
    ],
)
def test_the_score_is_rounded_half_up_to_the_hundredth(
    params, present, absent, on_time, late, missing, expected
):
    statuses = days((DayStatus.STATIONED, present), (DayStatus.ABSENT, absent))
    logged = logs(on_time=on_time, late=late, missing=missing)
    assert attendance_logs_proposal(statuses, logged, params=params).score == Decimal(expected)


def test_the_county_weights_replace_the_fifty_fifty_split():
    # Given 周至县 weighting attendance 80 and logs 20, a cadre present 3 of 4 days, logs all late
    statuses = days((DayStatus.STATIONED, 3), (DayStatus.ABSENT, 1))
    proposal = attendance_logs_proposal(statuses, logs(late=4), params=weighted(80, 20))
    # Then only the attendance share counts: 100 × 80 × 3/4 / 100
    assert proposal.score == Decimal("60.00")
    assert proposal.evidence["formula"].startswith("100×(80×")


def test_weights_that_are_both_zero_are_refused_naming_the_parameters():
    with pytest.raises(PolicyError, match="attendance_logs_days_weight"):
        attendance_logs_proposal(days((DayStatus.STATIONED, 1)), {}, params=weighted(0, 0))


STATUS = st.sampled_from(list(DayStatus))
LOG = st.sampled_from([ON_TIME, LATE, MISSING, NOT_DUE])


@given(
    statuses=st.lists(STATUS, max_size=60),
    logged=st.lists(LOG, max_size=60),
    weights=st.tuples(st.integers(0, 100), st.integers(0, 100)).filter(lambda w: sum(w) > 0),
)
def test_the_score_is_between_0_and_100_and_agrees_with_the_exact_value(statuses, logged, weights):
    params = weighted(*weights)
    on_days = {FIRST + timedelta(days=i): s for i, s in enumerate(statuses)}
    on_logs = {FIRST + timedelta(days=i): s for i, s in enumerate(logged)}
    proposal = attendance_logs_proposal(on_days, on_logs, params=params)
    due = sum(s in (DayStatus.STATIONED, DayStatus.OFFICIAL, DayStatus.ABSENT) for s in statuses)
    if due == 0:
        assert proposal.score is None
        return
    assert 0 <= proposal.exact <= 100
    assert abs(Fraction(proposal.score) - proposal.exact) <= Fraction(1, 200)
    # Recomputing changes nothing
    assert attendance_logs_proposal(on_days, on_logs, params=params) == proposal


@given(present=st.integers(1, 40), absent=st.integers(0, 40), extra_absent=st.integers(1, 10))
def test_one_more_absent_day_never_raises_the_score(params, present, absent, extra_absent):
    before = days((DayStatus.STATIONED, present), (DayStatus.ABSENT, absent))
    after = days((DayStatus.STATIONED, present), (DayStatus.ABSENT, absent + extra_absent))
    on_time = logs(on_time=present)
    first = attendance_logs_proposal(before, on_time, params=params)
    second = attendance_logs_proposal(after, on_time, params=params)
    assert second.exact < first.exact
