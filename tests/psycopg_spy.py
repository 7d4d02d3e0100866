"""What psycopg sends to PostgreSQL, for the tests of round trips."""

from django.db import connection


def spy_on_connection(monkeypatch, method: str, note) -> None:
    """Call `note(conn, argument)` before each call of `psycopg.Connection.<method>(argument,
    ...)`; on PostgreSQL only (nothing is sent to SQLite)."""
    if connection.vendor != "postgresql":
        return
    import psycopg

    original = getattr(psycopg.Connection, method)

    def spied(conn, argument, *args, **kwargs):
        note(conn, argument)
        return original(conn, argument, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, method, spied)
