"""The data scope is built once per request and rebuilt on the next one (scope.py, access.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhucun.accounts.models import Position


def position_reads(queries) -> int:
    return sum('FROM "accounts_position"' in q["sql"] for q in queries)


def test_one_request_reads_the_users_positions_once(cast, login):
    client = login(cast.users["dora"])
    # Given a county officer's request through the second factor check, @allow and the view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("households:roster_import"))
    # Then the scope was built once for the whole request
    assert response.status_code == 200
    assert position_reads(queries) == 1


def test_a_position_ended_between_two_requests_takes_effect_on_the_next(cast, login):
    client = login(cast.users["dora"])
    assert client.get(reverse("households:roster_import")).status_code == 200
    # When the county officer's position ends
    Position.objects.filter(user=cast.users["dora"]).update(active=False)
    # Then her very next request is refused
    assert client.get(reverse("households:roster_import")).status_code == 403
    # And given back, the next request opens again
    Position.objects.filter(user=cast.users["dora"]).update(active=True)
    assert client.get(reverse("households:roster_import")).status_code == 200
