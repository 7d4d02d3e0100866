"""The audit chain appended in one statement (audit/log.py): on PostgreSQL the head is
locked, each record stamped and hashed, the records and the rows saved or updated with
them written and the head moved by one statement; on SQLite in Python. Either way the
records are those `AuditEvent.compute_hash()` verifies."""

from datetime import UTC, datetime

from django.db import connection, transaction

from zhucun.api.models import IdempotencyRecord
from zhucun.audit import log
from zhucun.audit.models import AuditEvent, ChainHead
from zhucun.worklogs.models import WorkLog


def values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


DETAILS = [
    {},
    {"day": "2026-11-30", "location": True},
    {"理由": "离线签到,手机记录时间", "嵌套": {"b": [1, 2.5, None], "a": '"引号" \\ 反斜杠'}},
    {"n": 10**12, "空": "", "换行": "第一行\n第二行\t"},
]


def test_records_hashed_in_the_statement_verify_as_python_hashes_them(cast):
    bob = cast.users["bob"]
    # Given records of every kind of detail and address, appended one by one and together
    made = [
        log.record(actor=bob, event="test.one", detail=DETAILS[1], address="10.0.0.1"),
        log.record(actor=None, actor_name="试过的用户名", event="test.two", outcome="denied"),
    ]
    with transaction.atomic(), log.chained_at_end():
        for n, detail in enumerate(DETAILS):
            address = "2001:db8::1" if n % 2 else None
            made.append(log.record(actor=bob, event=f"test.{n}", detail=detail, address=address))
    # Then each returned record is its stored row, its hash the one Python computes
    for entry in made:
        stored = AuditEvent.objects.get(pk=entry.pk)
        assert values(stored) == values(entry)
        assert stored.compute_hash() == stored.hash
    # chained in the order made, keys and times in chain order, the head on the last
    for before, after in zip(made, made[1:], strict=False):
        assert after.previous_hash == before.hash
        assert before.pk < after.pk and before.at <= after.at
    assert ChainHead.objects.get(pk=1).hash == made[-1].hash
    assert log.verify_chain() == []


def test_the_time_written_in_sql_is_pythons_isoformat(db):
    times = [
        datetime(2026, 11, 30, 0, 0, 0, tzinfo=UTC),  # no microseconds: Python leaves them out
        datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 6, 1, 12, 0, 0, 500000, tzinfo=UTC),
    ]
    if connection.vendor == "postgresql":
        # (the session's own time zone must not matter)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'Asia/Shanghai'")
            for at in times:
                cursor.execute(f"SELECT {log.iso_sql('t.at')} FROM (SELECT %s AS at) t", [at])
                assert cursor.fetchone()[0] == at.isoformat()
    else:
        # SQLite stamps and hashes in Python: the head is locked and read first
        with transaction.atomic():
            entry = log.record(actor=None, actor_name="x", event="test.sqlite")
        assert entry.compute_hash() == entry.hash


def test_a_row_updated_with_the_chain_is_written_with_its_record(cast):
    bob = cast.users["bob"]
    entry = WorkLog.objects.create(
        cadre=cast.member,
        day=datetime(2026, 11, 2).date(),
        tasks=[1],
        content="入户走访五户",
        first_saved_at=datetime(2026, 11, 2, tzinfo=UTC),
        updated_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    # Outside a block: at once
    entry.content = "入户走访六户"
    log.update_with_chain(entry, ("content",))
    assert WorkLog.objects.get(pk=entry.pk).content == "入户走访六户"
    # In a block: when it ends, with its record, each field named in the block written
    with transaction.atomic(), log.chained_at_end():
        entry.content, entry.revisions = "入户走访七户", 2
        log.update_with_chain(entry, ("content",))
        log.update_with_chain(entry, ("revisions", "content"))
        log.save_with_chain(
            IdempotencyRecord(user=bob, key="k-upd", request_hash="h", status=200, body="{}")
        )
        record = log.record(actor=bob, event="test.amend", obj=entry)
        assert WorkLog.objects.get(pk=entry.pk).content == "入户走访六户"
    stored = WorkLog.objects.get(pk=entry.pk)
    assert (stored.content, stored.revisions) == ("入户走访七户", 2)
    assert values(stored) == values(entry)
    assert AuditEvent.objects.get(pk=record.pk).object_id == str(entry.pk)
    assert IdempotencyRecord.objects.filter(key="k-upd").exists()
    # In a block without records: when it ends
    with transaction.atomic(), log.chained_at_end():
        entry.content = "入户走访八户"
        log.update_with_chain(entry, ("content",))
    assert WorkLog.objects.get(pk=entry.pk).content == "入户走访八户"
    assert log.verify_chain() == []


def test_the_first_record_ever_makes_the_head_and_saves_everything_once(cast):
    # Given no chain head yet (a new database)
    ChainHead.objects.all().delete()
    AuditEvent.objects.all().delete()
    bob = cast.users["bob"]
    ledger = IdempotencyRecord(user=bob, key="k-first", request_hash="h", status=201, body="{}")
    # When the first records are appended with a row
    with transaction.atomic(), log.chained_at_end():
        first = log.record(actor=bob, event="test.first")
        log.save_with_chain(ledger)
        second = log.record(actor=bob, event="test.second")
    # Then the chain starts at the genesis hash, the row is saved once, the head made
    assert first.previous_hash == log.GENESIS and second.previous_hash == first.hash
    assert IdempotencyRecord.objects.filter(key="k-first").count() == 1 and ledger.pk
    assert ChainHead.objects.get(pk=1).hash == second.hash
    assert AuditEvent.objects.count() == 2 and log.verify_chain() == []


def test_a_block_of_more_records_than_one_statement_takes_is_appended_whole(cast):
    bob = cast.users["bob"]
    count = log.ONE_STATEMENT_MOST + 3
    ledger = IdempotencyRecord(user=bob, key="k-many", request_hash="h", status=201, body="{}")
    with transaction.atomic(), log.chained_at_end():
        made = [log.record(actor=bob, event=f"test.{n}", detail={"n": n}) for n in range(count)]
        log.save_with_chain(ledger)
    assert [e.pk for e in made] == sorted(e.pk for e in made)
    for entry in made:
        assert values(AuditEvent.objects.get(pk=entry.pk)) == values(entry)
    assert IdempotencyRecord.objects.filter(key="k-many").count() == 1
    assert ChainHead.objects.get(pk=1).hash == made[-1].hash and log.verify_chain() == []
