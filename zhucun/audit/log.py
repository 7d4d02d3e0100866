"""Writing audit records: called inside the service's transaction, so a write
and its audit record are saved together or not at all."""

import json
import threading
from contextlib import contextmanager
from functools import cache, lru_cache

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


def update_with_chain(obj, names: tuple[str, ...]) -> None:
    """UPDATE the fields `names` of the saved `obj` with the audit records of the
    `chained_at_end()` block it is made in, as `save_with_chain` inserts a row: on
    PostgreSQL in the chain's one statement. For rows nothing reads before the commit
    (a log's amended text: its revision and record are saved with it); the fields'
    values are those `obj` holds when the block ends. Outside a block it is updated at
    once; in a block that makes no record, when the block ends."""
    updates = getattr(_waiting, "updates", None)
    if updates is None:
        fixed_sql.update(obj, names)
        return
    for n, (waiting, waiting_names) in enumerate(updates):
        if waiting is obj:  # one UPDATE of a row per statement: the fields joined
            updates[n] = (obj, (*waiting_names, *(x for x in names if x not in waiting_names)))
            return
    updates.append((obj, tuple(names)))


@contextmanager
def chained_at_end(commit: bool = False):
    """Append the records made inside this block when it ends, not when each is made.

    Use it just inside a transaction (`with transaction.atomic(), chained_at_end():`):
    the records are still saved in that transaction, but the chain head's row
    lock, which every audited write in the system waits for, is taken only
    for the last statements before the commit instead of from the record to
    the commit. If the block raises, its records are dropped with the
    transaction that rolls back.

    `commit`: nothing follows this block in its transaction, so on PostgreSQL its
    last statement may carry the COMMIT (fixed_sql `_run`; when the atomic block
    around it is the outermost).
    """
    if getattr(_waiting, "entries", None) is not None:
        yield  # nested: the outer block appends
        return
    _waiting.entries, _waiting.riders, _waiting.updates = [], [], []
    try:
        yield
        entries, riders, updates = _waiting.entries, _waiting.riders, _waiting.updates
    finally:
        _waiting.entries = _waiting.riders = _waiting.updates = None
    if entries:
        _append(entries, riders, updates, commit)
    else:
        last = len(updates) + len(riders) - 1
        for n, (obj, names) in enumerate(updates):
            fixed_sql.update(obj, names, commit and n == last)
        for n, obj in enumerate(riders, len(updates)):
            fixed_sql.insert(obj, commit and n == last)


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


def _append(entries: list[AuditEvent], riders=(), updates=(), commit: bool = False) -> None:
    """Append `entries` to the chain, saving `riders` and `updates` with them; `commit`:
    as `chained_at_end`'s, for the one statement of PostgreSQL."""
    if fixed_sql.connection.vendor == "postgresql" and len(entries) <= ONE_STATEMENT_MOST:
        _append_in_one_statement(entries, riders, updates, commit)
        if entries[0].pk is not None:
            return
        # The first record ever: no head yet, and the statement saved nothing.
        with transaction.atomic(savepoint=False):
            ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"hash": GENESIS})
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
        for obj, names in updates:
            fixed_sql.update(obj, names)
        for obj in riders:
            fixed_sql.insert(obj)
        for entry in entries:
            fixed_sql.insert(entry)
        fixed_sql.execute(write_head, [previous, 1])


# A block of more records (none of the API's writes makes more than three) is appended
# as SQLite appends it: its statement would grow with each record.
ONE_STATEMENT_MOST = 8

# What `AuditEvent.payload()` puts between the time and the previous hash, in order.
_MIDDLE = (
    "actor_id",
    "actor_name",
    "address",
    "event",
    "object_type",
    "object_id",
    "outcome",
    "detail",
)


def _middle(entry: AuditEvent) -> bytes:
    """`entry.payload()` without its first and last items (the time and the previous
    hash, known only under the head's lock): the payload is
    `["<time>", <middle>, "<previous hash>"]` (json.dumps' list, ", " between items)."""
    return json.dumps(
        [getattr(entry, name) for name in _MIDDLE],
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )[1:-1].encode()


def iso_sql(at: str) -> str:
    """The SQL text of `datetime.isoformat()` of the UTC time `at` (a timestamptz
    expression), as Python writes an aware UTC time: microseconds only when not zero."""
    utc = f"({at} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || "
        f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
        " || '+00:00'"
    )


@lru_cache(maxsize=2 * ONE_STATEMENT_MOST)
def _chain_sql(count: int, strict: bool = False) -> tuple[str, str, str, str]:
    """(common table expressions, final statement, returning, guard) of
    `_append_in_one_statement` for `count` records: written once per count.
    `strict`: with no head, the first record's row is made of NULLs, which its NOT
    NULL columns refuse (an IntegrityError), instead of nothing being saved."""
    h, e = ChainHead, AuditEvent
    head_table, hash_col = fixed_sql.table(h), fixed_sql.column(h, "hash")
    pk = fixed_sql.column(h, "id")
    columns = [fixed_sql.column(e, name) for name in ("at", *_MIDDLE, "previous_hash", "hash")]
    e_pk = fixed_sql.column(e, "id")
    parts = [
        f"head AS MATERIALIZED (SELECT {hash_col} AS hash FROM {head_table} WHERE {pk} = %s FOR UPDATE)"
    ]
    before = "head"
    for n in range(count):
        # The time read once the head is locked (it comes from the head's row), then
        # the hash of the payload around it: sha256 of ["<time>", <middle>, "<previous>"].
        parts.append(
            f"link{n} AS MATERIALIZED (SELECT s.at, s.previous, encode(sha256("
            f"convert_to('[\"' || {iso_sql('s.at')} || '\", ', 'UTF8') || %s::bytea || "
            f"convert_to(', \"' || s.previous || '\"]', 'UTF8')), 'hex') AS hash "
            f"FROM (SELECT clock_timestamp() AS at, hash AS previous FROM {before} OFFSET 0) s)"
        )
        values = ", ".join(["%s"] * len(_MIDDLE))
        link = f"(SELECT 1) one LEFT JOIN link{n} l ON TRUE" if strict and n == 0 else f"link{n} l"
        # Each record's row made from the one before it: keys in chain order.
        parts.append(
            f"record{n} AS (INSERT INTO {fixed_sql.table(e)} ({', '.join(columns)}) "
            f"SELECT l.at, {values}, l.previous, l.hash FROM {link} "
            f"RETURNING {e_pk} AS id, {fixed_sql.column(e, 'at')} AS at, "
            f"{fixed_sql.column(e, 'hash')} AS hash)"
        )
        before = f"record{n}"
    final = (
        f"UPDATE {head_table} SET {hash_col} = (SELECT hash FROM {before}) "
        f"WHERE {pk} = %s AND EXISTS (SELECT 1 FROM head)"
    )
    returning = ", ".join(
        ["(SELECT hash FROM head)"]
        + [f"(SELECT {x} FROM record{n})" for n in range(count) for x in ("id", "at", "hash")]
    )
    return ", ".join(parts), final, returning, "EXISTS (SELECT 1 FROM head)"


def _append_in_one_statement(entries: list[AuditEvent], riders, updates, commit=False) -> None:
    """PostgreSQL: lock the head, stamp and hash the records, INSERT them with the rows
    of `riders`, run `updates`, and move the head, in one statement: one round trip, and
    the head's lock, which every audited write in the system waits for, held only from
    it to the commit. The hashes are `AuditEvent.compute_hash()`'s (verify_chain checks
    them in Python). Nothing is saved when there is no head yet (entries' keys stay None),
    unless the statement carries the COMMIT (`commit`): then it fails instead, as the
    transaction's other writes must not be committed without their records (every
    migrated database has its head: audit/apps.py)."""
    before, final, returning, guard = _chain_sql(len(entries), strict=commit)
    params = [1]
    for entry in entries:
        params.append(_middle(entry))
        params += fixed_sql.values_to_save(entry, _MIDDLE)
    found = fixed_sql.write_together(
        before, params, list(riders), list(updates), final, [1], returning, guard, commit
    )
    if found is None:
        for obj in riders:
            obj.pk = None
        return
    previous = found[0]
    for n, entry in enumerate(entries):
        entry.pk, entry.at, entry.hash = found[1 + 3 * n : 4 + 3 * n]
        entry.previous_hash = previous
        entry._state.adding = False
        entry._state.db = fixed_sql.connection.alias
        previous = entry.hash


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
