"""Fixed statements of the API's write path, written once per process.

An API write (a check-in, a log save) runs about ten statements whose text never
changes: the token, the idempotency ledger, the service's rows, the audit chain.
Through the ORM each is built and compiled again on every request, 0.3–1 ms of CPU
each, more than the database's work on it (docs/benchmarks.md, "Write path through
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

import sys
from functools import cache

from django.db import connection
from django.db.models import Model


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
    # SQLCompiler.get_converters): the backend's converters, then the field's.
    found = []
    for field in _fields(model):
        col = field.get_col(model._meta.db_table)
        found.append(
            (col, tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
        )
    return tuple(found)


@cache
def _pk_index(model: type[Model]) -> int:
    return [f.primary_key for f in _fields(model)].index(True)


def instance(model: type[Model], row, start: int = 0) -> Model | None:
    """The instance of `model` whose columns begin at `row[start]`, as the ORM makes it;
    None when its primary key is NULL (the missing side of a LEFT JOIN)."""
    values = list(row[start : start + width(model)])
    if values[_pk_index(model)] is None:
        return None
    for i, (col, converters) in enumerate(_converters(model)):
        value = values[i]
        for convert in converters:
            value = convert(value, col, connection)
        values[i] = value
    return model.from_db(connection.alias, None, values)


@cache
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """Values bound on the server and every statement prepared on its first run.

        Django's own cursors bind values into the text on the client (so the server
        parses and plans every statement again) and never prepare (prepare_threshold
        None, for connection poolers). A fixed statement's text never changes, so it is
        prepared once per connection: ~40 % of the backend's CPU per API write was
        planning them again (docs/benchmarks.md, "Write path ... prepared").
        """

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _maybe_prepare_gen(self, pgq, **options):
            # psycopg keeps the statement it ran only when it was not prepared; Django's
            # query log (DEBUG, assertNumQueries) reads it (last_executed_query).
            self._query = pgq
            return super()._maybe_prepare_gen(pgq, **options)

    return PreparedCursor


def cursor():
    """A cursor for fixed statements only (never for text built per call: each text is
    kept prepared on the connection), logged and wrapped as Django's own cursors are."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    # What connection.cursor() does, with the prepared cursor instead of the client one.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns preparing off (None) for connection poolers; a number turns it
        # on, and one never reached keeps it to the statements asked to be prepared
        # (Django's client-binding cursors are never prepared anyway).
        connection.connection.prepare_threshold = sys.maxsize
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_prepared_cursor_class()(connection.connection))


def fetch(sql: str, params) -> list[tuple]:
    with cursor() as cursor_:
        cursor_.execute(sql, params)
        return cursor_.fetchall()


def execute(sql: str, params) -> int:
    """Run a statement; the number of rows it changed."""
    with cursor() as cursor_:
        cursor_.execute(sql, params)
        return cursor_.rowcount


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


def insert(obj: Model) -> Model:
    """INSERT `obj` (its primary key assigned by the database), as `obj.save()` does."""
    model = type(obj)
    sql, fields, returning = _insert_sql(model)
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with cursor() as cursor_:
        cursor_.execute(sql, values)
        if returning:
            pk = cursor_.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor_, model._meta.db_table, model._meta.pk.column)
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def insert_then_update(objs: list[Model], update_sql: str, update_params) -> None:
    """INSERT `objs` (one model) and run `update_sql` in one statement (PostgreSQL: a
    data-modifying WITH); their primary keys assigned as `insert` assigns them."""
    model = type(objs[0])
    sql, fields, _returning = _insert_sql(model)
    pk = quoted(model._meta.pk.column)
    head, _values = sql.split(" VALUES ", 1)
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(objs))
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    # Serial keys are given in VALUES order: sorted, they are the objects' in turn.
    statement = (
        f"WITH inserted AS ({head} VALUES {rows} RETURNING {pk}) {update_sql} "
        f"RETURNING (SELECT array_agg({pk} ORDER BY {pk}) FROM inserted)"
    )
    with cursor() as cursor_:
        cursor_.execute(statement, [*params, *update_params])
        pks = cursor_.fetchone()[0]
    for obj, pk_value in zip(objs, pks, strict=True):
        obj.pk = pk_value
        obj._state.adding = False
        obj._state.db = connection.alias


@cache
def _update_sql(model: type[Model], names: tuple[str, ...]) -> tuple[str, tuple]:
    fields = tuple(model._meta.get_field(name) for name in names)
    sql = (
        f"UPDATE {table(model)} SET {', '.join(f'{quoted(f.column)} = %s' for f in fields)} "
        f"WHERE {quoted(model._meta.pk.column)} = %s"
    )
    return sql, fields


def update(obj: Model, names: tuple[str, ...]) -> None:
    """UPDATE the fields `names` of the saved `obj`, as `obj.save(update_fields=names)` does."""
    sql, fields = _update_sql(type(obj), names)
    values = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]
    execute(sql, [*values, obj.pk])
