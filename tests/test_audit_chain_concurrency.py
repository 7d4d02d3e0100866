"""The audit chain stays one line when many writers append at once (zhucun/audit/log.py).

Runs on SQLite and on PostgreSQL (DATABASE_URL=...): each thread has its own
connection. On PostgreSQL the chain head's row lock (SELECT … FOR UPDATE) makes
each append wait for the one before; SQLite's writer holds the whole database
(BEGIN IMMEDIATE), and its in-memory test database answers "locked" at once
where a file database waits, so there a writer retries as the busy handler would.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from zhucun.audit import log
from zhucun.audit.models import AuditEvent, ChainHead

WRITERS = 6
RECORDS_EACH = 5


def _append_with_retry(write):
    for _attempt in range(200):
        try:
            write()
            return
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


def _writer(n, barrier, failures):
    def one(k):
        def write():
            # As an API write appends: at the end of its transaction, two records at once
            # for even k (a write and its follow-up), one record alone otherwise.
            with transaction.atomic(), log.chained_at_end():
                log.record(actor=None, actor_name=f"writer{n}", event="test.race", detail={"k": k})
                if k % 2 == 0:
                    log.record(
                        actor=None, actor_name=f"writer{n}", event="test.race.more", detail={"k": k}
                    )

        return write

    try:
        barrier.wait()
        for k in range(RECORDS_EACH):
            if k == RECORDS_EACH - 1:
                # And as a page's service appends: one record, outside a chained block.
                _append_with_retry(
                    lambda: log.record(actor=None, actor_name=f"writer{n}", event="test.race.page")
                )
            else:
                _append_with_retry(one(k))
    except Exception as error:  # reported to the test's thread
        failures.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_writers_append_one_unbroken_chain():
    # Given a chain with one record
    log.record(actor=None, actor_name="setup", event="test.start")
    # When six writers append at the same moment, each in its own transactions
    barrier = threading.Barrier(WRITERS)
    failures: list[Exception] = []
    threads = [
        threading.Thread(target=_writer, args=(n, barrier, failures)) for n in range(WRITERS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    # Then every record is there, and the chain verifies from its anchor to its head
    events = list(AuditEvent.objects.order_by("pk"))
    # blocks k = 0..3: one record each, a second for k = 0 and 2; then the page's one
    per_writer = 4 + 2 + 1
    assert len(events) == 1 + WRITERS * per_writer
    assert log.verify_chain() == []
    # And it is one line: each record follows exactly the one before it, none forks
    previous = [e.previous_hash for e in events]
    assert previous == [log.GENESIS] + [e.hash for e in events[:-1]]
    assert len(set(previous)) == len(events)
    assert ChainHead.objects.get(pk=1).hash == events[-1].hash
    # And in time order too (retention purges a prefix of the chain by time)
    assert [e.at for e in events] == sorted(e.at for e in events)
