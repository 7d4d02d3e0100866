"""A read started on its own thread and database connection while the caller goes on.

A city's year has parts that do not depend on each other: the contact compliance of every
pairing (第二十条) is one counting statement the database works on for a few tenths of a
second, while the cadres' years are judged in Python. Started alongside, the database
counts on one core while Python judges on another; `result()` then waits for what is left.

Only outside a transaction: a second connection would not see the caller's transaction
(its own writes, or a test's rows), so inside one the function simply runs at once, on the
caller's thread and connection. Outside one each statement already sees what is committed
when it runs, whichever connection runs it. Its statements are the other connection's: a
count of the caller's queries (CaptureQueriesContext, a page's query budget) leaves them
out, so budgets are tested inside a transaction, where every read is the caller's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db import connection, connections

T = TypeVar("T")


class Pending(Generic[T]):
    """What `started` returns: `result()` gives the function's value or raises its error."""

    def __init__(self, function: Callable[..., T], args, kwargs):
        self._value: T | None = None
        self._error: BaseException | None = None
        if connection.in_atomic_block:
            self._thread = None
            self._run(function, args, kwargs, close=False)
        else:
            self._thread = threading.Thread(
                target=self._run, args=(function, args, kwargs, True), daemon=True
            )
            self._thread.start()

    @property
    def on_own_thread(self) -> bool:
        return self._thread is not None

    def _run(self, function, args, kwargs, close: bool) -> None:
        try:
            self._value = function(*args, **kwargs)
        except BaseException as error:  # handed to the caller by result()
            self._error = error
        finally:
            if close:
                connections.close_all()  # this thread's connections only

    def result(self) -> T:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def started(function: Callable[..., T], *args, **kwargs) -> Pending[T]:
    """`function(*args, **kwargs)` started on a thread of its own (outside a transaction)."""
    return Pending(function, args, kwargs)
