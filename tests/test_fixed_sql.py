"""The write path's fixed statements (zhucun/fixed_sql.py) give exactly what the ORM gives.

Each statement written once per process is compared with the queryset it replaces,
field by field, on the rows the test cast makes (with and without a cadre, revoked
tokens, disabled users, a NULL location, JSON lists, dates and times).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_init
from django.utils import timezone
from psycopg.postgres import types
from psycopg.pq import Format

from tests import factories as f
from zhucun import fixed_sql
from zhucun.accounts.models import User
from zhucun.accounts.scope import scope_for
from zhucun.api.auth import active_token, token_and_answer
from zhucun.api.models import ApiToken, IdempotencyRecord
from zhucun.api.services import api_token_create, token_digest
from zhucun.audit import log
from zhucun.audit.models import AuditEvent, ChainHead
from zhucun.org.models import Cadre
from zhucun.stationing.models import CheckIn
from zhucun.worklogs.models import LogRevision, WorkLog
from zhucun.worklogs.services import log_save

pytestmark = pytest.mark.django_db


def values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def orm_token(digest):
    return (
        ApiToken.objects.select_related("user__cadre")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


@pytest.mark.parametrize("name", ["alice", "bob", "carol", "dora", "sam"])
def test_a_token_is_read_with_its_user_and_cadre_as_the_orm_reads_them(
    cast, name, django_assert_num_queries
):
    # Given a token of a cast member (stationed, household cadre, office, administrator)
    _token, raw = api_token_create(user=cast.users[name], name="测试")
    ApiToken.objects.filter(digest=token_digest(raw)).update(last_used_at=timezone.now())
    expected = orm_token(token_digest(raw))
    # When it is read by the fixed statement (with the scope's, sent with it)
    with django_assert_num_queries(2):
        found = active_token(token_digest(raw))
        # Then the user and their cadre (or its absence) come with it
        cadre = getattr(found.user, "cadre", None)
    # And every field is the ORM's, of the token, the user and the cadre
    assert values(found) == values(expected)
    assert values(found.user) == values(expected.user)
    expected_cadre = getattr(expected.user, "cadre", None)
    assert (cadre is None) == (expected_cadre is None)
    if cadre is not None:
        assert values(cadre) == values(expected_cadre)
        assert cadre.user is found.user
    assert not found._state.adding and found.user.is_authenticated


def test_a_revoked_token_or_a_disabled_user_is_not_found_as_with_the_orm(cast):
    # Given bob's token revoked and carol disabled
    revoked, revoked_raw = api_token_create(user=cast.users["bob"], name="测试")
    revoked.revoked_at = timezone.now()
    revoked.save(update_fields=["revoked_at"])
    _token, disabled_raw = api_token_create(user=cast.users["carol"], name="测试")
    cast.users["carol"].is_active = False
    cast.users["carol"].save(update_fields=["is_active"])
    # Then neither the ORM nor the fixed statement finds them, nor an unknown digest
    for raw in (revoked_raw, disabled_raw, "zc_unknown"):
        assert orm_token(token_digest(raw)) is None
        assert active_token(token_digest(raw)) is None


def test_a_row_inserted_and_updated_by_the_fixed_statements_reads_back_as_the_orm_saved_it(cast):
    # Given a check-in written by the fixed INSERT and one by the ORM, with a location
    now = timezone.now()
    fields = dict(
        assignment=cast.leader_assignment,
        at=now,
        latitude=Decimal("34.123456"),
        longitude=Decimal("108.654321"),
        created_by=cast.users["bob"],
    )
    ours = fixed_sql.insert(CheckIn(cadre=cast.member, day=now.date(), **fields))
    theirs = CheckIn.objects.create(cadre=cast.leader, day=now.date(), **fields)
    # Then both read back the same through the ORM and through the fixed row reader
    sql = f"SELECT {fixed_sql.columns(CheckIn)} FROM {fixed_sql.table(CheckIn)} WHERE id = %s"
    for obj in (ours, theirs):
        stored = CheckIn.objects.get(pk=obj.pk)
        read = fixed_sql.instance(CheckIn, fixed_sql.fetch(sql, [obj.pk])[0])
        assert values(read) == values(stored)
        assert {k: v for k, v in values(stored).items() if k not in ("id", "cadre_id")} == {
            k: v for k, v in values(obj).items() if k not in ("id", "cadre_id")
        }
    # And a log updated by the fixed UPDATE reads back with its JSON list and times
    log = WorkLog.objects.create(
        cadre=cast.member,
        day=now.date(),
        tasks=[1, 3],
        content="入户走访五户",
        first_saved_at=now,
        updated_at=now,
    )
    log.tasks, log.updated_at, log.revisions = [2, 5, 12], now + timedelta(minutes=3), 2
    fixed_sql.update(log, ("tasks", "updated_at", "revisions"))
    stored = WorkLog.objects.get(pk=log.pk)
    assert values(stored) == values(log)


def test_a_log_amended_with_other_households_links_exactly_the_households_named(cast):
    # Given alice's log of a day naming two of her village's households
    village = cast.household.village
    second = f.HouseholdFactory(village=village, head_name="石家")
    third = f.HouseholdFactory(village=village, head_name="田家")
    day = date(2026, 3, 2)
    at = datetime(2026, 3, 2, 20, tzinfo=timezone.get_current_timezone())

    def save(households, n):
        return log_save(
            actor=cast.users["alice"],
            day=day,
            tasks=[2],
            content=f"入户走访第{n}次记录",
            household_ids=[h.pk for h in households],
            now=at + timedelta(minutes=n),
        )

    steps = [
        [cast.household, second],  # a new log with households
        [second, third],  # one removed, one added
        [second, third],  # the same again: nothing to change
        [],  # all removed
        [third],  # one added back
    ]
    for n, households in enumerate(steps, start=1):
        # When the log is saved naming these households
        entry = save(households, n)
        # Then it links exactly them, and its revision records them
        stored = WorkLog.objects.get(pk=entry.pk)
        assert set(stored.households.values_list("pk", flat=True)) == {h.pk for h in households}
        revision = LogRevision.objects.get(log=stored, number=n)
        assert revision.household_ids == sorted(h.pk for h in households)
        assert stored.revisions == n and values(stored) == values(entry)


def test_records_appended_together_get_their_own_keys_in_chain_order(cast):
    # Given two records made in one block (appended together at its end: on
    # PostgreSQL one statement inserts both and moves the head)
    with transaction.atomic(), log.chained_at_end():
        first = log.record(actor=cast.users["bob"], event="test.first", detail={"n": 1})
        second = log.record(actor=cast.users["bob"], event="test.second", detail={"n": 2})
    # Then each returned record is its stored row, in the order made, on an intact chain
    assert first.pk < second.pk
    for made in (first, second):
        stored = AuditEvent.objects.get(pk=made.pk)
        assert values(stored) == values(made)
    assert second.previous_hash == first.hash
    assert ChainHead.objects.get(pk=1).hash == second.hash
    assert log.verify_chain() == []


def test_rows_saved_with_the_chain_are_stored_as_the_orm_stores_them(cast):
    # Given a ledger row and a log's revision saved with two records of one block (on
    # PostgreSQL one statement inserts the rows, the records and moves the head)
    bob = cast.users["bob"]
    now = timezone.now()
    entry = WorkLog.objects.create(
        cadre=cast.member,
        day=now.date(),
        tasks=[1],
        content="入户走访五户",
        first_saved_at=now,
        updated_at=now,
    )
    ledger = IdempotencyRecord(user=bob, key="k-1", request_hash="h", status=201, body="{}")
    revision = LogRevision(
        log=entry,
        number=1,
        tasks=[1, 4],
        content="入户走访五户",
        off_site=False,
        household_ids=[cast.household.pk],
        projects="",
        saved_at=now,
        saved_by=bob,
    )
    with transaction.atomic(), log.chained_at_end():
        first = log.record(actor=bob, event="test.first")
        log.save_with_chain(ledger)
        log.save_with_chain(revision)
        second = log.record(actor=bob, event="test.second")
        # Then nothing is saved before the block ends
        assert not IdempotencyRecord.objects.exists() and ledger.pk is None
    # And afterwards each row has its key and reads back as the object saved
    assert values(IdempotencyRecord.objects.get(pk=ledger.pk)) == values(ledger)
    assert values(LogRevision.objects.get(pk=revision.pk)) == values(revision)
    assert values(AuditEvent.objects.get(pk=second.pk)) == values(second)
    assert first.pk < second.pk and log.verify_chain() == []


def test_a_row_saved_with_the_chain_outside_a_block_or_in_one_without_records_is_saved(cast):
    bob = cast.users["bob"]
    # Outside a block: at once
    alone = log.save_with_chain(
        IdempotencyRecord(user=bob, key="k-alone", request_hash="h", status=200, body="{}")
    )
    assert alone is None and IdempotencyRecord.objects.filter(key="k-alone").exists()
    # In a block that makes no record: when it ends, in its transaction
    kept = IdempotencyRecord(user=bob, key="k-block", request_hash="h", status=200, body="{}")
    with transaction.atomic(), log.chained_at_end():
        log.save_with_chain(kept)
    assert values(IdempotencyRecord.objects.get(key="k-block")) == values(kept)
    # And a block that fails saves none of its rows
    dropped = IdempotencyRecord(user=bob, key="k-fail", request_hash="h", status=200, body="{}")
    with pytest.raises(ValueError), transaction.atomic(), log.chained_at_end():
        log.save_with_chain(dropped)
        log.record(actor=bob, event="test.failed")
        raise ValueError
    assert not IdempotencyRecord.objects.filter(key="k-fail").exists()
    assert not AuditEvent.objects.filter(event="test.failed").exists()


def test_the_token_statement_brings_the_users_answer_stored_under_the_key(cast):
    # Given answers stored under one key by bob and by carol
    _token, raw = api_token_create(user=cast.users["bob"], name="测试")
    for name, body in (("bob", '{"n": 1}'), ("carol", '{"n": 2}')):
        IdempotencyRecord.objects.create(
            user=cast.users[name], key="k-shared", request_hash="h", status=201, body=body
        )
    digest = token_digest(raw)
    # Then bob's token finds bob's answer under that key, none under another or no key
    assert token_and_answer(digest, "k-shared")[1] == ("h", 201, '{"n": 1}')
    assert token_and_answer(digest, "k-other")[1] is None
    assert token_and_answer(digest, None)[1] is None
    # And the token and user are the ones found without a key
    found, _stored, _ahead = token_and_answer(digest, "k-shared")
    assert values(found) == values(active_token(digest))
    assert values(found.user) == values(cast.users["bob"])


def test_a_fixed_statement_is_logged_each_run_and_prepared_once_on_postgresql(
    cast, django_assert_num_queries
):
    # Given bob's token
    _token, raw = api_token_create(user=cast.users["bob"], name="测试")
    # When it is read twice by the fixed statement (with the scope's, sent with it)
    with django_assert_num_queries(4) as queries:
        for _ in range(2):
            assert active_token(token_digest(raw)).user == cast.users["bob"]
    # Then the query log shows the statements each time (DEBUG, assertNumQueries)
    assert all('FROM "zhucun_api_apitoken"' in q["sql"] for q in queries)
    # And PostgreSQL keeps it prepared for the connection, once (SQLite prepares every
    # statement in process and keeps it in its own cache)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%FROM "zhucun_api_apitoken" t%'],
            )
            assert cursor.fetchone()[0] == 1


def prepared_token_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "zhucun_api_apitoken" t%'],
        )
        return cursor.fetchone()[0]


def test_an_explicit_prepare_threshold_of_none_in_options_keeps_statements_unprepared(cast):
    # Given the database's OPTIONS say prepare_threshold None (a pooler that cannot keep
    # prepared statements), on a connection that has prepared nothing yet
    _token, raw = api_token_create(user=cast.users["bob"], name="测试")
    options = connection.settings_dict["OPTIONS"]
    options["prepare_threshold"] = None
    try:
        if connection.vendor == "postgresql":
            connection.connection.prepare_threshold = None
            connection.connection._prepared.clear()
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")
        # When the token is read by the fixed statement, several times
        for _ in range(6):
            assert active_token(token_digest(raw)).user == cast.users["bob"]
        # Then it is found as ever, and PostgreSQL holds no prepared statement for it
        if connection.vendor == "postgresql":
            assert prepared_token_statements() == 0
    finally:
        del options["prepare_threshold"]


@pytest.mark.parametrize(
    "name", ["alice", "bob", "carol", "dora", "ed", "fay", "gus", "oscar", "olga", "sam", "aud"]
)
def test_the_token_statement_gives_the_scope_scope_for_reads_on_its_own(
    cast, name, django_assert_num_queries
):
    # Given a token of a cast member (team leader, member, household cadre, offices,
    # an outsider, administrators)
    user = cast.users[name]
    _token, raw = api_token_create(user=user, name="测试")
    # When the token is read (the scope's statement sent with the token's)
    with django_assert_num_queries(2):
        found, _stored, _ahead = token_and_answer(token_digest(raw), None)
        # Then the user's scope came with it: asking for it reads nothing more
        scope = scope_for(found.user)
    # And it is the scope scope_for reads on its own for the same user today
    assert scope == scope_for(User.objects.get(pk=user.pk))


def attributes(obj):
    """An instance's fields' attributes, in the order they were set (not its state, nor the
    scope token_and_answer caches on the user)."""
    return [(name, value) for name, value in vars(obj).items() if not name.startswith("_")]


def test_instances_made_from_the_token_row_have_the_attributes_the_orm_sets(cast):
    # Given bob's token, read by the ORM with its user and cadre
    _token, raw = api_token_create(user=cast.users["bob"], name="测试")
    expected = orm_token(token_digest(raw))
    # When the fixed statement's row is made into instances
    found = active_token(token_digest(raw))
    # Then each has the same attributes, set in the same order, and the same state
    pairs = [
        (found, expected),
        (found.user, expected.user),
        (found.user.cadre, expected.user.cadre),
    ]
    for made, orm in pairs:
        assert type(made) is type(orm)
        assert attributes(made) == attributes(orm)
        assert (made._state.adding, made._state.db) == (orm._state.adding, orm._state.db)
    # And the related instances are cached on each other as select_related caches them
    assert found.user.cadre.user is found.user


def test_a_model_with_an_init_receiver_is_made_through_its_init(cast):
    # Given a receiver of post_init for cadres (as an ImageField's dimensions add one)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Cadre)
    try:
        _token, raw = api_token_create(user=cast.users["bob"], name="测试")
        # When the token's row is made into instances
        found = active_token(token_digest(raw))
    finally:
        post_init.disconnect(receiver, sender=Cadre)
    # Then the cadre went through Model.__init__ (its receiver saw it), the others did not
    # need to
    assert seen == [found.user.cadre]
    assert values(found.user.cadre) == values(cast.member)


def test_timestamps_read_by_a_fixed_statement_are_those_the_orm_reads(cast):
    # Given tokens last used at moments written in several zones, one never used
    moments = [
        datetime(2026, 3, 1, 8, 30, tzinfo=timezone.get_fixed_timezone(480)),
        datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 1, tzinfo=timezone.get_fixed_timezone(-330)),
        None,
    ]
    ids = []
    for moment in moments:
        token, _raw = api_token_create(user=cast.users["bob"], name="测试")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=moment)
        ids.append(token.pk)
    # When a fixed statement reads them, and the ORM does
    sql = (
        f"SELECT {fixed_sql.columns(ApiToken)} FROM {fixed_sql.table(ApiToken)} "
        f"WHERE {fixed_sql.column(ApiToken, 'id')} IN (%s, %s, %s, %s) ORDER BY 1"
    )
    read = [fixed_sql.instance(ApiToken, row) for row in fixed_sql.fetch(sql, ids)]
    expected = list(ApiToken.objects.filter(pk__in=ids).order_by("pk"))
    # Then every timestamp is the ORM's, in the same time zone object
    for made, orm in zip(read, expected, strict=True):
        assert (made.created_at, made.last_used_at) == (orm.created_at, orm.last_used_at)
        assert made.created_at.tzinfo is orm.created_at.tzinfo is UTC
    assert [t.last_used_at for t in read] == moments
    if connection.vendor == "postgresql":
        # And they were parsed by psycopg's loader compiled in C, not Django's Python one
        loader = connection._zhucun_fixed_cursor.adapters.get_loader(
            types["timestamptz"].oid, Format.TEXT
        )
        assert loader.__module__.startswith("psycopg_binary")
