"""A write's first read, sent with the bearer token's statement (one round trip, not two).

A phone's commonest writes amend what it wrote today: a second check-in, a log
saved again. Each would read today's row first, in a round trip of its own after
the token's; an operation that declares the read (`allow_api(..., read_ahead=…)`)
gets its rows from the token's round trip instead (api/auth.py), for the caller's
cadre and today.

The rows are read before the write's transaction, so a write that uses them must
be safe when they are stale: a check-in found stays found, and a log amended
from them makes a revision number that a concurrent amendment took first, which
its unique constraint refuses. `once` (api/idempotency.py) then runs the write
again, reading inside its transaction (`retry_reading_inside`).
"""

from datetime import date
from functools import lru_cache

_KEPT = "_zhucun_read_ahead"
_TAKEN = "_zhucun_read_ahead_taken"


@lru_cache(maxsize=16)
def statement(sql: str, cadre_sql: str) -> str:
    """`sql`, whose parameters are a cadre's id and a day, with the cadre found by
    `cadre_sql` (a scalar subquery of the token's digest) in place of the first."""
    head, placeholder, tail = sql.partition("%s")
    if not placeholder:
        raise ValueError("a read-ahead statement's first parameter is the cadre's id")
    return f"{head}({cadre_sql}){tail}"


def keep(request, day: date, rows: list[tuple]) -> None:
    """Keep the rows read for the caller's cadre on `day` for this request's write."""
    request.__dict__[_KEPT] = (day, rows)


def take(request, day: date) -> list[tuple] | None:
    """The rows kept for `day`, or None when none were (another day, or taken already:
    a write run again reads inside its transaction)."""
    kept = request.__dict__.pop(_KEPT, None)
    if kept is None or kept[0] != day:
        return None
    if kept[1]:
        request.__dict__[_TAKEN] = True
    return kept[1]


def retry_reading_inside(request) -> bool:
    """Whether the write that just failed used rows read ahead (once per request): a
    concurrent write may have made them stale, so it is run again without them."""
    return bool(request.__dict__.pop(_TAKEN, False))
