"""Each role's home page: what to do next, in a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


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
