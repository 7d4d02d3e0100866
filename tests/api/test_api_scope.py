"""The API sees exactly what the pages see: the same matrix, own 200 / other 404 (or 403)."""

import pytest

from tests.test_data_scope import EXPECTED, PAGES

ENDPOINTS = {
    "stationing:team_detail": "/api/v1/teams/{}",
    "org:cadre_detail": "/api/v1/cadres/{}",
    "households:household_detail": "/api/v1/households/{}",
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_reads_its_own_records_by_api_and_gets_404_for_others(cast, bearer, username):
    # Given a member of the cast calling with their own token
    client = bearer(cast.users[username])
    for page, (url_name, attr) in PAGES.items():
        # When they read a record by id
        response = client.get(ENDPOINTS[url_name].format(getattr(cast, attr).pk))
        # Then the answer is the page's answer
        expected = EXPECTED[username].get(page, 404)
        assert response.status_code == expected, f"{username} → {page}"
        if expected != 200:
            assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[expected]


@pytest.mark.parametrize(
    "username, teams, households",
    [
        ("alice", {"team"}, {"household"}),
        ("dora", {"team"}, {"household"}),
        ("oscar", {"other_team"}, {"other_household"}),
        ("gus", {"team", "other_team"}, {"household", "other_household"}),
        ("carol", None, {"household"}),
        ("ed", {"team"}, {"household"}),
    ],
)
def test_lists_hold_exactly_the_users_records(cast, bearer, username, teams, households):
    client = bearer(cast.users[username])
    if teams is not None:
        got = {i["id"] for i in client.get("/api/v1/teams").json()["items"]}
        assert got == {getattr(cast, t).pk for t in teams}
    got = {i["id"] for i in client.get("/api/v1/households").json()["items"]}
    assert got == {getattr(cast, h).pk for h in households}
    pairings = client.get("/api/v1/pairings").json()["items"]
    assert {p["household"]["id"] for p in pairings} == {getattr(cast, h).pk for h in households}
