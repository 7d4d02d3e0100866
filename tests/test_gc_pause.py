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
