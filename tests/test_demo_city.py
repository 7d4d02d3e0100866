"""The demo city: Xi'an's real county codes, deterministic, with one login per role."""

import re
from datetime import date

import pytest
from django.db import transaction

from zhucun.accounts.models import User
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for
from zhucun.demo.city import DEMO_USERNAMES, build_city
from zhucun.households.models import Household
from zhucun.org.identity import validate_id_number
from zhucun.org.models import Cadre, Region

TODAY = date(2026, 11, 29)


@pytest.fixture
def city(db):
    return build_city(scale=0.02, seed=7, today=TODAY)


def test_the_real_counties_carry_their_division_codes(city):
    counties = dict(Region.objects.filter(level="county").values_list("name", "code"))
    assert counties["周至县"] == "610124000000"
    assert counties["蓝田县"] == "610122000000"
    assert counties["鄠邑区"] == "610118000000"
    assert counties["临潼区"] == "610115000000"
    assert Region.objects.get(level="city").code == "610100000000"


def test_every_region_code_is_twelve_digits_and_starts_with_its_parents(city):
    for region in Region.objects.exclude(level="province").select_related("parent"):
        assert re.fullmatch(r"\d{12}", region.code)
        if region.level in ("town", "village"):
            assert region.code.startswith(
                region.parent.code[: {"town": 6, "village": 9}[region.level]]
            )


def test_every_cadre_has_a_valid_id_number(city):
    for number in Cadre.objects.values_list("id_number", flat=True):
        validate_id_number(number)


def test_the_same_seed_builds_the_same_city(db):
    def snapshot():
        return (
            list(Cadre.objects.order_by("pk").values_list("name", "id_number")[:50]),
            list(Household.objects.order_by("pk").values_list("code", "head_name")[:50]),
        )

    with transaction.atomic():
        first = build_city(scale=0.02, seed=7, today=TODAY)
        first_rows = snapshot()
        transaction.set_rollback(True)  # back to an empty database
    second = build_city(scale=0.02, seed=7, today=TODAY)
    assert first.counts == second.counts
    assert snapshot() == first_rows


def test_there_is_one_demo_login_per_role(city):
    roles = set()
    for username in DEMO_USERNAMES:
        user = User.objects.get(username=username)
        roles |= scope_for(user).roles
    assert roles == set(Role)


def test_a_poor_village_without_a_team_exists_for_the_third_article_flag(city):
    assert Region.objects.filter(level="village", is_poor=True, teams__isnull=True).exists()


def test_the_demo_leader_submitted_most_reports_and_a_few_are_overdue(city):
    # Given the demo city, when the leader's reports of this and last year are listed
    from zhucun.demo.team_reports import OVERDUE_LEFT
    from zhucun.reports.models import LeaderMeeting, TeamReport
    from zhucun.reports.selectors import meeting_quarters, pending_reports
    from zhucun.stationing.models import Team

    leader = User.objects.get(username="leader")
    team = Team.objects.get(pk=min(scope_for(leader).led_team_ids))
    due, late = pending_reports([team], today=TODAY)[team.pk]
    # Then most are submitted, a few are overdue and at most this week's and month's are due
    assert TeamReport.objects.filter(team=team).count() > 20
    assert 1 <= late <= OVERDUE_LEFT + 2 and due <= 2
    # And the county held its team-leader meetings, all but one quarter
    quarters = [
        q
        for year in (TODAY.year - 1, TODAY.year)
        for q in meeting_quarters([team.village.county_id], year, today=TODAY)
        if q.bounds[0] >= team.formed_on.replace(day=1) and q.bounds[1] < TODAY
    ]
    assert LeaderMeeting.objects.filter(county=team.village.county).exists()
    assert sum(q.finding for q in quarters) <= 1
