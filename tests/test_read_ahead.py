"""A write's first read goes with the bearer token's statement (api/read_ahead.py,
fixed_sql `fetch_together`): a second check-in of the day and an amendment of today's
log reach PostgreSQL twice, the token's round trip and the write's. An amendment made
from a log read ahead that another amendment changed meanwhile is made again from a
fresh read.

These tests run outside a test transaction (`transaction=True`), as a server runs:
each write is begun and committed."""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection
from django.test import Client
from django.utils import timezone

from tests.psycopg_spy import spy_on_connection
from zhucun import fixed_sql
from zhucun.api import auth, read_ahead
from zhucun.api.models import IdempotencyRecord
from zhucun.api.services import api_token_create, token_digest
from zhucun.audit import log
from zhucun.audit.models import AuditEvent
from zhucun.worklogs.models import LogRevision, WorkLog
from zhucun.worklogs.services import log_of_day, log_of_day_sql, log_save

pytestmark = pytest.mark.django_db(transaction=True)

# The generators psycopg waits on for a message to the server and its answer.
_SENDING = {"_execute_gen", "_joined_gen", "_exec_command"}


@pytest.fixture
def round_trips(monkeypatch):
    """The messages sent to PostgreSQL and answered, one entry each (none on SQLite)."""
    sent = []

    def note(_conn, gen):
        if getattr(gen, "__name__", "") in _SENDING:
            sent.append(gen.__name__)

    spy_on_connection(monkeypatch, "wait", note)
    return sent


def client_of(user) -> Client:
    _token, raw = api_token_create(user=user, name="测试客户端")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body, key):
    return client.post(
        path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def log_body(content):
    return {"day": timezone.localdate().isoformat(), "tasks": [1, 3], "content": content}


def test_a_second_check_in_and_a_log_amendment_reach_postgresql_twice(cast, round_trips):
    client = client_of(cast.users["bob"])
    assert client.get("/api/v1/me").status_code == 200  # the token's first use is recorded
    writes = [
        # (what, path, body, answer, messages on PostgreSQL)
        # token and today's check-in (none); BEGIN and the check-in; the chain and COMMIT
        ("first check-in", "/api/v1/checkins", {}, 201, 3),
        # token and today's check-in (found); BEGIN, the ledger's answer and COMMIT
        ("check-in again", "/api/v1/checkins", {}, 200, 2),
        # token and today's log (none); BEGIN and the log locked; its INSERT; the chain
        ("first log", "/api/v1/worklogs", log_body("入户走访,了解收入"), 200, 4),
        # token and today's log (found); BEGIN, the chain with the log's UPDATE, COMMIT
        ("amendment", "/api/v1/worklogs", log_body("入户走访,第二次"), 200, 2),
    ]
    for n, (what, path, body, status, messages) in enumerate(writes):
        round_trips.clear()
        response = post(client, path, body, f"read-ahead-{n}")
        assert response.status_code == status, (what, response.content)
        if connection.vendor == "postgresql":
            assert len(round_trips) == messages, (what, round_trips)
    # And every write was saved with its answer and its records, the chain unbroken
    entry = WorkLog.objects.get(cadre=cast.member)
    assert entry.revisions == 2 and entry.content == "入户走访,第二次"
    assert IdempotencyRecord.objects.filter(key__startswith="read-ahead-").count() == 4
    assert log.verify_chain() == []


def test_an_amendment_read_ahead_before_another_is_saved_after_it(cast, monkeypatch):
    bob = cast.users["bob"]
    client = client_of(bob)
    assert (
        post(client, "/api/v1/worklogs", log_body("入户走访,了解收入"), "stale-read-1").status_code
        == 200
    )
    kept = read_ahead.keep

    def amended_meanwhile(request, day, rows):
        # Today's log read with the token (revision 1), then amended by another save
        kept(request, day, rows)
        monkeypatch.setattr(read_ahead, "keep", kept)  # once
        log_save(actor=bob, day=day, tasks=[2], content="同时保存的另一版本")

    monkeypatch.setattr(read_ahead, "keep", amended_meanwhile)
    # When bob's phone amends the log it read as revision 1
    response = post(client, "/api/v1/worklogs", log_body("入户走访,第三次"), "stale-read-2")
    # Then its amendment is saved after the other: revision 3, every version kept
    assert response.status_code == 200, response.content
    assert response.json()["revisions"] == 3
    entry = WorkLog.objects.get(cadre=cast.member)
    assert (entry.revisions, entry.content, entry.tasks) == (3, "入户走访,第三次", [1, 3])
    assert list(
        LogRevision.objects.filter(log=entry).order_by("number").values_list("number", "content")
    ) == [(1, "入户走访,了解收入"), (2, "同时保存的另一版本"), (3, "入户走访,第三次")]
    # And its answer stored once, its records once, the chain unbroken
    assert IdempotencyRecord.objects.filter(user=bob, key="stale-read-2").count() == 1
    assert list(
        AuditEvent.objects.filter(object_type="worklogs.WorkLog", object_id=str(entry.pk))
        .order_by("pk")
        .values_list("event", flat=True)
    ) == ["worklog.create", "worklog.amend", "worklog.amend"]
    assert log.verify_chain() == []


def test_rows_read_ahead_serve_their_day_once():
    request = SimpleNamespace()
    today = timezone.localdate()
    # Rows kept for today are not another day's
    read_ahead.keep(request, today, [("row",)])
    assert read_ahead.take(request, today - timedelta(days=1)) is None
    assert read_ahead.take(request, today) is None  # looked at: gone
    # They are today's once; a write that used them may run again, once
    read_ahead.keep(request, today, [("row",)])
    assert read_ahead.take(request, today) == [("row",)]
    assert read_ahead.take(request, today) is None
    assert read_ahead.retry_reading_inside(request) is True
    assert read_ahead.retry_reading_inside(request) is False
    # No rows found: nothing used, nothing to run again
    read_ahead.keep(request, today, [])
    assert read_ahead.take(request, today) == []
    assert read_ahead.retry_reading_inside(request) is False


def test_a_read_ahead_reads_only_the_tokens_cadre(cast):
    # Given a log of bob's and one of another cadre's, both today
    bob, leader = cast.users["bob"], cast.users["alice"]
    today = timezone.localdate()
    for user, content in ((bob, "鲍勃的日志内容"), (leader, "队长的日志内容")):
        log_save(actor=user, day=today, tasks=[1], content=content)
    _token, raw = api_token_create(user=bob, name="测试")
    # When bob's token is read with today's log
    found, _stored, ahead = auth.token_and_answer(
        token_digest(raw), None, log_of_day_sql(lock=False)
    )
    # Then the log is bob's own
    day, rows = ahead
    entry, households = log_of_day(rows)
    assert found.user == bob and day == today
    assert (entry.cadre_id, entry.content, households) == (cast.member.pk, "鲍勃的日志内容", set())
    # And a statement without the cadre's parameter is refused
    with pytest.raises(ValueError):
        read_ahead.statement("SELECT 1", "SELECT 2")


def test_statements_sent_together_answer_in_order_and_a_failure_leaves_the_connection_usable(
    db, round_trips
):
    connection.ensure_connection()
    round_trips.clear()
    assert fixed_sql.fetch_together([("SELECT %s", [1]), ("SELECT %s || 'b'", ["a"])]) == [
        [(1,)],
        [("ab",)],
    ]
    if connection.vendor == "postgresql":
        assert round_trips == ["_joined_gen"]  # both in one message
    # When the first of two fails, the error is the first's
    with pytest.raises(DatabaseError, match="no_such_table|no such table"):
        fixed_sql.fetch_together([("SELECT * FROM no_such_table", []), ("SELECT %s", [2])])
    # Then the connection goes on
    assert fixed_sql.fetch_together([("SELECT %s", [3])]) == [[(3,)]]
