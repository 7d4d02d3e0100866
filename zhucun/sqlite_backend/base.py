"""Django's SQLite backend, its write transactions taken in turn through a file lock.

SQLite has one write lock per database. A writer that finds it taken waits by polling: its
busy handler sleeps 1, 2, 5, 10, 15, 20, 25 … ms between tries and is not woken when the
lock is freed, so under several writing workers a write could wait 50–100 ms after the lock
was free (the bench's p99). Here a transaction (`BEGIN IMMEDIATE`, settings'
transaction_mode) first takes an exclusive flock on a file beside the database: a writer
waiting for it sleeps in the kernel and is woken as soon as the holder commits or rolls
back. Writes outside a transaction (autocommit) still wait on SQLite's own lock.

Not for in-memory databases (the tests'): they have no file, and their connections may be
shared between threads.

A transaction begins (the lock, then `BEGIN IMMEDIATE`) at its first statement, not where
its atomic block begins: the Python work a write does before it (an API write's checks of
what it read ahead, its answer and its ledger row, api/idempotency.py) is then done
without holding up the other writers. Every statement of the block still runs inside the
transaction: Django's cursors and the fixed statements' (zhucun/fixed_sql.py) begin it
first. A block that runs none begins nothing.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class _Cursor(base.SQLiteCursorWrapper):
    """Django's SQLite cursor, beginning its connection's pending transaction first."""

    def execute(self, query, params=None):
        self.db.begin_if_pending()
        return super().execute(query, params)

    def executemany(self, query, param_list):
        self.db.begin_if_pending()
        return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd = None
    _write_lock_held = False
    _begin_pending = False

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.db = self
        return cursor

    def _start_transaction_under_autocommit(self):
        self._begin_pending = True  # begun by the block's first statement

    def begin_if_pending(self):
        """Begin the transaction an atomic block opened, if not yet begun: before each
        statement run on this connection."""
        if not self._begin_pending:
            return
        self._begin_pending = False
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_write_lock()
            if self._write_lock_fd is not None:
                os.close(self._write_lock_fd)
                self._write_lock_fd = None

    def _take_write_lock(self):
        if self.is_in_memory_db() or self._write_lock_held:
            return
        if self._write_lock_fd is None:
            path = f"{self.settings_dict['NAME']}.writelock"
            self._write_lock_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._write_lock_fd, fcntl.LOCK_EX)
        self._write_lock_held = True

    def _release_write_lock(self):
        # The transaction is over (committed, rolled back, closed): begun or not.
        self._begin_pending = False
        if self._write_lock_held:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)
            self._write_lock_held = False
