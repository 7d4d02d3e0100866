"""The cyclic garbage collector paused around a bulk computation (the engines of issue 8).

A city's year of attendance, contact compliance or assessment builds hundreds of
thousands of objects that stay alive until the result is returned (day-status dicts,
checks and their evidence, pairings, summaries, failures). Each time enough of them
survive a young collection, CPython runs a full collection that walks every live
object — Django's own and everything built so far — and finds nothing to free: the
engines make no reference cycles of their own. At S=0.2 three such walks were ~0.2 s
of the engine's ~1 s of CPU. Reference counting still frees everything as usual;
only the search for cycles waits until the computation returns.

Process-wide, like gc.disable() itself: a thread running meanwhile also runs without
it for that time. Pauses are counted across threads (two engines may run side by side,
zhucun/alongside.py): the collector is switched back on when the last one ends, and only
if it was on when the first began, so pauses nest and a caller's own gc.disable() is kept.

Switched back on, the collector would at once walk everything allocated during the pause
as one young generation (~0.1 s after a city's year, to free nothing). So those objects are
first moved, unwalked, to the oldest generation (gc.freeze() then gc.unfreeze(), which
also zero the young count): most are freed by reference counting when the caller drops the
result, and the rest are walked by the next full collection, as any long-lived object is.
Not done when the process keeps frozen objects of its own (gc.freeze() before forking
workers), which unfreezing would release.
"""

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_pauses = 0  # pauses going on, in every thread
_was_enabled = False  # the collector's state when the first of them began


@contextmanager
def gc_paused():
    """Use as `with gc_paused():` or as a decorator (`@gc_paused()`)."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                if not gc.get_freeze_count():
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
