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
it for that time. The collector is switched back on only if it was on when the
outermost pause began, so pauses nest and a caller's own gc.disable() is kept.
"""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Use as `with gc_paused():` or as a decorator (`@gc_paused()`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
