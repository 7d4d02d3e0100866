"""The new pages keep a fixed number of queries as data grows, and each role sees only its scope."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f
from tests.approvals_cast import one_step_request
from zhucun.approvals.models import RequestState
from zhucun.approvals.services import step_decide
from zhucun.stationing.models import CheckIn, DutyDay, OfficialBusiness
from zhucun.stationing.services import leave_request_submit


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _grow_team(cast, n):
    """n more members of alice's team, each with a month of records."""
    for _ in range(n):
        cadre = f.CadreFactory(unit=cast.unit)
        assignment = f.AssignmentFactory(team=cast.team, cadre=cadre, start=date(2025, 6, 1))
        _records(cast, cadre, assignment)


def _records(cast, cadre, assignment):
    CheckIn.objects.bulk_create(
        CheckIn(
            cadre=cadre, assignment=assignment, day=date(2025, 9, d), at=f"2025-09-{d:02d}T01:00Z"
        )
        for d in range(1, 20)
    )
    OfficialBusiness.objects.create(
        cadre=cadre,
        assignment=assignment,
        kind="meeting",
        start=date(2025, 9, 22),
        end=date(2025, 9, 23),
        what="会",
        where="县",
        created_at="2025-09-22T00:00Z",
    )
    DutyDay.objects.create(team=cast.team, cadre=cadre, day=date(2025, 9, 27))


def test_the_team_month_takes_the_same_queries_for_two_or_twelve_cadres(cast, client):
    client.force_login(cast.users["alice"])
    url = reverse("stationing:team_month", args=[cast.team.pk]) + "?month=2025-09"
    client.get(url)  # warm the per-process caches (content types, holidays)
    small = _queries(client, url)
    _grow_team(cast, 10)
    assert _queries(client, url) == small


def test_the_cadre_month_takes_the_same_queries_with_more_records(cast, client):
    client.force_login(cast.users["bob"])
    url = reverse("stationing:cadre_month", args=[cast.member.pk]) + "?month=2025-09"
    client.get(url)
    small = _queries(client, url)
    _records(cast, cast.member, cast.member.assignments.get())
    start = date.today() + timedelta(days=2)
    leave = leave_request_submit(
        user=cast.users["bob"], cadre=cast.member, start=start, end=start, reason="事"
    )
    step_decide(user=cast.users["alice"], step=leave.approval.steps.get(), approve=True)
    assert _queries(client, url) == small


@pytest.mark.parametrize("url_name", ["approvals:pending", "home"])
def test_the_pending_list_takes_the_same_queries_for_two_or_twenty_requests(cast, client, url_name):
    client.force_login(cast.users["alice"])
    url = reverse(url_name)
    for _ in range(2):
        one_step_request(cast)
    client.get(url)
    small = _queries(client, url)
    for _ in range(18):
        one_step_request(cast)
    assert _queries(client, url) == small


def test_the_leave_register_takes_the_same_queries_for_one_or_ten_leaves(cast, client):
    client.force_login(cast.users["ed"])
    url = reverse("stationing:leave_register")
    start = date.today() + timedelta(days=1)

    def leave(n):
        leave_request_submit(
            user=cast.users["bob"],
            cadre=cast.member,
            start=start + timedelta(days=10 * n),
            end=start + timedelta(days=10 * n + 4),
            reason="事",
        )

    leave(0)
    client.get(url)
    small = _queries(client, url)
    for n in range(1, 10):
        leave(n)
    assert _queries(client, url) == small


# user -> page -> expected status; pages not listed answer 404.
PAGES = {
    "own_month": ("stationing:cadre_month", "member"),
    "leader_month": ("stationing:cadre_month", "leader"),
    "other_month": ("stationing:cadre_month", "other_leader"),
    "team_month": ("stationing:team_month", "team"),
    "other_team_month": ("stationing:team_month", "other_team"),
    "roster": ("stationing:roster", "team"),
    "other_roster": ("stationing:roster", "other_team"),
}
TEAM_MANAGERS = {"own_month": 200, "leader_month": 200, "team_month": 200, "roster": 200}
EXPECTED = {
    "alice": TEAM_MANAGERS,
    "dora": TEAM_MANAGERS,
    "ed": TEAM_MANAGERS,
    "fay": TEAM_MANAGERS,
    "gus": {**TEAM_MANAGERS, "other_month": 200, "other_team_month": 200, "other_roster": 200},
    # team mates see each other's month (the duty roster is shared)
    "bob": {
        "own_month": 200,
        "leader_month": 200,
        "roster": 200,
        "team_month": 403,
        "other_team_month": 403,
    },
    "oscar": {"other_month": 200, "other_team_month": 200, "other_roster": 200},
    "olga": {"other_month": 200, "other_team_month": 200, "other_roster": 200},
    "carol": {page: 403 for page in PAGES},
    "sam": {page: 403 for page in PAGES},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_role_opens_calendars_and_rosters_in_its_scope_and_gets_404_for_others(
    cast, client, username
):
    client.force_login(cast.users[username])
    for page, (url_name, attr) in PAGES.items():
        response = client.get(reverse(url_name, args=[getattr(cast, attr).pk]))
        assert response.status_code == EXPECTED[username].get(page, 404), f"{username} → {page}"


@pytest.mark.parametrize(
    "username, status", [("bob", 200), ("alice", 200), ("dora", 403), ("carol", 403)]
)
def test_only_stationed_cadres_open_their_day_and_leave_pages(cast, client, username, status):
    client.force_login(cast.users[username])
    for name in ("stationing:my_day", "stationing:my_leave"):
        assert client.get(reverse(name)).status_code == status


def test_a_request_rejected_is_no_longer_pending_for_anyone(cast):
    request = one_step_request(cast)
    step_decide(user=cast.users["alice"], step=request.steps.get(), approve=False, comment="否")
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
