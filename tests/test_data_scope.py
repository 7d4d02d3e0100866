"""Every role sees its own scope; another scope's record by id answers 404 (pages).

The matrix below names, for each member of the cast, which records they
may open. Everything not listed answers 404 — or 403 where the role may not
open that kind of page at all.
"""

import pytest
from django.urls import reverse

from zhucun.accounts.scope import scoped
from zhucun.households.models import Household
from zhucun.org.models import Cadre
from zhucun.stationing.models import Team

PAGES = {
    "team": ("stationing:team_detail", "team"),
    "other_team": ("stationing:team_detail", "other_team"),
    "far_team": ("stationing:team_detail", "far_team"),
    "leader": ("org:cadre_detail", "leader"),
    "other_leader": ("org:cadre_detail", "other_leader"),
    "far_cadre": ("org:cadre_detail", "far_cadre"),
    "household": ("households:household_detail", "household"),
    "other_household": ("households:household_detail", "other_household"),
    "far_household": ("households:household_detail", "far_household"),
}

# user -> {page: expected status}; pages not named answer 404.
EXPECTED = {
    "alice": {"team": 200, "leader": 200, "household": 200},
    "bob": {
        "team": 200,
        "leader": 200,
        "household": 403,
        "other_household": 403,
        "far_household": 403,
    },
    "carol": {"household": 200, **{p: 403 for p in PAGES if "household" not in p}},
    "dora": {"team": 200, "leader": 200, "household": 200},
    "ed": {"team": 200, "leader": 200, "household": 200},
    "fay": {"team": 200, "leader": 200, "household": 200},
    "gus": {p: 200 for p in PAGES if not p.startswith("far_")},
    "oscar": {"other_team": 200, "other_leader": 200, "other_household": 200},
    "olga": {"other_team": 200, "other_leader": 200, "other_household": 200},
    "sam": {p: 403 for p in PAGES},
    "sid": {p: 403 for p in PAGES},
    "aud": {p: 403 for p in PAGES},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_opens_its_own_records_and_gets_404_for_others(cast, client, username):
    # Given a member of the cast, logged in
    client.force_login(cast.users[username])
    for page, (url_name, attr) in PAGES.items():
        # When they open the record's page by id
        response = client.get(reverse(url_name, args=[getattr(cast, attr).pk]))
        # Then they see it only if it is in their scope
        expected = EXPECTED[username].get(page, 404)
        assert response.status_code == expected, f"{username} → {page}"


@pytest.mark.parametrize(
    "username, teams, households",
    [
        ("alice", {"team"}, {"household"}),
        ("dora", {"team"}, {"household"}),
        ("oscar", {"other_team"}, {"other_household"}),
        ("gus", {"team", "other_team"}, {"household", "other_household"}),
        ("carol", set(), {"household"}),
        ("sam", set(), set()),
    ],
)
def test_scoped_querysets_hold_exactly_the_users_records(cast, username, teams, households):
    user = cast.users[username]
    assert set(scoped(user, Team.objects.all())) == {getattr(cast, t) for t in teams}
    assert set(scoped(user, Household.objects.all())) == {getattr(cast, h) for h in households}


def test_list_pages_show_only_the_users_scope(cast, client):
    client.force_login(cast.users["dora"])
    page = client.get(reverse("stationing:team_list")).content.decode()
    assert cast.team.village.name in page
    assert cast.other_team.village.name not in page
    page = client.get(reverse("households:household_list")).content.decode()
    assert cast.household.code in page
    assert cast.other_household.code not in page


def test_a_member_sees_the_team_mates_but_no_one_elses_cadres(cast):
    visible = set(scoped(cast.users["bob"], Cadre.objects.all()))
    assert visible == {cast.leader, cast.member}


def test_anonymous_visitors_are_sent_to_the_login_page(cast, client):
    response = client.get(reverse("stationing:team_detail", args=[cast.team.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
