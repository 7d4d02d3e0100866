"""Fixed statements run on one cursor per connection (zhucun/fixed_sql.py `_run`) and keep
what Django's cursor wrapper gives every statement: the refusal in a broken transaction,
Django's database errors, the query log and the execute wrappers."""

import datetime
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.transaction import TransactionManagementError

from zhucun import fixed_sql
from zhucun.api.auth import active_token
from zhucun.api.models import IdempotencyRecord
from zhucun.api.services import api_token_create, token_digest

pytestmark = pytest.mark.django_db


def ledger_row(user, key):
    return IdempotencyRecord(user=user, key=key, request_hash="h", status=201, body="{}")


def test_a_fixed_statement_after_a_failed_one_in_a_transaction_is_refused_as_djangos_are(cast):
    # Given a ledger row for bob's key
    bob = cast.users["bob"]
    fixed_sql.insert(ledger_row(bob, "k-1"))
    with transaction.atomic():
        # When the same (user, key) is inserted again by the fixed statement
        with pytest.raises(IntegrityError):  # Django's, not the driver's
            with transaction.atomic():
                fixed_sql.insert(ledger_row(bob, "k-1"))
        # Then the transaction goes on (the savepoint rolled back) ...
        assert fixed_sql.fetch("SELECT %s", [1]) == [(1,)]
    # ... and when it fails without a savepoint, the next one is refused until the block ends
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            fixed_sql.insert(ledger_row(bob, "k-1"))
        with pytest.raises(TransactionManagementError):
            fixed_sql.fetch("SELECT %s", [1])


def test_each_run_is_in_the_query_log_as_djangos_log_shows_it(cast, django_assert_num_queries):
    # When two fixed statements run
    with django_assert_num_queries(2) as queries:
        fixed_sql.fetch("SELECT %s", [41])
        fixed_sql.execute("SELECT %s", [42])
    # Then the log shows each, as Django's cursor logs it: with its values on SQLite,
    # with the server's placeholders for a statement bound on the PostgreSQL server
    shown = [q["sql"] for q in queries]
    if connection.vendor == "postgresql":
        assert shown == ["SELECT $1", "SELECT $1"]
    else:
        assert shown == ["SELECT 41", "SELECT 42"]


def test_an_execute_wrapper_sees_the_fixed_statements(cast):
    # Given bob's token and a wrapper counting what runs
    _token, raw = api_token_create(user=cast.users["bob"], name="测试")
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    # When the token is read with the wrapper installed
    with connection.execute_wrapper(wrapper):
        found = active_token(token_digest(raw))
    # Then it is found, and the wrapper saw its statement
    assert found.user == cast.users["bob"]
    assert any('"zhucun_api_apitoken"' in sql for sql in seen)


def test_a_cursor_left_from_an_earlier_connection_is_not_used(cast):
    # Given the cursor kept for fixed statements belongs to a connection since closed
    class Stale:
        connection = object()
        closed = True

    connection.ensure_connection()
    connection._zhucun_fixed_cursor = Stale()
    # When a fixed statement runs
    found = fixed_sql.fetch("SELECT %s", [2])
    # Then it runs on a new cursor of the current connection
    assert found == [(2,)]
    assert connection._zhucun_fixed_cursor.connection is connection.connection


def test_while_the_connection_is_shared_between_threads_no_cursor_is_kept(cast):
    # Given the connection shared with another thread (a live server on in-memory SQLite)
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself, not the proxy
    db.ensure_connection()
    db.__dict__.pop("_zhucun_fixed_cursor", None)
    db.inc_thread_sharing()
    try:
        # When fixed statements run
        assert fixed_sql.fetch("SELECT %s", [3]) == [(3,)]
        assert fixed_sql.execute("SELECT %s", [4]) in (-1, 0, 1)
        # Then each ran on a cursor of its own, none kept for the next
        assert "_zhucun_fixed_cursor" not in db.__dict__
    finally:
        db.dec_thread_sharing()


def test_a_statement_with_text_beyond_ascii_in_it_runs_as_an_ascii_one(db):
    # Given a fixed statement whose own text has Chinese in it, and one without
    # When each is run twice (PostgreSQL: the ASCII text is sent as bytes encoded once)
    # Then both give their values back
    for _ in range(2):
        assert fixed_sql.fetch("SELECT %s || '村'", ["驻"]) == [("驻村",)]
        assert fixed_sql.fetch("SELECT %s || %s", ["联", "户"]) == [("联户",)]


def test_statements_of_different_types_in_turn_convert_their_values_with_one_transformer(db):
    # Given statements whose parameters and columns differ in type, each run in turn,
    # alone and together (PostgreSQL: the cursor's one Transformer converts them all)
    postgresql = connection.vendor == "postgresql"
    day, at = (
        datetime.date(2026, 11, 30),
        datetime.datetime(2026, 11, 30, 2, 3, tzinfo=datetime.UTC),
    )
    runs = [
        ("SELECT %s + 1, %s", [41, "村"], (42, "村")),
        # SQLite gives back the text its driver stored for a date and a decimal
        (
            "SELECT %s, %s",
            [day, Decimal("1.50")],
            (day, Decimal("1.50")) if postgresql else (day.isoformat(), "1.50"),
        ),
        ("SELECT %s, %s", [True, None], (True, None) if postgresql else (1, None)),
        ("SELECT %s + 1, %s", [1, "户"], (2, "户")),
    ]
    transformers = set()
    for _ in range(2):
        for sql, params, expected in runs:
            # Then each gives its values back converted as its own types
            assert fixed_sql.fetch(sql, params) == [expected]
            if postgresql:
                transformers.add(id(connection._zhucun_fixed_cursor._tx))
        found = fixed_sql.fetch_together([("SELECT %s, %s", [at, 7]), ("SELECT %s", ["驻"])])
        assert found == [[(at if postgresql else at.isoformat(" "), 7)], [("驻",)]]
    if postgresql:
        assert len(transformers) == 1
