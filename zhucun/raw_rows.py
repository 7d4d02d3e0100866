"""Rows straight from the database cursor, for the set-based computations over a year of events.

The engine reads hundreds of thousands of event rows per run; turning each into
model instances or letting the ORM convert each date column costs several times
the database's own work (docs/benchmarks-history.md). These read the same scoped
querysets, but return the cursor's tuples, with dates as ordinals computed in SQL.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    DateField,
    Field,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
)

# A date column's proleptic Gregorian ordinal in each database's SQL. SQLite: julianday()
# of a date is its midnight, x.5; 0001-01-01 (ordinal 1) is 1721425.5.
_DAY_ORDINAL = {
    "sqlite": "CAST(julianday({}) - 1721424.5 AS INTEGER)",
    "postgresql": "({} - DATE '0001-01-01' + 1)",
}


def day_ordinal_sql(column: str) -> str:
    """SQL for a date column's ordinal (date.toordinal()), for hand-written statements."""
    return _DAY_ORDINAL[connection.vendor].format(column)


class DayOrdinal(Func):
    """A date column as its proleptic Gregorian ordinal (date.toordinal()), computed in SQL."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=_DAY_ORDINAL["sqlite"].format("%(expressions)s")
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=_DAY_ORDINAL["postgresql"].format("%(expressions)s")
        )


class EpochMicroseconds(Func):
    """A date-time column as whole microseconds since 1970-01-01 UTC, computed in SQL.

    The drivers' own parsing of a time stamp costs more than the rest of a row's
    work (psycopg parses timestamptz text in Python); an integer costs nothing.
    `local_time` turns it back into the wall-clock time of a zone.
    """

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC: the whole seconds (strftime
        # alone would round .999999 up to the next second), then the six fraction digits
        # when there are any (CAST('' AS INTEGER) is 0). '%%%%s' reaches SQLite as '%s'.
        return self.as_sql(
            compiler,
            connection,
            template=(
                "(CAST(strftime('%%%%s', substr(%(expressions)s, 1, 19)) AS INTEGER) * 1000000"
                " + CAST(substr(%(expressions)s, 21, 6) AS INTEGER))"
            ),
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM %(expressions)s) * 1000000 AS BIGINT)",
        )


def local_time(microseconds: int, zone) -> datetime:
    """An EpochMicroseconds value as the naive wall-clock time in `zone`."""
    seconds, fraction = divmod(microseconds, 1_000_000)
    return datetime.fromtimestamp(seconds, zone).replace(microsecond=fraction, tzinfo=None)


DAY_US = 86_400_000_000
UNIX_ORDINAL = date(1970, 1, 1).toordinal()


class LocalDay:
    """The ordinal of the local date in `zone` of an EpochMicroseconds value: `local_time(...)
    .date().toordinal()`, without building a date-time for each value.

    The zone's UTC offset is looked up once per UTC day, at the day's first and last
    second (offsets change on whole seconds); a day whose offset differs between the two (a daylight-saving change) takes
    the exact `local_time` for each of its values. (A zone going back to the same offset
    within one UTC day would be missed: tzdata has no such day.)
    """

    def __init__(self, zone):
        self.zone = zone
        self._offsets: dict[int, int | None] = {}

    def _offset(self, utc_day: int) -> int | None:
        first = datetime.fromtimestamp(utc_day * 86_400, self.zone).utcoffset()
        last = datetime.fromtimestamp(utc_day * 86_400 + 86_399, self.zone).utcoffset()
        return first // timedelta(microseconds=1) if first == last else None

    def __call__(self, microseconds: int) -> int:
        utc_day = microseconds // DAY_US
        try:
            offset = self._offsets[utc_day]
        except KeyError:
            offset = self._offsets[utc_day] = self._offset(utc_day)
        if offset is None:
            return local_time(microseconds, self.zone).toordinal()
        return (microseconds + offset) // DAY_US + UNIX_ORDINAL


def _statement(queryset) -> tuple[str, tuple] | None:
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. a filter on an empty id list: Django sends no query
        return None


def raw_rows(queryset, chunk: int = 10_000):
    """The queryset's rows as the database cursor returns them: no ORM conversion per row."""
    if (statement := _statement(queryset)) is None:
        return
    # A server-side cursor on PostgreSQL (Django's chunked cursor, as QuerySet.iterator()
    # uses): a client-side one holds the whole result in memory — millions of rows.
    with connection.chunked_cursor() as cursor:
        cursor.execute(*statement)
        while batch := cursor.fetchmany(chunk):
            yield from batch


def all_raw_rows(queryset) -> list[tuple]:
    """raw_rows, all at once through a client-side cursor: for a result smaller than the
    objects made of it, where PostgreSQL's server-side cursor would cost a DECLARE … WITH
    HOLD (the result materialised once more) and a FETCH per chunk."""
    if (statement := _statement(queryset)) is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


class DayList(Aggregate):
    """A group's dates in one value, in no particular order; `day_set` reads it.

    A year of check-ins is one row per cadre instead of one per cadre-day: the
    database reads the same index entries, but neither it nor Python builds a
    row for each day (several times less work for a city's year). SQLite gives
    the ISO texts joined by commas (a DateField is stored as its ISO text),
    PostgreSQL an array of dates (psycopg builds the `date`s in C).
    """

    output_field = Field()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="group_concat(%(expressions)s, ',')", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="array_agg(%(expressions)s)", **extra)


def day_set(value: str | list[date] | None) -> frozenset[date]:
    """The dates of a DayList."""
    if not value:
        return frozenset()
    if isinstance(value, str):
        return frozenset(map(date.fromisoformat, value.split(",")))
    return frozenset(value)


class TextList(Aggregate):
    """A group's values as one text joined by commas, NULLs left out (in no particular order)."""

    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="group_concat(%(expressions)s, ',')", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="string_agg(CAST(%(expressions)s AS text), ',')",
            **extra,
        )


class OffsetDate(Func):
    """The date of a date-time column at a fixed offset from UTC (whole seconds), in SQL:
    the local date in a zone whose offset does not change over the times concerned
    (`fixed_offset`)."""

    output_field = DateField()

    def __init__(self, expression, seconds: int, **extra):
        super().__init__(expression, **extra)
        self.seconds = int(seconds)

    def as_sqlite(self, compiler, connection, **extra):
        # The stored UTC text plus the offset (SQLite's date-time modifiers).
        return self.as_sql(
            compiler, connection, template=f"date(%(expressions)s, '{self.seconds:+d} seconds')"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=(
                "CAST((%(expressions)s AT TIME ZONE 'UTC') "
                f"+ INTERVAL '{self.seconds} seconds' AS date)"
            ),
        )


@lru_cache(maxsize=64)  # ~860 offset look-ups a window: once per process, not per page
def fixed_offset(zone, start: date, end: date) -> int | None:
    """The zone's UTC offset in seconds if it is the same at every instant from the day before
    `start` to the day after `end` (UTC days, first and last second of each, as LocalDay looks
    them up), else None (e.g. a daylight-saving change).

    An instant whose local date is a day of [start, end] lies in those UTC days (offsets are
    within ±14 hours), so with this offset `OffsetDate` gives the local date of every instant
    that falls on one of the days, and no other instant falls on one.
    """
    local_day = LocalDay(zone)
    offsets = {
        local_day._offset(day)
        for day in range(start.toordinal() - UNIX_ORDINAL - 1, end.toordinal() - UNIX_ORDINAL + 2)
    }
    if len(offsets) != 1 or None in offsets:
        return None
    microseconds = offsets.pop()
    return microseconds // 1_000_000 if microseconds % 1_000_000 == 0 else None


class SavedOnDay(Func):
    """Whether a date-time column's local date at a fixed UTC offset (whole seconds, as
    `OffsetDate`) is a date column's day: `day = OffsetDate(moment, seconds)`, as a condition.

    On SQLite it first compares the stored texts — 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC —
    without a date function: the UTC date is the day and the UTC time of day leaves the local
    time on the same date (before 24:00 minus the offset, or from minus the offset on). That
    holds for most logs of a year (saved on their own day, in the local afternoon or evening),
    and SQLite's `date()` on each row was most of the year's log read; the other rows are
    decided by `OffsetDate`.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, moment, day, seconds: int, **extra):
        super().__init__(moment, day, **extra)
        self.seconds = int(seconds)

    def _exact(self, compiler, connection):
        moment, day = self.get_source_expressions()
        moment_sql, moment_params = compiler.compile(OffsetDate(moment, self.seconds))
        day_sql, day_params = compiler.compile(day)
        return f"({day_sql} = {moment_sql})", (*day_params, *moment_params)

    def as_sql(self, compiler, connection, **extra):
        return self._exact(compiler, connection)

    def as_sqlite(self, compiler, connection, **extra):
        exact_sql, exact_params = self._exact(compiler, connection)
        if not -86400 < self.seconds < 86400:
            return exact_sql, exact_params
        moment, day = self.get_source_expressions()
        moment_sql, moment_params = compiler.compile(moment)
        day_sql, day_params = compiler.compile(day)
        if self.seconds >= 0:  # local date = UTC date while the UTC time is before this
            bound, test = 86400 - self.seconds, "<"
        else:  # ... from this on
            bound, test = -self.seconds, ">="
        time_of_day = f"{bound // 3600:02d}:{bound % 3600 // 60:02d}:{bound % 60:02d}"
        fast = (
            f"(substr({moment_sql}, 1, 10) = {day_sql} "
            f"AND substr({moment_sql}, 12) {test} '{time_of_day}')"
        )
        return (
            f"({fast} OR {exact_sql})",
            (*moment_params, *day_params, *moment_params, *exact_params),
        )


class Among(Func):
    """`column IN (ids)` for a set-based read of many cadres, as a condition for filter().

    `cadre_id__in=ids` costs Django a lookup, a preparation and a parameter per id when the
    query is built and psycopg the quoting of each (~10 µs an id: a city's 1,200 cadres in the
    four branches of the calendar facts' union were tens of milliseconds). Here the ids are
    checked as integers once: PostgreSQL gets them as one array parameter (`= ANY`, planned as
    the IN list it stands for; the statement's text stays the same from call to call, so
    psycopg's cache of its parsed placeholders applies), SQLite as bound integers (its own
    IN list, the same plan). No ids: the query matches nothing (EmptyResultSet), as `__in=[]`.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, ids, **extra):
        super().__init__(column, **extra)
        self.ids = tuple(sorted({int(i) for i in ids}))

    def _column(self, compiler):
        if not self.ids:
            raise EmptyResultSet
        return compiler.compile(self.get_source_expressions()[0])

    def as_sql(self, compiler, connection, **extra):
        sql, params = self._column(compiler)
        marks = ", ".join(["%s"] * len(self.ids))
        return f"{sql} IN ({marks})", (*params, *self.ids)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = self._column(compiler)
        array = "{" + ",".join(map(str, self.ids)) + "}"
        return f"{sql} = ANY(CAST(%s AS bigint[]))", (*params, array)


def among(column: str, ids):
    """`column` among `ids` as a filter() condition: Among for ids, an IN subquery for a query
    of one column (e.g. assessment.membership.touching)."""
    if isinstance(ids, QuerySet):
        return Q(**{f"{column}__in": ids})
    return Among(column, ids)
