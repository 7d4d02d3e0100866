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
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock_fd = None
    _write_lock_held = False

    def _start_transaction_under_autocommit(self):
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
        if self._write_lock_held:
            fcntl.flock(self._write_lock_fd, fcntl.LOCK_UN)
            self._write_lock_held = False
