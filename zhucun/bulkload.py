"""What to do after writing many rows at once."""

from django.db import connection


def refresh_planner_statistics() -> None:
    """Let PostgreSQL's planner see the rows just written.

    Until autovacuum gets round to the tables (never, inside the transaction
    of a test), the planner takes freshly loaded tables for empty and picks
    nested loops of sequential scans that take minutes on a demo city.
    ANALYZE may run inside a transaction and counts that transaction's rows.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
