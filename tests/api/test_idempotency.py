"""Writes sent with an Idempotency-Key happen once: a resend gets the first answer back."""

import json
from unittest import mock

import pytest

from zhucun.api import idempotency
from zhucun.api.models import ApiToken, IdempotencyRecord
from zhucun.audit.models import AuditEvent

pytestmark = pytest.mark.urls("tests.api.idempotency_api")
KEY = "0b6f4d0e-8a37-4c1e-9a51-1f0c2d3e4f50"


def post(client, body, key=KEY, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        "/t/things", data=json.dumps(body), content_type="application/json", **headers, **extra
    )


def tokens_named(name):
    return ApiToken.objects.filter(name=name).count()


def test_a_resent_write_with_the_same_key_and_body_returns_the_first_answer(cast, bearer):
    # Given a client that sent a write with a key
    client = bearer(cast.users["alice"])
    first = post(client, {"name": "同步"})
    assert first.status_code == 201
    # When it sends the same write again with the same key (even with the keys reordered)
    again = client.post(
        "/t/things",
        data=' {"name":  "同步"} ',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=KEY,
    )
    # Then it gets the first status and body back, marked as a replay, and one row exists
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert tokens_named("同步") == 1
    assert (
        AuditEvent.objects.filter(event="api_token.create", actor=cast.users["alice"]).count() == 2
    )


def test_the_same_key_with_a_different_body_is_refused_with_409(cast, bearer):
    client = bearer(cast.users["alice"])
    post(client, {"name": "第一次"})
    # When the key comes back with other content
    response = post(client, {"name": "第二次"})
    # Then 409 idempotency_mismatch naming the header, and nothing new is saved
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "idempotency_mismatch"
    assert body["field"] == "Idempotency-Key"
    assert "幂等键" in body["message"]
    assert tokens_named("第二次") == 0


def test_keys_belong_to_their_user(cast, bearer, client):
    # Given alice used a key
    post(bearer(cast.users["alice"]), {"name": "甲"})
    # When bob happens to send the same key with other content
    response = post(bearer(cast.users["bob"]), {"name": "乙"})
    # Then bob's write is his own, not a mismatch with alice's
    assert response.status_code == 201
    assert IdempotencyRecord.objects.filter(key=KEY).count() == 2


def test_writes_without_a_key_are_not_deduplicated(cast, bearer):
    client = bearer(cast.users["alice"])
    post(client, {"name": "无键"}, key=None)
    post(client, {"name": "无键"}, key=None)
    assert tokens_named("无键") == 2
    assert not IdempotencyRecord.objects.exists()


def test_a_refused_write_stores_no_key_so_the_corrected_write_can_use_it(cast, bearer):
    client = bearer(cast.users["alice"])
    refused = post(client, {"name": "   "})
    assert refused.status_code == 422
    assert refused.json()["field"] == "name"
    assert not IdempotencyRecord.objects.exists()
    accepted = post(client, {"name": "改正后"})
    assert accepted.status_code == 201


def test_a_malformed_key_is_a_422_naming_the_header(cast, bearer):
    response = post(bearer(cast.users["alice"]), {"name": "x"}, key="短")
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


def test_the_key_and_the_token_are_read_without_the_map_of_all_headers(cast, bearer):
    # request.headers is built on first use, from every header of the request: an API
    # write reads its two from request.META instead (idempotency.header).
    client = bearer(cast.users["alice"])
    response = post(client, {"name": "读头"})
    assert response.status_code == 201
    assert "headers" not in response.wsgi_request.__dict__
    # And read as request.headers reads them: the header's name in any case.
    again = client.post(
        "/t/things",
        data=json.dumps({"name": "读头"}),
        content_type="application/json",
        headers={"idempotency-key": KEY},
    )
    assert again["Idempotent-Replayed"] == "true"
    assert tokens_named("读头") == 1


def test_two_requests_racing_with_one_key_end_in_one_write(cast, bearer):
    """The second request checked for the key before the first committed: the unique
    constraint stops its insert, its write is rolled back, and it answers as the first."""
    client = bearer(cast.users["alice"])
    first = post(client, {"name": "并发"})
    real_replay = idempotency._replay
    calls = []

    def replay_that_looked_too_early(request, key, fingerprint):
        calls.append(key)
        return None if len(calls) == 1 else real_replay(request, key, fingerprint)

    with mock.patch.object(idempotency, "_replay", replay_that_looked_too_early):
        second = post(client, {"name": "并发"})
    assert len(calls) == 2
    assert second.status_code == 201
    assert second.content == first.content
    assert tokens_named("并发") == 1
    assert IdempotencyRecord.objects.count() == 1


real_read = idempotency.read_with_token


def test_a_race_seen_too_early_by_the_token_statement_still_ends_in_one_write(cast, bearer):
    """The ledger is read with the bearer token (api/auth.py): when that read came before
    the other request committed, the unique constraint stops the write and the ledger
    is read again, not the token's stale answer."""
    client = bearer(cast.users["alice"])
    first = post(client, {"name": "抢先"})

    def read_before_the_first_committed(request, user, key, stored):
        real_read(request, user, key, None)  # as if the first had not committed yet

    with mock.patch.object(idempotency, "read_with_token", read_before_the_first_committed):
        second = post(client, {"name": "抢先"})
    assert second.status_code == 201
    assert second.content == first.content
    assert tokens_named("抢先") == 1
    assert IdempotencyRecord.objects.count() == 1


def test_a_resend_is_answered_from_the_token_statement_alone(
    cast, bearer, django_assert_num_queries
):
    # Given a write alice's phone sent with a key (and the token's first use recorded)
    client = bearer(cast.users["alice"])
    first = post(client, {"name": "一次"})
    # When the phone resends it
    with django_assert_num_queries(2):
        again = post(client, {"name": "一次"})
    # Then the bearer token's statement brought the stored answer: no query but the
    # token's and the scope's sent with it (one round trip on PostgreSQL)
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert tokens_named("一次") == 1


def test_a_page_session_write_with_a_key_reads_the_ledger_itself(cast, client):
    # Given alice logged in on the page (no bearer token: nothing read the ledger early)
    client.force_login(cast.users["alice"])
    first = post(client, {"name": "页面"})
    # When the same write comes again with the key
    again = post(client, {"name": "页面"})
    # Then it is answered from the ledger, once written
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert tokens_named("页面") == 1


def test_an_exactly_once_endpoint_must_declare_the_idempotency_key_header():
    # Given an endpoint that forgot to declare the header (so the schema would not show it)
    def forgetful(request, payload):
        return 201, {}

    # When it is made exactly-once, then the mistake shows at import time, not in production
    with pytest.raises(TypeError, match="idempotency_key"):
        idempotency.idempotent(object)(forgetful)
