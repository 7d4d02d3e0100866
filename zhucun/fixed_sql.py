"""Fixed statements of the API's write path, written once per process.

An API write (a check-in, a log save) runs about ten statements whose text never
changes: the token, the idempotency ledger, the service's rows, the audit chain.
Through the ORM each is built and compiled again on every request, 0.3–1 ms of CPU
each, more than the database's work on it (docs/benchmarks-history.md, "Write path through
the API: fixed statements"). Here the text is written once from the models' tables
and columns, as the scope's query is (accounts/scope.py `_scope_sql`), and the
values go through the same conversions the ORM applies: the fields'
`get_db_prep_save` on the way in, the backend's and the field's converters on the
way out, and `Model.from_db` to make the instance. The results are the ORM's
(tests/test_fixed_sql.py compares them).

On PostgreSQL each is also prepared once per connection (`cursor()`): the server
parses and plans it on its first run and reuses that work after.

Only for fixed, hot statements: everything else stays with the ORM.
"""

import datetime
import logging
import time
from functools import cache, lru_cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from psycopg._preparing import Prepare
from psycopg.generators import fetch_many
from psycopg.pq import ExecStatus, TransactionStatus

PIPELINE_SYNC = ExecStatus.PIPELINE_SYNC


def _db():
    """The connection object itself. `django.db.connection` is a proxy: every attribute
    read through it looks the connection up again (asgiref's Local, ~5 µs), and an API
    write read ~50 of them through these functions and the fields' conversions."""
    return connections[DEFAULT_DB_ALIAS]


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quoted(model._meta.db_table)


def column(model: type[Model], name: str) -> str:
    return quoted(model._meta.get_field(name).column)


@cache
def _fields(model: type[Model]) -> tuple:
    return tuple(model._meta.concrete_fields)


@cache
def columns(model: type[Model], alias: str | None = None) -> str:
    """Every concrete column of `model`, in `Model.from_db` order, for a SELECT list."""
    prefix = f"{quoted(alias)}." if alias else ""
    return ", ".join(f"{prefix}{quoted(f.column)}" for f in _fields(model))


def width(model: type[Model]) -> int:
    """How many values of a row `columns(model)` selects."""
    return len(_fields(model))


@cache
def _converters(model: type[Model]) -> tuple:
    # What the ORM's compiler applies to each selected column (SQLInsertCompiler /
    # SQLCompiler.get_converters): the backend's converters, then the field's. Only the
    # columns that have any, with their index, as the compiler keeps them: on PostgreSQL
    # a model's JSON columns at most, on SQLite its dates, times and booleans too.
    found = []
    for i, field in enumerate(_fields(model)):
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if converters:
            found.append((i, col, tuple(converters)))
    return tuple(found)


@cache
def _pk_index(model: type[Model]) -> int:
    return [f.primary_key for f in _fields(model)].index(True)


@cache
def _plain_attnames(model: type[Model]) -> tuple[str, ...] | None:
    """The attribute names `Model.from_db` sets on a new instance of `model`, when setting
    them is all it does; None when it may do more: a model with its own `__init__` or
    `from_db`, or a field whose attribute's assignment does more than store the value
    (on a new instance a foreign key's id only stores it: nothing is cached yet)."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return None
    plain = (DeferredAttribute, ForeignKeyDeferredAttribute)
    names = tuple(f.attname for f in _fields(model))
    if any(type(getattr(model, name, None)) not in plain for name in names):
        return None
    return names


def instance(model: type[Model], row, start: int = 0, db=None) -> Model | None:
    """The instance of `model` whose columns begin at `row[start]`, as the ORM makes it;
    None when its primary key is NULL (the missing side of a LEFT JOIN). `db`: the
    connection, when the caller has it at hand (each look-up of it costs, `_db`).

    Made as `Model.from_db` makes it, without `Model.__init__`'s general path (its
    signals, checks and an assignment per field through the descriptors) when that
    is all the same: no `pre_init` / `post_init` receiver for the model and every
    field's attribute a plain one (`_plain_attnames`). An API write makes three or
    four instances (token, user, cadre, the log or check-in): with the token's related
    instances cached as select_related caches them (api/auth.py), ~3 % fewer
    instructions per API write (callgrind, S=0.2)."""
    values = list(row[start : start + width(model)])
    if values[_pk_index(model)] is None:
        return None
    if db is None:
        db = _db()
    for i, col, converters in _converters(model):
        value = values[i]
        for convert in converters:
            value = convert(value, col, db)
        values[i] = value
    names = _plain_attnames(model)
    if names is None or pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model.from_db(db.alias, None, values)
    obj = model.__new__(model)
    # What __init__ and from_db leave: the state first, then each field's value.
    state = obj._state = ModelState()
    obj.__dict__.update(zip(names, values, strict=True))
    state.adding = False
    state.db = db.alias
    return obj


def instances(row, *models: type[Model]) -> list[Model | None]:
    """The instances of `models` whose columns follow each other from the row's start
    (a join's `columns(...)` lists in this order), each as `instance` makes it."""
    db, start, found = _db(), 0, []
    for model in models:
        found.append(instance(model, row, start, db))
        start += width(model)
    return found


@cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Values bound on the server and every statement prepared on its first run.

        Django's own cursors bind values into the text on the client (so the server
        parses and plans every statement again) and never prepare (prepare_threshold
        None, for connection poolers). A fixed statement's text never changes, so it is
        prepared once per connection: ~40 % of the backend's CPU per API write was
        planning them again (docs/benchmarks-history.md, "Write path ... prepared").
        """

        always = True

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=self.always or None, binary=binary)

        def _start_query(self, query=None):
            # psycopg makes a new Transformer (which converts values both ways) for each
            # statement unlike the last, and so looks up each parameter's dumper and
            # each column's loader again: on this cursor, every statement. Its lookups
            # are kept by type and by OID, not by statement, so the one Transformer
            # serves them all (~1 % of an API write's instructions).
            if getattr(self, "_tx", None) is not None:
                self._last_query = query
            return super()._start_query(query)

        def execute_joined(self, statements, *, begin: bool, commit: bool) -> None:
            """`execute` of each (query, params) of `statements` in turn, in one message to
            the server and one answer (libpq's pipeline mode, one Sync), with their
            transaction's BEGIN before them and/or COMMIT after them; the results are
            read one after the other (`nextset`).

            psycopg sends a transaction's BEGIN on its own before its first statement,
            and Django the COMMIT on its own at the end: two of an API write's five
            messages, each waking the server's process and then the worker again. The
            BEGIN is psycopg's own (`_get_tx_start_command`), sent first, so psycopg
            finds the transaction begun. Each statement is prepared, or prepared first,
            as psycopg's `_maybe_prepare_gen` does it. A statement that fails aborts
            the rest of the pipeline: the statements and a COMMIT after it are not run,
            and a transaction is left failed for Django's rollback, as before."""
            with self._conn.lock:
                self._conn.wait(self._joined_gen(statements, begin, commit))

        def _joined_gen(self, statements, begin: bool, commit: bool):
            conn, pgconn = self._conn, self._pgconn
            pgconn.enter_pipeline_mode()
            answers, sent = [], []
            self.sent_queries = []  # each statement's, for Django's query log
            try:
                if begin:
                    pgconn.send_query_params(conn._get_tx_start_command(), None)
                yield from self._start_query(statements[0][0])  # libpq: a transaction is active
                for query, params in statements:
                    pgq = self._query = self._convert_query(query, params)
                    self.sent_queries.append(pgq)
                    prepared, name = self._get_prepared(pgq, self.always or None)
                    if prepared is Prepare.SHOULD:
                        pgconn.send_prepare(name, pgq.query, param_types=pgq.types)
                    if prepared is Prepare.NO:
                        pgconn.send_query_params(
                            pgq.query,
                            pgq.params,
                            param_formats=pgq.formats,
                            param_types=pgq.types,
                            result_format=self.format,
                        )
                    else:
                        pgconn.send_query_prepared(
                            name, pgq.params, param_formats=pgq.formats, result_format=self.format
                        )
                    key = conn._prepared.maybe_add_to_cache(pgq, prepared, name)
                    sent.append((key, prepared, name))
                if commit:
                    pgconn.send_query_params(b"COMMIT", None)
            finally:
                # Sends them all; also when a failure stopped the sending halfway, so that
                # what was sent is answered before the connection leaves pipeline mode.
                pgconn.pipeline_sync()
                while (got := (yield from fetch_many(pgconn)))[0].status != PIPELINE_SYNC:
                    answers.append(got)
                pgconn.exit_pipeline_mode()
            # The answers: BEGIN, then each statement's (after its PREPARE), then COMMIT.
            results, at = [], int(begin)
            for key, prepared, name in sent:
                at += prepared is Prepare.SHOULD
                if key is not None:  # first: a statement that failed is not kept as prepared
                    conn._prepared.validate(key, prepared, name, answers[at])
                results += answers[at]
                at += 1
            for answer in answers:  # the first error
                self._check_results(answer)
            self._set_results(results)
            self._last_query = statements[-1][0]
            yield from conn._prepared.maintain_gen(conn)

        def _maybe_prepare_gen(self, pgq, **options):
            # psycopg keeps the statement it ran only when it was not prepared; Django's
            # query log (DEBUG, assertNumQueries) reads it (last_executed_query).
            self._query = pgq
            return super()._maybe_prepare_gen(pgq, **options)

    return PreparedCursor


def _allow_preparing(db) -> None:
    if (
        db.connection.prepare_threshold is None
        and "prepare_threshold" not in db.settings_dict["OPTIONS"]
    ):
        # Django turns preparing off (None) for connection poolers unless OPTIONS says
        # otherwise; psycopg's default turns it on. It applies to server-binding cursors
        # only: Django's own cursors bind on the client and are never prepared. (An
        # explicit OPTIONS "prepare_threshold": None, for a pooler that cannot keep
        # prepared statements, is kept: then nothing is prepared.)
        db.connection.prepare_threshold = 5


def cursor(prepare: bool | None = True):
    """A cursor for fixed statements, logged and wrapped as Django's own cursors are.

    On PostgreSQL each statement run on it is prepared on its first run on the
    connection (`prepare=True`: only for a text that never changes, or few that do: each
    is kept on the connection) or, with `prepare=None`, once the same text has been run
    five times (psycopg's default threshold; for texts that vary, as a chain append's
    with its number of records)."""
    db = _db()
    if db.vendor != "postgresql":
        return db.cursor()
    # What connection.cursor() does, with the prepared cursor instead of the client one.
    db.close_if_health_check_failed()
    db.ensure_connection()
    _allow_preparing(db)
    with db.wrap_database_errors:
        raw = _prepared_cursor_class()(db.connection)
    raw.always = bool(prepare)
    _timestamps_loaded_in_c(raw, db)
    return db._prepare_cursor(raw)


def _timestamps_loaded_in_c(raw, db) -> None:
    """On this cursor, `timestamptz` values read by psycopg's own loader, compiled in C,
    instead of Django's subclass of its pure-Python one, when both give the same value.

    Django's loader parses the text in Python, then puts its time zone on the result
    (`psycopg_any.BaseTzLoader`: `.replace(tzinfo=...)`, which is right only because
    Django sets the session's TimeZone to its own); psycopg's gives the session's
    time zone, `datetime.timezone.utc` for "UTC". So with USE_TZ (Django's zone UTC)
    and the session in UTC the two return equal datetimes with the same tzinfo object,
    and the C one costs a fraction: the token's row has up to six timestamps, a log
    two, and parsing them in Python was ~5 % of an API write's instructions."""
    from psycopg.postgres import types
    from psycopg.pq import Format
    from psycopg.types.datetime import TimestamptzLoader

    django_loader = raw.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
    if (
        db.timezone is datetime.UTC
        and getattr(django_loader, "timezone", None) is datetime.UTC
        and raw.connection.info.parameter_status("TimeZone") == "UTC"
    ):
        # AdaptersMap.register_loader takes the C class when psycopg's is installed.
        raw.adapters.register_loader("timestamptz", TimestamptzLoader)


def _new_statement_cursor(db, prepare: bool | None):
    if db.vendor == "postgresql":
        return cursor(prepare).cursor  # what Django's wrapper wraps
    # SQLite: the plain sqlite3 cursor; the text comes with its "?" (`_sqlite_text`).
    return db.connection.cursor()


def _statement_cursor(db, prepare: bool | None):
    """(cursor, kept): the connection's own cursor for fixed statements, made once per
    connection and used again for each (a fixed statement's whole result is read before
    the next runs, and a connection is one thread's); a new one, not kept, while the
    connection is shared between threads (a test's live server on in-memory SQLite)."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    if db.allow_thread_sharing:
        return _new_statement_cursor(db, prepare), False
    raw = getattr(db, "_zhucun_fixed_cursor", None)
    if raw is None or raw.connection is not db.connection or getattr(raw, "closed", False):
        raw = db._zhucun_fixed_cursor = _new_statement_cursor(db, prepare)
    if db.vendor == "postgresql":
        _allow_preparing(db)  # as each new cursor did (OPTIONS may change in tests)
        raw.always = bool(prepare)
    return raw, True


@lru_cache(maxsize=256)
def _postgresql_text(sql: str) -> bytes | str:
    # The text as psycopg sends it, encoded once: given a str it encodes it on every run,
    # then hashes the new bytes (~2,000 for the token's) to find its parsed form in its
    # cache; the same bytes object's hash is kept. ASCII only, which every client
    # encoding writes alike (the statements are made of names and placeholders).
    return sql.encode("ascii") if sql.isascii() else sql


@cache
def _sqlite_text(sql: str) -> str:
    # What Django's SQLite cursor does to every statement's text ("%s" -> "?"), once.
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    return SQLiteCursorWrapper.convert_query(None, sql)


_log = logging.getLogger("django.db.backends")


def _joined(raw, db, commit: bool) -> tuple[bool, bool]:
    """(BEGIN, COMMIT): whether the next statement on `raw` carries its transaction's
    BEGIN and COMMIT (PostgreSQL). The BEGIN when psycopg would send one on its own
    before it: in a transaction (Django's atomic block) not yet begun on the server.
    The COMMIT when the caller asks for it (`commit`: its atomic block ends right after
    the statement) and that block is the outermost, which commits when it ends: no
    savepoint, nothing marked to roll back."""
    if db.vendor != "postgresql":
        return False, False
    conn = raw.connection
    begin = not conn.autocommit and conn.pgconn.transaction_status == TransactionStatus.IDLE
    return begin, (
        commit
        and db.in_atomic_block
        and db.commit_on_exit
        and len(db.atomic_blocks) == 1
        and not db.savepoint_ids
        and not db.needs_rollback
    )


def _run(sql: str, params, prepare: bool | None, read, db=None, commit: bool = False):
    """Run a fixed statement and `read(cursor)` its result: `_run_together` of one."""
    return _run_together([(sql, params)], prepare, read, db, commit)[0]


def _run_together(statements, prepare: bool | None, read, db=None, commit: bool = False) -> list:
    """Run the fixed statements (sql, params) in turn and `read(cursor)` the result of
    each, as Django's cursor wrapper runs a statement: refused in a broken transaction,
    the driver's errors turned into Django's (an Idempotency-Key's racing insert is
    still an IntegrityError), logged in the query log when queries are logged (DEBUG,
    assertNumQueries) with the text Django's log gives. Without the wrapper's layers
    around each statement (a new cursor, its wrapper, the context managers, the fetch's
    error wrapping): ~40 % of the Python side of a fixed statement, and an API write
    runs five or six of them.

    On PostgreSQL several statements go to the server in one message (one round trip,
    `execute_joined`); the first carries its transaction's BEGIN when it is the first
    of the transaction, and the last its COMMIT when `commit` says the caller's
    outermost atomic block ends right after it (`_joined`): then the block's own commit
    finds nothing left to do. With execute wrappers installed
    (`connection.execute_wrapper`) they go through Django's cursor, so they see them,
    one at a time and carrying neither. `db`: the connection, when the caller has it."""
    if db is None:
        db = _db()
    if db.execute_wrappers:
        with cursor(prepare) as cursor_:
            return _in_turn(cursor_, statements, read)
    raw, kept = _statement_cursor(db, prepare)
    postgresql = db.vendor == "postgresql"
    if not postgresql:
        db.begin_if_pending()  # zhucun/sqlite_backend: a transaction begins at its first statement
    texts = [
        (_postgresql_text(sql) if postgresql else _sqlite_text(sql), params)
        for sql, params in statements
    ]
    db.validate_no_broken_transaction()
    logged = db.queries_logged
    start = time.monotonic() if logged else 0.0
    try:
        with db.wrap_database_errors:
            begin, commit = _joined(raw, db, commit)
            if begin or commit or len(texts) > 1 and postgresql:
                raw.execute_joined(texts, begin=begin, commit=commit)
                found = [read(raw)]
                while raw.nextset():
                    found.append(read(raw))
                return found
            return _in_turn(raw, texts, read)
    finally:
        if logged:
            duration = time.monotonic() - start
            sent = getattr(raw, "sent_queries", ()) if len(statements) > 1 else ()
            for n, (sql, params) in enumerate(statements):
                if n < len(sent):
                    raw._query = sent[n]  # what Django's log shows of it (PostgreSQL)
                shown = db.ops.last_executed_query(raw, sql, params)
                db.queries_log.append({"sql": shown, "time": f"{duration:.3f}"})
                _log.debug(
                    "(%.3f) %s; args=%s; alias=%s",
                    duration,
                    shown,
                    params,
                    db.alias,
                    extra={"duration": duration, "sql": shown, "params": params, "alias": db.alias},
                )
        if not kept:
            raw.close()


def _in_turn(cursor_, statements, read) -> list:
    """Each (sql, params) run on `cursor_` after the other, with `read(cursor_)` of each."""
    found = []
    for sql, params in statements:
        cursor_.execute(sql, params)
        found.append(read(cursor_))
    return found


def _all(cursor_):
    return cursor_.fetchall()


def _one(cursor_):
    # Read to the end (one row): SQLite finishes the statement, as closing the cursor did.
    rows = cursor_.fetchall()
    return rows[0] if rows else None


def _rowcount(cursor_):
    return cursor_.rowcount


def fetch(sql: str, params) -> list[tuple]:
    return _run(sql, params, True, _all)


def fetch_together(statements) -> list[list[tuple]]:
    """The rows of each (sql, params) of `statements`, run in turn: on PostgreSQL in one
    round trip (`_run_together`), for reads that do not wait for each other's answer."""
    return _run_together(statements, True, _all)


def execute(sql: str, params) -> int:
    """Run a statement; the number of rows it changed."""
    return _run(sql, params, True, _rowcount)


@cache
def _insert_sql(model: type[Model]) -> tuple[str, tuple, bool]:
    fields = tuple(f for f in _fields(model) if not f.primary_key)
    returning = connection.features.can_return_columns_from_insert
    sql = (
        f"INSERT INTO {table(model)} ({', '.join(quoted(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if returning:
        sql += f" RETURNING {quoted(model._meta.pk.column)}"
    return sql, fields, returning


def values_to_save(obj: Model, names) -> list:
    """The values of the fields `names` of `obj` as the ORM sends them to the database."""
    db = _db()
    fields = (obj._meta.get_field(name) for name in names)
    return [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]


def insert(obj: Model, commit: bool = False) -> Model:
    """INSERT `obj` (its primary key assigned by the database), as `obj.save()` does.
    `commit`: the caller's atomic block ends right after it (`_run`)."""
    model = type(obj)
    sql, fields, returning = _insert_sql(model)
    db = _db()
    values = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    if returning:
        pk = _run(sql, values, True, _one, db, commit)[0]
    else:
        pk = _run(
            sql,
            values,
            True,
            lambda cursor_: db.ops.last_insert_id(
                cursor_, model._meta.db_table, model._meta.pk.column
            ),
            db,
            commit,
        )
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = db.alias
    return obj


def found_or_inserted(obj: Model, found_sql: str, found_params) -> tuple[Model, bool]:
    """(the row of `type(obj)` that `found_sql` selects, False) or, when it selects none,
    (`obj` inserted as `insert` inserts it, True): on PostgreSQL one statement, the
    INSERT made only when nothing was found (a racing insert of the same row is still
    stopped by its unique constraint: an IntegrityError); elsewhere the read, then the
    INSERT. `found_sql` selects `columns(type(obj))`, one row at most."""
    model = type(obj)
    db = _db()
    if db.vendor != "postgresql":
        rows = _run(found_sql, found_params, True, _all, db)
        return (instance(model, rows[0], 0, db), False) if rows else (insert(obj), True)
    sql, fields = _found_or_inserted_sql(model, found_sql)
    values = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    row = _run(sql, [*found_params, *values], True, _one, db)
    if not row[0]:
        return instance(model, row, 1, db), False
    obj.pk = row[1 + _pk_index(model)]
    obj._state.adding = False
    obj._state.db = db.alias
    return obj, True


@lru_cache(maxsize=16)
def _found_or_inserted_sql(model: type[Model], found_sql: str) -> tuple[str, tuple]:
    sql, fields, _returning = _insert_sql(model)
    head, _values = sql.split(" VALUES ", 1)
    values = ", ".join(["%s"] * len(fields))
    return (
        f"WITH found AS ({found_sql}), "
        f"made AS ({head} SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM found) "
        f"RETURNING {columns(model)}) "
        "SELECT FALSE, found.* FROM found UNION ALL SELECT TRUE, made.* FROM made"
    ), fields


def write_together(
    before: str,
    before_params,
    rows: list[Model],
    updates: list[tuple[Model, tuple[str, ...]]],
    final_sql: str,
    final_params,
    returning: str,
    guard: str,
    commit: bool = False,
) -> tuple | None:
    """One PostgreSQL statement (a data-modifying WITH): the common table expressions
    `before` ("name AS (...), ..."), an INSERT of each of `rows` (any models), an UPDATE
    of the fields `names` of each saved `obj` in `updates`, and `final_sql` RETURNING
    `returning`. Each INSERT and UPDATE happens only when the SQL condition `guard`
    holds (the audit chain's head was found, audit/log.py). The returned row's
    `returning` columns, or None when the statement returned none; the rows' primary
    keys assigned as `insert` assigns them. `commit`: the caller's atomic block ends
    right after it (`_run`)."""
    db = _db()
    statement, field_lists = _write_together_sql(
        before,
        tuple(type(obj) for obj in rows),
        tuple((type(obj), names) for obj, names in updates),
        final_sql,
        returning,
        guard,
    )
    params = list(before_params)
    for obj, fields in zip(rows, field_lists, strict=True):
        params += [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    for obj, names in updates:
        fields = _update_sql(type(obj), names)[1]
        params += [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]
        params.append(obj.pk)
    params += final_params
    # Its text varies with the write's shape: prepared only once seen a few times.
    found = _run(statement, params, None, _one, db, commit)
    if found is None:
        return None
    width = len(found) - len(rows)
    for obj, pk_value in zip(rows, found[width:], strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = db.alias
    return found[:width]


# Bounded: each shape of write has a statement of its own.
@lru_cache(maxsize=64)
def _write_together_sql(
    before: str, models: tuple, updates: tuple, final_sql: str, returning: str, guard: str
) -> tuple[str, tuple]:
    """The statement of `write_together` for rows of `models` and `updates`, and each
    row's fields: written once per shape (an API write's is one of a few)."""
    parts, keys, field_lists = [before], [], []
    for n, model in enumerate(models):
        sql, fields, _returning = _insert_sql(model)
        head, _values = sql.split(" VALUES ", 1)
        pk = quoted(model._meta.pk.column)
        # INSERT ... SELECT (not VALUES) for the guard: one row, its values typed by
        # the columns they go to, as in VALUES.
        values = ", ".join(["%s"] * len(fields))
        parts.append(f"inserted{n} AS ({head} SELECT {values} WHERE {guard} RETURNING {pk})")
        keys.append(f"(SELECT {pk} FROM inserted{n})")
        field_lists.append(fields)
    for n, (model, names) in enumerate(updates):
        sql, _fields = _update_sql(model, names)
        parts.append(f"updated{n} AS ({sql} AND {guard} RETURNING 1)")
    statement = f"WITH {', '.join(parts)} {final_sql} RETURNING {', '.join([returning, *keys])}"
    return statement, tuple(field_lists)


@cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> tuple[str, tuple]:
    fields = tuple(model._meta.get_field(name) for name in names)
    sql = (
        f"UPDATE {table(model)} SET {', '.join(f'{quoted(f.column)} = %s' for f in fields)} "
        f"WHERE {quoted(model._meta.pk.column)} = %s"
    )
    return sql, fields


def update(obj: Model, names: tuple[str, ...], commit: bool = False) -> None:
    """UPDATE the fields `names` of the saved `obj`, as `obj.save(update_fields=names)` does.
    `commit`: the caller's atomic block ends right after it (`_run`)."""
    sql, fields = _update_sql(type(obj), names)
    db = _db()
    values = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]
    _run(sql, [*values, obj.pk], True, _rowcount, db, commit)
