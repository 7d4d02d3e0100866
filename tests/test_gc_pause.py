"""The cyclic garbage collector is paused around the engines and always switched back on."""

import gc
from datetime import date

import pytest

from zhucun.gc_pause import gc_paused


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_a_pause_and_on_again_after_it():
    with gc_paused():
        inside = gc.isenabled()
    assert inside is False
    assert gc.isenabled()


def test_nested_pauses_switch_the_collector_back_on_only_when_the_outermost_ends():
    with gc_paused():
        with gc_paused():
            pass
        between = gc.isenabled()
    assert between is False
    assert gc.isenabled()


def test_a_caller_that_switched_the_collector_off_keeps_it_off():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_an_error_inside_a_pause_still_switches_the_collector_back_on():
    @gc_paused()
    def failing():
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        failing()
    assert gc.isenabled()


def test_the_three_engines_run_with_the_collector_paused(cast, monkeypatch):
    # Given each engine's first database read replaced by one that notes the collector's state
    from zhucun.assessment import cohort
    from zhucun.households import compliance
    from zhucun.stationing import calendar

    seen = {}

    def noting(name, function):
        def wrapper(*args, **kwargs):
            seen[name] = gc.isenabled()
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(calendar, "facts_for", noting("attendance", calendar.facts_for))
    monkeypatch.setattr(compliance, "scoped", noting("compliance", compliance.scoped))
    monkeypatch.setattr(cohort, "stints", noting("assessment", cohort.stints))
    today = date(2026, 6, 15)

    # When each engine runs
    calendar.attendance_for([cast.users["alice"].cadre.pk], 2026, today=today)
    compliance.contact_compliance(
        cast.users["gus"], since=date(2026, 1, 1), until=date(2026, 6, 14), today=today
    )
    cohort.county_cohorts([cast.team.village.county], 2026, today=today)

    # Then each ran its reads with the collector off, and it is on again afterwards
    assert seen == {"attendance": False, "compliance": False, "assessment": False}
    assert gc.isenabled()


def test_what_a_pause_allocated_goes_to_the_oldest_generation_unwalked():
    # Given many container objects made during a pause
    with gc_paused():
        kept = [[n] for n in range(100_000)]
    gc.collect(0)  # the young collection allocating would soon start

    # Then they had been moved to the oldest generation, out of its walk (whose
    # survivors it would move to the middle one)
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(kept) in oldest
    assert all(id(item) in oldest for item in kept[::1000])


def test_a_cycle_made_during_a_pause_is_still_collected_later():
    import weakref

    class Node:
        pass

    # Given a reference cycle made and dropped during a pause
    with gc_paused():
        node = Node()
        node.self = node
        alive = weakref.ref(node)
        del node
    assert alive() is not None

    # When a full collection runs later, Then the cycle is freed
    gc.collect()
    assert alive() is None


def test_a_process_with_frozen_objects_keeps_them_frozen():
    # Given objects frozen by the process (as a server does before forking its workers)
    frozen = [object()]
    gc.freeze()
    try:
        # When a pause begins and ends
        with gc_paused():
            made = [[n] for n in range(1_000)]
        # Then they are still frozen (outside every generation), what the pause made was not
        # frozen with them, and the collector is on
        tracked = {id(o) for o in gc.get_objects()}
        assert id(frozen) not in tracked
        assert id(made) in tracked
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def test_the_collector_stays_off_until_the_last_of_two_threads_pauses_ends():
    import threading

    # Given a pause begun on another thread, and one on this thread begun after it
    began, finish = threading.Event(), threading.Event()

    def other():
        with gc_paused():
            began.set()
            finish.wait()

    thread = threading.Thread(target=other)
    thread.start()
    began.wait()
    with gc_paused():
        # When the other thread's pause ends first
        finish.set()
        thread.join()
        # Then the collector is still off for this one
        assert not gc.isenabled()
    # And on again when this one ends
    assert gc.isenabled()
