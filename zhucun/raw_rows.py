"""Rows straight from the database cursor, for the set-based computations over a year of events.

The engine reads hundreds of thousands of event rows per run; turning each into
model instances or letting the ORM convert each date column costs several times
the database's own work (docs/benchmarks.md). These read the same scoped
querysets, but return the cursor's tuples, with dates as ordinals computed in SQL.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Func, IntegerField


class DayOrdinal(Func):
    """A date column as its proleptic Gregorian ordinal (date.toordinal()), computed in SQL."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() of a date is its midnight, x.5; 0001-01-01 (ordinal 1) is 1721425.5.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 1721424.5 AS INTEGER)",
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(%(expressions)s - DATE '0001-01-01' + 1)"
        )


def raw_rows(queryset, chunk: int = 10_000):
    """The queryset's rows as the database cursor returns them: no ORM conversion per row."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. a filter on an empty id list: Django sends no query
        return
    # A server-side cursor on PostgreSQL (Django's chunked cursor, as QuerySet.iterator()
    # uses): a client-side one holds the whole result in memory — millions of rows.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            yield from batch
