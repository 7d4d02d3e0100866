"""Writing audit records: called inside the service's transaction, so a write
and its audit record are saved together or not at all."""

import threading
from contextlib import contextmanager
from functools import cache

from django.db import transaction
from django.utils import timezone

from zhucun import fixed_sql
from zhucun.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64

# Records waiting for the end of a `chained_at_end()` block, per thread.
_waiting = threading.local()


def record(
    *,
    actor,
    event: str,
    obj=None,
    outcome: str = "ok",
    address: str | None = None,
    detail: dict | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one audit record; `obj` is a model instance or None.

    `actor_name` names who acted when there is no account (a failed login
    records the username that was tried).

    Inside a `chained_at_end()` block the record is appended when the block
    ends (the same object is returned, saved then).
    """
    entry = AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor_name if actor_name is not None else getattr(actor, "username", "")) or "",
        address=address,
        event=event,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        outcome=outcome,
        detail=detail or {},
    )
    waiting = getattr(_waiting, "entries", None)
    if waiting is not None:
        waiting.append(entry)
    else:
        _append([entry])
    return entry


def save_with_chain(obj) -> None:
    """INSERT the new row `obj` with the audit records of the `chained_at_end()` block it
    is made in: on PostgreSQL in the chain's one statement (a round trip less for each
    such row). For rows nothing reads before the commit: the exactly-once ledger's
    answer, a log's revision. Outside a block it is inserted at once; in a block that
    makes no record, when the block ends."""
    riders = getattr(_waiting, "riders", None)
    if riders is None:
        fixed_sql.insert(obj)
    else:
        riders.append(obj)


@contextmanager
def chained_at_end():
    """Append the records made inside this block when it ends, not when each is made.

    Use it just inside a transaction (`with transaction.atomic(), chained_at_end():`):
    the records are still saved in that transaction, but the chain head's row
    lock, which every audited write in the system waits for, is taken only
    for the last statements before the commit instead of from the record to
    the commit. If the block raises, its records are dropped with the
    transaction that rolls back.
    """
    if getattr(_waiting, "entries", None) is not None:
        yield  # nested: the outer block appends
        return
    _waiting.entries, _waiting.riders = [], []
    try:
        yield
        entries, riders = _waiting.entries, _waiting.riders
    finally:
        _waiting.entries = _waiting.riders = None
    if entries:
        _append(entries, riders)
    else:
        for obj in riders:
            fixed_sql.insert(obj)


@cache
def _head_sql() -> tuple[str, str]:
    """Lock and read the chain head; write it. Every audited write runs both, so they
    are written once per process (zhucun/fixed_sql.py), as the ORM's
    `select_for_update().get(pk=1)` and `save(update_fields=["hash"])` write them
    (FOR UPDATE where the database has it; SQLite's writer holds the whole database)."""
    h = ChainHead
    lock = " FOR UPDATE" if transaction.get_connection().features.has_select_for_update else ""
    hash_col, pk_col = fixed_sql.column(h, "hash"), fixed_sql.column(h, "id")
    return (
        f"SELECT {hash_col} FROM {fixed_sql.table(h)} WHERE {pk_col} = %s{lock}",
        f"UPDATE {fixed_sql.table(h)} SET {hash_col} = %s WHERE {pk_col} = %s",
    )


def _append(entries: list[AuditEvent], riders=()) -> None:
    # No savepoint: a failure here fails the caller's whole transaction anyway,
    # and a savepoint is two more statements while holding the chain head.
    lock_head, write_head = _head_sql()
    with transaction.atomic(savepoint=False):
        rows = fixed_sql.fetch(lock_head, [1])
        if rows:
            previous = rows[0][0]
        else:  # the first record ever: make the head (locked, as before)
            head, _ = ChainHead.objects.select_for_update().get_or_create(
                pk=1, defaults={"hash": GENESIS}
            )
            previous = head.hash
        for entry in entries:
            # Stamped under the lock, so time order is chain order (retention
            # purges a prefix of the chain by time).
            entry.at = timezone.now()
            entry.previous_hash = previous
            entry.hash = entry.compute_hash()
            previous = entry.hash
        if fixed_sql.connection.vendor == "postgresql":
            # The records and the new head in one statement: one round trip less
            # while every other audited write waits for the head's lock.
            fixed_sql.insert_then_update(entries, write_head, [previous, 1], also=riders)
        else:
            for obj in riders:
                fixed_sql.insert(obj)
            for entry in entries:
                fixed_sql.insert(entry)
            fixed_sql.execute(write_head, [previous, 1])


def verify_chain() -> list[str]:
    """Problems found walking the chain from its anchor; empty when intact.

    The anchor is the genesis hash, or after a retention purge the hash of
    the last purged record (audit/retention.py).
    """
    problems = []
    head = ChainHead.objects.filter(pk=1).first()
    previous = head.anchor if head is not None else GENESIS
    for entry in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            problems.append(f"#{entry.pk}: 前一条哈希不符(记录被删除或插入)")
        if entry.compute_hash() != entry.hash:
            problems.append(f"#{entry.pk}: 内容哈希不符(记录被篡改)")
        previous = entry.hash
    if head is not None and head.hash != previous:
        problems.append("链尾哈希与最后一条记录不符(末尾记录被删除)")
    return problems


def client_address(request) -> str | None:
    """The address a request came from, as axes saw it (it honours the proxy settings)."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
