"""zhucun.alongside: a read started on its own thread and connection outside a transaction,
run at once on the caller's inside one; either way the same value, or the same error."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from tests.dashboards.grow import grow_town
from zhucun.alongside import started
from zhucun.dashboards.figures import boards
from zhucun.dashboards.snapshots import to_json
from zhucun.org.models import Region


def _read_names():
    """The region names this thread's connection sees, the thread and that connection."""
    names = sorted(Region.objects.values_list("name", flat=True))
    return names, threading.get_ident(), connections["default"]


@pytest.mark.django_db
def test_inside_a_transaction_it_runs_at_once_on_the_caller_s_thread_and_sees_its_rows():
    # Given a row written in the caller's (the test's) transaction
    Region.objects.create(code="610000000000", name="未提交的省", level="province")

    # When a read is started alongside
    pending = started(_read_names)

    # Then it ran on this thread and connection, and saw the uncommitted row
    names, thread, used = pending.result()
    assert not pending.on_own_thread
    assert thread == threading.get_ident() and used is connections["default"]
    assert "未提交的省" in names


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_runs_on_its_own_thread_and_connection_then_closes_it():
    # Given a committed row and no transaction open
    Region.objects.create(code="610000000000", name="已提交的省", level="province")
    assert not connection.in_atomic_block

    # When a read is started alongside
    pending = started(_read_names)
    names, thread, used = pending.result()

    # Then it ran on another thread, with another connection that it closed, and read the row
    assert pending.on_own_thread
    assert thread != threading.get_ident() and used is not connections["default"]
    # (Django never closes a connection to SQLite's in-memory test database: it would be lost)
    in_memory = used.vendor == "sqlite" and used.is_in_memory_db()
    assert (used.connection is None) is not in_memory
    assert names == ["已提交的省"]


@pytest.mark.django_db(transaction=True)
def test_an_error_of_the_started_function_is_raised_by_result():
    def failing():
        raise ValueError("联户数据有误")

    pending = started(failing)
    assert pending.on_own_thread
    with pytest.raises(ValueError, match="联户数据有误"):
        pending.result()


@pytest.mark.django_db(transaction=True)
def test_boards_computed_with_the_contacts_counted_alongside_equal_those_computed_in_one_thread(
    cast,
):
    # Given a county with cadres short of days and households never contacted
    grow_town(cast, 3)
    first, today = date(2025, 9, 1), date(2025, 10, 8)

    # When the city's boards are computed outside a transaction (the contacts counted on
    # their own connection) and inside one (every read on the caller's)
    apart = boards(cast.city, first=first, today=today)
    with transaction.atomic():
        together = boards(cast.city, first=first, today=today)

    # Then every board is the same, and they do show missed contacts
    assert apart.keys() == together.keys()
    for key in apart:
        assert to_json(apart[key]) == to_json(together[key]), key
    assert apart[("region", cast.county.pk)].total.missing


@pytest.mark.django_db(transaction=True)
def test_cohorts_with_the_logs_read_alongside_equal_those_read_in_one_thread(cast):
    from tests.assessment import builders as b
    from zhucun.assessment.cohort import county_cohorts
    from zhucun.assessment.snapshots import to_json as cohort_json

    # Given a team whose cadres kept logs, a year of the cast's two counties
    b.whole_team(cast)
    counties = [cast.county, cast.other_county]

    # When the cohorts are computed outside a transaction (the logs read on their own
    # connection) and inside one
    apart = county_cohorts(counties, b.YEAR, today=b.TODAY)
    with transaction.atomic():
        together = county_cohorts(counties, b.YEAR, today=b.TODAY)

    # Then the lists and every cadre's report are the same, logs and all
    assert apart.keys() == together.keys()
    for county_id in apart:
        assert cohort_json(apart[county_id]) == cohort_json(together[county_id])
        for one, other in zip(apart[county_id].members, together[county_id].members, strict=True):
            assert one.report.to_dict() == other.report.to_dict()
            assert dict(one.facts.logs) == dict(other.facts.logs)
    assert any(m.facts.logs for m in apart[cast.county.pk].members)
