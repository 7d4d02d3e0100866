"""The demo city's year of stationing: check-ins, leave in every state, pending work for the logins."""

from datetime import date

import pytest

from zhucun.accounts.models import User
from zhucun.approvals.models import RequestState
from zhucun.approvals.selectors import pending_count
from zhucun.demo.city import build_city
from zhucun.stationing.calendar import attendance_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, CheckIn, DutyDay, Leave

TODAY = date(2026, 11, 29)


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
