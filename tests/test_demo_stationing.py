"""The demo city's year of stationing: check-ins, leave in every state, pending work for the logins."""

import json
from datetime import date, timedelta

import pytest

from tests.policy import calendar_reference as reference
from zhucun.accounts.models import User
from zhucun.approvals.models import RequestState
from zhucun.approvals.selectors import pending_count
from zhucun.demo.city import build_city
from zhucun.policy.calendar import Assignment as Period
from zhucun.policy.calendar import AttendanceFacts, attendance_window
from zhucun.policy.periods import days_between
from zhucun.stationing.calendar import attendance_for, books_for, county_of_cadres, workday_test
from zhucun.stationing.models import (
    NON_COUNTED_ROLES,
    Assignment,
    CheckIn,
    DutyDay,
    Leave,
    OfficialBusiness,
)

TODAY = date(2026, 11, 29)
ONE_DAY = timedelta(days=1)


@pytest.fixture
def city(db):
    return build_city(scale=0.02, seed=7, today=TODAY)


def test_the_demo_has_a_year_of_check_ins_duty_and_leave_in_every_state(city):
    assert CheckIn.objects.filter(day__lt=date(2026, 1, 1)).exists()
    assert DutyDay.objects.exists()
    states = set(Leave.objects.values_list("approval__state", flat=True))
    assert states == set(RequestState.values)
    assert Leave.objects.filter(returned_on__isnull=False).exists()


def test_the_demo_logins_each_have_pending_leave_to_decide(city):
    for username in ("leader", "town", "county"):
        assert pending_count(User.objects.get(username=username)) >= 1, username


def test_the_demo_team_shows_an_absence_spell_and_a_short_month(city):
    team = Assignment.objects.get(cadre__user__username="leader").team_id
    cadres = (
        Assignment.objects.filter(team_id=team)
        .exclude(role__in=NON_COUNTED_ROLES)
        .values_list("cadre_id", flat=True)
    )
    fired = {
        c.rule
        for year in (2025, 2026)
        for result in attendance_for(list(cadres), year, today=TODAY).values()
        for c in result.checks
        if c.fired and c.severity == "violation"
    }
    assert {"absence_spell", "monthly_stationed_days"} <= fired


def _facts_row_by_row(cadre_ids, start, end):
    """The cadres' facts read record by record through the ORM, as the calendar's
    reference (zhucun.stationing.calendar.facts_for reads them aggregated)."""
    facts = {
        c: {"assignments": [], "check_ins": set(), "official": set(), "leave": set()}
        for c in cadre_ids
    }
    for facts_of in facts.values():
        facts_of["duty"] = set()
    for a in Assignment.objects.filter(cadre_id__in=cadre_ids):
        if a.start <= end and (a.end is None or a.end >= start):
            facts[a.cadre_id]["assignments"].append(Period(a.start, a.end))
    for row in CheckIn.objects.filter(cadre_id__in=cadre_ids):
        if start <= row.day <= end:
            facts[row.cadre_id]["check_ins"].add(row.day)
    for row in DutyDay.objects.filter(cadre_id__in=cadre_ids):
        if start <= row.day <= end:
            facts[row.cadre_id]["duty"].add(row.day)
    for row in OfficialBusiness.objects.filter(cadre_id__in=cadre_ids):
        facts[row.cadre_id]["official"].update(
            d for d in days_between(row.start, row.end) if start <= d <= end
        )
    for row in Leave.objects.filter(cadre_id__in=cadre_ids).select_related("approval"):
        if row.approval.state != RequestState.APPROVED:
            continue
        last = row.end if row.returned_on is None else min(row.end, row.returned_on - ONE_DAY)
        facts[row.cadre_id]["leave"].update(
            d for d in days_between(row.start, last) if start <= d <= end
        )
    return {
        cadre_id: AttendanceFacts(
            tuple(f["assignments"]),
            *(frozenset(f[k]) for k in ("check_ins", "official", "leave", "duty")),
        )
        for cadre_id, f in facts.items()
    }


# A past year, this year, mid-year, and the first day of the year (nothing judged yet).
YEARS_AND_TODAYS = [
    (2025, TODAY),
    (2026, TODAY),
    (2026, date(2026, 6, 15)),
    (2026, date(2026, 1, 1)),
]


def test_the_city_s_attendance_is_what_the_day_by_day_walk_over_its_records_gives(
    city, django_assert_num_queries
):
    # Given the demo city's stationed cadres and, as reference, their records read row by row
    # and judged day by day (tests/policy/calendar_reference.py)
    cadres = sorted(
        set(
            Assignment.objects.exclude(role__in=NON_COUNTED_ROLES).values_list(
                "cadre_id", flat=True
            )
        )
    )
    fired = 0
    for year, today in YEARS_AND_TODAYS:
        start, end = attendance_window(year)
        facts = _facts_row_by_row(cadres, start, end)
        is_workday = workday_test(start, end)
        counties = county_of_cadres(cadres, end)
        books = books_for(counties.values())
        expected = {
            cadre_id: reference.attendance_checks(
                facts[cadre_id],
                subject=f"cadre:{cadre_id}",
                year=year,
                today=today,
                is_workday=is_workday,
                book=books[counties.get(cadre_id)],
            )
            for cadre_id in cadres
        }

        # When the city's attendance is computed (a fixed number of queries)
        with django_assert_num_queries(4):
            results = attendance_for(cadres, year, today=today)

        # Then every cadre's statuses, checks, evidence and their order are the same
        assert sorted(results) == cadres
        for cadre_id in cadres:
            got, want = results[cadre_id], expected[cadre_id]
            assert list(got.statuses.items()) == list(want.statuses.items()), (year, cadre_id)
            assert [json.dumps(c.to_dict(), ensure_ascii=False) for c in got.checks] == [
                json.dumps(c.to_dict(), ensure_ascii=False) for c in want.checks
            ], (year, today, cadre_id)
            fired += sum(c.fired for c in got.checks)
    assert fired, "the demo city has findings to compare"
