"""Each role's home page: what to do next, in a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.approvals_cast import one_step_request
from zhucun.approvals.models import Request
from zhucun.approvals.selectors import overdue_rule
from zhucun.rulebook.models import ParameterOverride
from zhucun.stationing.calendar import every_book


def test_the_county_home_flags_a_poor_village_without_a_team(cast, client):
    client.force_login(cast.users["dora"])
    html = client.get(reverse("home")).content.decode()
    assert cast.uncovered_village.name in html
    assert "第三条" in html


def test_an_outsider_county_does_not_see_the_flag_of_another_county(cast, client):
    client.force_login(cast.users["oscar"])
    html = client.get(reverse("home")).content.decode()
    assert cast.uncovered_village.name not in html


# issue 8: every page at most 15 queries, the same at every scale.
HOME_QUERY_BUDGET = 15


@pytest.mark.parametrize(
    "username", ["gus", "dora", "ed", "fay", "alice", "bob", "carol", "oscar", "sam"]
)
def test_home_queries_do_not_grow_with_the_data(cast, client, username):
    client.force_login(cast.users[username])
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("home")).status_code == 200
    for _ in range(10):
        team = f.TeamFactory(
            village=f.poor_village(cast.town, 300 + _, f"新村{_}"), lead_unit=cast.unit
        )
        team.units.add(cast.unit)
        f.AssignmentFactory(team=team, cadre=f.CadreFactory(unit=cast.unit))
    client.force_login(cast.users[username])
    with CaptureQueriesContext(connection) as large:
        assert client.get(reverse("home")).status_code == 200
    assert len(small) <= HOME_QUERY_BUDGET
    assert len(large) == len(small)


def test_the_approval_panel_counts_every_pending_step_though_it_lists_five(cast, client):
    # Given seven steps waiting for alice (team leader), two of them for more than 3 days
    for days in (9, 8, 2, 2, 1, 1, 0):
        request = one_step_request(cast)
        when = timezone.now() - timedelta(days=days)
        Request.objects.filter(pk=request.pk).update(submitted_at=when)
    # When she opens her home page
    client.force_login(cast.users["alice"])
    page = client.get(reverse("home")).content.decode()
    # Then both figures count all seven, and the panel lists the oldest five
    assert '<span class="value">7</span><span class="label">待我审批</span>' in page
    assert '<span class="value">2</span><span class="label">其中逾期</span>' in page
    assert page.count("【逾期】") == 2


@pytest.mark.parametrize("county_days", [None, 7])
def test_the_overdue_rule_from_the_pages_books_is_the_rule_read_alone(cast, county_days):
    # Given the city's deadline, and then a county's own (第三十八条) among other overrides
    ParameterOverride.objects.create(
        county=cast.other_county,
        key="monthly_stationed_days_min",
        value=18,
        effective_from=date(2026, 1, 1),
    )
    if county_days is not None:
        ParameterOverride.objects.create(
            county=cast.county,
            key="approval_overdue_days",
            value=county_days,
            effective_from=date(2026, 1, 1),
        )
    today = date(2026, 5, 20)
    # When the home page builds it from the parameter books it reads once
    shared = overdue_rule(today, books=every_book())
    # Then it is the rule the approval pages read on their own
    assert shared == overdue_rule(today)
    assert shared.days_for(cast.county.pk) == (county_days or 3)
