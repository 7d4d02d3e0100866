"""The cadre-day calendar: one status per day from the records, and the attendance thresholds.

Boundaries: 19/20 stationed days a month (第十六条), absence spells of 15/16
calendar days and 30/31 unjustified days a year (第三十五条(四)).
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.factories import approved_leave
from zhucun.approvals.models import RequestState
from zhucun.policy.calendar import DayStatus
from zhucun.rulebook.models import ParameterOverride
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.calendar import attendance_for, facts_for, statuses_for
from zhucun.stationing.models import Assignment, CheckIn, DutyDay, OfficialBusiness

AFTER_2025 = date(2026, 3, 1)  # "today" for judging the year 2025


def _days(first, last):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _check_in(cadre, days, assignment=None):
    assignment = assignment or cadre.assignments.get()
    CheckIn.objects.bulk_create(
        CheckIn(cadre=cadre, assignment=assignment, day=d, at=f"{d}T01:00:00Z") for d in days
    )


def _approved_leave(cast, cadre, start, end, returned_on=None):
    return approved_leave(cadre, start, end, requester=cast.users["bob"], returned_on=returned_on)


def _workdays(first, last):
    off = non_working_days(first, last)
    return [d for d in _days(first, last) if d not in off]


def _checks(cast, rule, period=None):
    result = attendance_for([cast.member.pk], 2025, today=AFTER_2025)[cast.member.pk]
    return [c for c in result.checks if c.rule == rule and (period is None or c.period == period)]


@pytest.mark.parametrize("stationed, fired", [(19, True), (20, False)])
def test_a_month_needs_twenty_stationed_days(cast, stationed, fired):
    # Given bob checked in on the first N working days of September 2025
    _check_in(cast.member, _workdays(date(2025, 9, 1), date(2025, 9, 30))[:stationed])
    # Then the month's 第十六条 check fires below 20
    (check,) = _checks(cast, "monthly_stationed_days", "2025-09")
    assert check.fired is fired and check.article == "第十六条"
    assert check.evidence["stationed_days"] == stationed
    if fired:
        assert check.evidence["days"]["absent_days"]  # the evidence lists the absent days


def test_official_business_counts_as_stationed_and_leave_as_neither(cast):
    workdays = _workdays(date(2025, 9, 1), date(2025, 9, 30))
    _check_in(cast.member, workdays[:18])
    OfficialBusiness.objects.create(
        cadre=cast.member,
        assignment=cast.member.assignments.get(),
        kind="training",
        start=workdays[18],
        end=workdays[19],
        what="轮训",
        where="党校",
        created_at="2025-09-01T00:00:00Z",
    )
    _approved_leave(cast, cast.member, workdays[20], workdays[-1])
    (check,) = _checks(cast, "monthly_stationed_days", "2025-09")
    assert check.evidence["stationed_days"] == 20 and not check.fired
    assert check.evidence["days"]["absent_days"] == []


def _everything_but(cast, gap):
    _check_in(cast.member, [d for d in _days(date(2025, 6, 1), date(2025, 12, 31)) if d not in gap])


@pytest.mark.parametrize("length, fired", [(15, False), (16, True)])
def test_an_absence_spell_of_sixteen_calendar_days_makes_a_cadre_unfit(cast, length, fired):
    # Given bob away (no check-in, business or leave) for N consecutive days from a Monday
    start = date(2025, 11, 3)
    _everything_but(cast, set(_days(start, start + timedelta(days=length - 1))))
    # Then a spell longer than 15 days fires 第三十五条(四)
    spells = _checks(cast, "absence_spell")
    assert any(c.fired for c in spells) is fired
    if fired:
        (spell,) = [c for c in spells if c.fired]
        assert spell.evidence["length_days"] == 16 and spell.article == "第三十五条(四)"


@pytest.mark.parametrize("absent, fired", [(30, False), (31, True)])
def test_more_than_thirty_unjustified_days_in_a_year_make_a_cadre_unfit(cast, absent, fired):
    # Given N single working days missed, each between two stationed days
    missed = _workdays(date(2025, 6, 2), date(2025, 12, 31))[::3][:absent]
    _everything_but(cast, set(missed))
    (total,) = _checks(cast, "absence_total")
    assert total.evidence["count"] == absent and total.fired is fired


def test_an_early_report_back_ends_the_leave_and_a_duty_weekend_is_due(cast):
    # Given a leave 2025-09-01..09-05 reported back on 09-04, and bob on duty on Sat 09-06
    _approved_leave(cast, cast.member, date(2025, 9, 1), date(2025, 9, 5), date(2025, 9, 4))
    DutyDay.objects.create(team=cast.team, cadre=cast.member, day=date(2025, 9, 6))
    statuses = statuses_for([cast.member.pk], date(2025, 9, 1), date(2025, 9, 7), today=AFTER_2025)
    days = statuses[cast.member.pk]
    assert days[date(2025, 9, 3)] == DayStatus.LEAVE
    assert days[date(2025, 9, 4)] == DayStatus.ABSENT  # back from leave, but no check-in
    assert days[date(2025, 9, 6)] == DayStatus.ABSENT  # duty Saturday missed
    assert days[date(2025, 9, 7)] == DayStatus.REST


def test_spans_crossing_the_range_s_edges_give_only_their_days_inside_it(cast):
    # Given official business across the range's start, a leave across its end, and a leave
    # that began before the range and was reported back before it started
    start, end = date(2025, 9, 10), date(2025, 9, 20)
    OfficialBusiness.objects.create(
        cadre=cast.member,
        assignment=cast.member.assignments.get(),
        kind="training",
        start=date(2025, 9, 8),
        end=date(2025, 9, 11),
        what="轮训",
        where="党校",
        created_at="2025-09-01T00:00:00Z",
    )
    _approved_leave(cast, cast.member, date(2025, 9, 19), date(2025, 9, 23))
    _approved_leave(cast, cast.member, date(2025, 9, 1), date(2025, 9, 12), date(2025, 9, 3))
    # When the facts of the range are read
    facts = facts_for([cast.member.pk], start, end)[cast.member.pk]
    # Then each span gives exactly its days inside the range, and the early return none
    assert facts.official == {date(2025, 9, 10), date(2025, 9, 11)}
    assert facts.leave == {date(2025, 9, 19), date(2025, 9, 20)}


def test_today_and_later_are_not_yet_known_and_days_outside_the_assignment_have_no_status(cast):
    today = date(2025, 6, 5)
    days = statuses_for([cast.member.pk], date(2025, 5, 30), date(2025, 6, 7), today=today)[
        cast.member.pk
    ]
    assert date(2025, 5, 31) not in days  # before the assignment
    assert days[today] == DayStatus.UNKNOWN and days[date(2025, 6, 7)] == DayStatus.UNKNOWN
    assert days[date(2025, 6, 2)] == DayStatus.REST  # 端午节
    assert days[date(2025, 6, 3)] == DayStatus.ABSENT


def test_the_calendar_takes_the_same_number_of_queries_for_two_or_twenty_cadres(
    cast, django_assert_num_queries
):
    cadres = [cast.member, cast.leader]
    with django_assert_num_queries(3):
        statuses_for([c.pk for c in cadres], date(2025, 9, 1), date(2025, 9, 30), today=AFTER_2025)
    for _ in range(18):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre)
        _check_in(cadre, [date(2025, 9, 1), date(2025, 9, 2)])
        cadres.append(cadre)
    with django_assert_num_queries(3):
        result = statuses_for(
            [c.pk for c in cadres], date(2025, 9, 1), date(2025, 9, 30), today=AFTER_2025
        )
    assert len(result) == 20


class _Rollback(Exception):
    pass


DAY = st.integers(min_value=0, max_value=29)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    check_ins=st.sets(DAY),
    official=st.lists(st.tuples(DAY, st.integers(0, 4)), max_size=3),
    leaves=st.lists(st.tuples(DAY, st.integers(0, 6), st.booleans()), max_size=3),
    duty=st.sets(DAY),
    today_offset=st.integers(min_value=-5, max_value=40),
)
def test_every_assignment_day_has_exactly_one_status_matching_its_records(
    cast, check_ins, official, leaves, duty, today_offset
):
    first = date(2025, 9, 1)
    at = [first + timedelta(days=n) for n in range(30)]
    today = first + timedelta(days=today_offset)
    try:
        with transaction.atomic():
            _check_in(cast.member, [at[n] for n in check_ins])
            official_days, leave_days = set(), set()
            for start, length in official:
                if any(start <= s <= start + length for s, _ in official if s != start):
                    continue  # keep official business free of overlaps, as the service does
                end = min(start + length, 29)
                OfficialBusiness.objects.create(
                    cadre=cast.member,
                    assignment=cast.member.assignments.get(),
                    kind="meeting",
                    start=at[start],
                    end=at[end],
                    what="会",
                    where="县",
                    created_at="2025-09-01T00:00:00Z",
                )
                official_days.update(at[start : end + 1])
            for start, length, approved in leaves:
                end = min(start + length, 29)
                leave = _approved_leave(cast, cast.member, at[start], at[end])
                if not approved:
                    leave.approval.state = RequestState.REJECTED
                    leave.approval.save()
                else:
                    leave_days.update(at[start : end + 1])
            DutyDay.objects.bulk_create(
                DutyDay(team=cast.team, cadre=cast.member, day=at[n]) for n in duty
            )
            days = statuses_for([cast.member.pk], at[0], at[-1], today=today)[cast.member.pk]
            off = non_working_days(at[0], at[-1])
            # Exactly the assignment's days, each once
            assert list(days) == at
            checked = {at[n] for n in check_ins}
            on_duty = {at[n] for n in duty}
            for day, status in days.items():
                if day > today:
                    expected = DayStatus.UNKNOWN
                elif day in checked:
                    expected = DayStatus.STATIONED
                elif day in official_days:
                    expected = DayStatus.OFFICIAL
                elif day in leave_days:
                    expected = DayStatus.LEAVE
                elif day == today:
                    expected = DayStatus.UNKNOWN  # the day is not over yet
                elif day in on_duty or day not in off:
                    expected = DayStatus.ABSENT
                else:
                    expected = DayStatus.REST
                assert status == expected, day
            raise _Rollback
    except _Rollback:
        pass


def test_a_member_opens_their_own_and_team_mates_months_but_no_one_elses(cast, client):
    client.force_login(cast.users["bob"])
    own = client.get(reverse("stationing:cadre_month", args=[cast.member.pk]) + "?month=2025-09")
    assert own.status_code == 200
    page = own.content.decode()
    assert "第十六条" in page and "第三十五条(四)" in page and "无故缺勤日" in page
    # The duty roster is shared, so team mates see each other's month ...
    mate = client.get(reverse("stationing:cadre_month", args=[cast.leader.pk]))
    assert mate.status_code == 200
    # ... but not a cadre of another team.
    other = client.get(reverse("stationing:cadre_month", args=[cast.other_leader.pk]))
    assert other.status_code == 404


def test_the_team_month_lists_each_counted_member_with_findings(cast, client):
    _check_in(cast.member, _workdays(date(2025, 9, 1), date(2025, 9, 30))[:19])
    client.force_login(cast.users["alice"])
    response = client.get(reverse("stationing:team_month", args=[cast.team.pk]) + "?month=2025-09")
    page = response.content.decode()
    assert response.status_code == 200
    assert cast.member.name in page and cast.leader.name in page
    assert "19/20" in page and "第十六条" in page


def test_a_year_of_attendance_takes_the_same_number_of_queries_for_two_or_twenty_cadres(
    cast, django_assert_num_queries
):
    # Given two cadres, then twenty, with check-ins and duty days
    cadres = [cast.member, cast.leader]
    DutyDay.objects.create(team=cast.team, cadre=cast.member, day=date(2025, 9, 6))
    with django_assert_num_queries(4):
        attendance_for([c.pk for c in cadres], 2025, today=AFTER_2025)
    for _ in range(18):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre)
        _check_in(cadre, [date(2025, 9, 1), date(2025, 9, 2)])
        DutyDay.objects.create(team=cast.team, cadre=cadre, day=date(2025, 9, 13))
        cadres.append(cadre)
    # Then the year's attendance of all of them still takes four queries (the assignments
    # with their counties, the calendar facts, the corrections, the county overrides)
    with django_assert_num_queries(4):
        results = attendance_for([c.pk for c in cadres], 2025, today=AFTER_2025)
    assert len(results) == 20
    assert results[cadres[-1].pk].statuses[date(2025, 9, 13)] == DayStatus.ABSENT  # duty Saturday


def test_a_year_of_attendance_reads_the_periods_in_the_window_and_the_last_started_county(cast):
    # Given 蓝田 asks 22 days a month (第三十八条), and a cadre stationed in 周至 until May 2024
    # (before the window), in 蓝田 from March to June 2025, then in 周至 from July 2025 —
    # and a 周至 cadre whose only assignment ended before the window
    ParameterOverride.objects.create(
        county=cast.other_team.village.county,
        key="monthly_stationed_days_min",
        value=22,
        effective_from=date(2024, 1, 1),
    )
    mover, gone = f.CadreFactory(unit=cast.unit), f.CadreFactory(unit=cast.unit)
    f.AssignmentFactory(team=cast.team, cadre=mover, start=date(2023, 6, 1), end=date(2024, 5, 31))
    f.AssignmentFactory(
        team=cast.other_team, cadre=mover, start=date(2025, 3, 1), end=date(2025, 6, 30)
    )
    f.AssignmentFactory(team=cast.team, cadre=mover, start=date(2025, 7, 1))
    f.AssignmentFactory(
        team=cast.other_team, cadre=gone, start=date(2023, 1, 1), end=date(2024, 1, 31)
    )
    # When the year 2025 is judged, and 2025 with the 蓝田 stint started last
    results = attendance_for([mover.pk, gone.pk], 2025, today=AFTER_2025)
    # Then the mover's months are those of the two stints in the window, judged by 周至's book
    months = {c.period: c for c in results[mover.pk].checks if c.rule == "monthly_stationed_days"}
    assert sorted(months) == [f"2025-{m:02d}" for m in range(3, 13)]
    assert {c.evidence["monthly_minimum"] for c in months.values()} == {20}
    assert not any(c.rule == "monthly_stationed_days" for c in results[gone.pk].checks)
    # ... and after a back-dated end in 周至 and a new 蓝田 stint (started last), by 蓝田's
    Assignment.objects.filter(cadre=mover, team=cast.team, start=date(2025, 7, 1)).update(
        end=date(2025, 7, 31)
    )
    f.AssignmentFactory(team=cast.other_team, cadre=mover, start=date(2025, 8, 1))
    later = attendance_for([mover.pk], 2025, today=AFTER_2025)[mover.pk]
    minimum = {
        c.period: c.evidence["monthly_minimum"]
        for c in later.checks
        if c.rule == "monthly_stationed_days"
    }
    assert set(minimum.values()) == {22}
    assert sorted(minimum) == [f"2025-{m:02d}" for m in range(3, 13)]


def test_a_year_of_attendance_takes_the_cadres_from_any_iterable(cast):
    # Given the cadres as a generator (read once), then as a list
    from_generator = attendance_for(
        (pk for pk in [cast.member.pk, cast.leader.pk]), 2025, today=AFTER_2025
    )
    from_list = attendance_for([cast.member.pk, cast.leader.pk], 2025, today=AFTER_2025)
    # Then the same results
    assert from_generator == from_list and len(from_list) == 2
