"""A transaction's BEGIN and COMMIT ride with its statements on PostgreSQL (fixed_sql
`_run`, `execute_joined`): the first fixed statement of a transaction carries the BEGIN
psycopg would send on its own, and the last statement of an API write's outermost
atomic block carries the COMMIT. The writes are the same, committed or rolled back as
before; SQLite runs them as before.

These tests run outside a test transaction (`transaction=True`): inside one, every
block is a savepoint and nothing is begun or committed."""

import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.utils import timezone

from tests.psycopg_spy import spy_on_connection
from zhucun import fixed_sql
from zhucun.api.models import IdempotencyRecord
from zhucun.api.services import api_token_create
from zhucun.audit import log
from zhucun.audit.models import AuditEvent, ChainHead
from zhucun.stationing.models import CheckIn
from zhucun.worklogs.models import WorkLog

pytestmark = pytest.mark.django_db(transaction=True)


class Rollback(Exception):
    pass


@pytest.fixture
def sent_alone(monkeypatch):
    """The BEGINs and COMMITs psycopg sends on their own, each a round trip (PostgreSQL)."""
    sent = []

    def note(conn, query):
        text = query.decode() if isinstance(query, bytes) else str(query)
        if text.split()[0] in ("BEGIN", "COMMIT") and conn._pipeline is None:
            sent.append(text.split()[0])

    spy_on_connection(monkeypatch, "_exec_command", note)
    return sent


def on_another_connection(read):
    """`read()` on another thread, so on another connection (closed after)."""
    found = []

    def run():
        try:
            found.append(read())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return found[0]


def answer(user, key: str) -> IdempotencyRecord:
    return IdempotencyRecord(user=user, key=key, request_hash="h", status=200, body="{}")


def stored(key: str) -> bool:
    return IdempotencyRecord.objects.filter(key=key).exists()


def test_an_api_write_is_begun_and_committed_by_its_own_statements(cast, sent_alone):
    _token, raw = api_token_create(user=cast.users["bob"], name="测试客户端")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    today = timezone.localdate().isoformat()
    writes = [
        ("/api/v1/checkins", {}, 201),  # the first: the check-in with its record
        ("/api/v1/checkins", {}, 200),  # again: only the answer is saved
        ("/api/v1/worklogs", {"day": today, "tasks": [1], "content": "入户走访,了解收入"}, 200),
        ("/api/v1/worklogs", {"day": today, "tasks": [1, 3], "content": "入户走访,第二次"}, 200),
    ]
    sent_alone.clear()  # the token and the cast were made before
    for n, (path, body, status) in enumerate(writes):
        response = client.post(
            path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"round-trip-{n}"
        )
        assert response.status_code == status, response.content
    sent_for_the_writes = list(sent_alone)
    # Then every write is committed with its answer and its records, the chain unbroken
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1
    assert WorkLog.objects.get(cadre=cast.member).revisions == 2
    assert IdempotencyRecord.objects.filter(key__startswith="round-trip-").count() == 4
    assert AuditEvent.objects.filter(event__in=["checkin.today", "worklog.create"]).count() == 2
    assert log.verify_chain() == []
    # And psycopg sent no BEGIN or COMMIT on its own for them (none recorded on SQLite)
    assert sent_for_the_writes == []
    assert not connection.in_atomic_block


def test_a_statement_that_begins_its_transaction_is_rolled_back_with_it(cast, sent_alone):
    bob = cast.users["bob"]
    sent_alone.clear()
    with pytest.raises(Rollback), transaction.atomic():
        fixed_sql.insert(answer(bob, "begun-1"))
        assert stored("begun-1")  # in the transaction: seen by its next statement
        raise Rollback
    assert not stored("begun-1")
    # psycopg sent no BEGIN of its own (the statement carried it); the rollback is its own
    assert "BEGIN" not in sent_alone


def test_a_statement_that_carries_the_commit_is_committed_when_it_returns(cast, sent_alone):
    bob = cast.users["bob"]
    sent_alone.clear()
    seen = []
    with transaction.atomic():
        fixed_sql.insert(answer(bob, "before-1"))
        fixed_sql.insert(answer(bob, "committed-1"), commit=True)
        if connection.vendor == "postgresql":
            # Another connection sees both rows before the block ends
            seen = on_another_connection(
                lambda: sorted(
                    IdempotencyRecord.objects.filter(
                        key__in=["before-1", "committed-1"]
                    ).values_list("key", flat=True)
                )
            )
    if connection.vendor == "postgresql":
        assert seen == ["before-1", "committed-1"] and sent_alone == []
    assert stored("before-1") and stored("committed-1")
    assert not connection.in_atomic_block and connection.get_autocommit()


def test_a_failing_statement_runs_not_its_commit_and_the_block_rolls_back(cast):
    bob = cast.users["bob"]
    fixed_sql.insert(answer(bob, "taken-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        fixed_sql.insert(answer(bob, "written-1"))
        fixed_sql.insert(answer(bob, "taken-1"), commit=True)  # (user, key) is unique
    assert not stored("written-1")
    # And the connection goes on: the next transaction begins and commits
    with transaction.atomic():
        fixed_sql.insert(answer(bob, "next-1"), commit=True)
    assert stored("next-1")


def test_a_savepoints_statement_carries_no_commit(cast, sent_alone):
    bob = cast.users["bob"]
    with pytest.raises(Rollback), transaction.atomic():
        fixed_sql.insert(answer(bob, "outer-1"))
        with transaction.atomic():
            fixed_sql.insert(answer(bob, "inner-1"), commit=True)
        raise Rollback
    # The outer block's rollback took both: the inner block's statement committed nothing
    assert not stored("outer-1") and not stored("inner-1")


def test_a_chain_statement_carrying_the_commit_fails_without_a_head(cast):
    bob = cast.users["bob"]
    ChainHead.objects.all().delete()
    records = AuditEvent.objects.count()
    if connection.vendor == "postgresql":
        # Its statement would save nothing without a head, and commit the rest: refused
        with pytest.raises(IntegrityError), transaction.atomic():
            with log.chained_at_end(commit=True):
                fixed_sql.insert(answer(bob, "headless-1"))
                log.record(actor=bob, event="test.headless")
                log.save_with_chain(answer(bob, "headless-2"))
        assert not stored("headless-1") and not stored("headless-2")
        assert AuditEvent.objects.count() == records
    else:
        # SQLite appends in Python and makes the head, as before
        with transaction.atomic(), log.chained_at_end(commit=True):
            fixed_sql.insert(answer(bob, "headless-1"))
            log.record(actor=bob, event="test.headless")
        assert stored("headless-1") and ChainHead.objects.filter(pk=1).exists()


def test_migrate_makes_the_chain_head_when_there_is_none(db):
    ChainHead.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert ChainHead.objects.get(pk=1).hash == log.GENESIS
    # And keeps a head that is there
    ChainHead.objects.filter(pk=1).update(hash="a" * 64)
    call_command("migrate", verbosity=0)
    assert ChainHead.objects.get(pk=1).hash == "a" * 64


def test_a_statement_whose_values_cannot_be_sent_leaves_the_connection_usable(cast):
    bob = cast.users["bob"]
    # When the first statement of a transaction fails before it is sent (a value the
    # driver cannot adapt), after its BEGIN was queued on PostgreSQL
    with pytest.raises(Exception, match="adapt|type|support"), transaction.atomic():
        fixed_sql.fetch("SELECT %s", [object()])
    # Then the block rolled back, and the connection begins and commits the next one
    with transaction.atomic():
        fixed_sql.insert(answer(bob, "after-1"))
        fixed_sql.insert(answer(bob, "after-2"), commit=True)
    assert stored("after-1") and stored("after-2")


def test_a_statement_failing_on_its_first_run_runs_again_afterwards(cast):
    bob = cast.users["bob"]
    fixed_sql.insert(answer(bob, "taken-2"))
    sql, fields, _returning = fixed_sql._insert_sql(IdempotencyRecord)
    text = sql + " -- a statement of its own"  # run here first on the connection

    def values(key):
        row = answer(bob, key)
        return [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]

    # When its first run (on PostgreSQL prepared in the same message as the BEGIN) fails
    with pytest.raises(IntegrityError), transaction.atomic():
        fixed_sql.fetch(text, values("taken-2"))
    # Then the next transactions run it again
    for n in range(3):
        with transaction.atomic():
            fixed_sql.fetch(text, values(f"again-{n}"))
    assert IdempotencyRecord.objects.filter(key__startswith="again-").count() == 3
