"""raw_rows reads a queryset's rows straight from the cursor."""

from datetime import date

import pytest
from django.db import connection

from zhucun.raw_rows import Among, DayList, DayOrdinal, day_set, raw_rows
from zhucun.stationing.models import Assignment, CheckIn

pytestmark = pytest.mark.django_db


def test_a_filter_on_an_empty_id_list_gives_no_rows_instead_of_an_error():
    # Given a queryset Django answers without a query (cadre__in=[])
    rows = CheckIn.objects.filter(cadre_id__in=[]).values_list("id")
    # Then raw_rows yields nothing, as iterating the queryset would
    assert list(raw_rows(rows)) == []


@pytest.mark.parametrize("start", [date(2024, 2, 29), date(2026, 1, 1), date(2026, 12, 31)])
def test_day_ordinals_computed_in_sql_equal_python_ordinals(cast, start):
    Assignment.objects.filter(pk=cast.leader_assignment.pk).update(start=start)
    rows = Assignment.objects.filter(pk=cast.leader_assignment.pk).values_list(DayOrdinal("start"))
    assert list(raw_rows(rows)) == [(start.toordinal(),)]


def test_a_day_list_gives_each_cadre_s_days_as_one_row(cast):
    # Given check-ins on a leap day, New Year's Eve and New Year's Day
    days = {date(2024, 2, 29), date(2025, 12, 31), date(2026, 1, 1)}
    assignment = cast.member.assignments.get()
    CheckIn.objects.bulk_create(
        CheckIn(cadre=cast.member, assignment=assignment, day=d, at=f"{d}T01:00:00Z") for d in days
    )
    # When they are read grouped by cadre
    rows = (
        CheckIn.objects.filter(cadre_id__in=[cast.member.pk, cast.leader.pk])
        .order_by()
        .values("cadre_id")
        .annotate(days=DayList("day"))
        .values_list("cadre_id", "days")
    )
    # Then the one row of the cadre holds exactly those days; a cadre without any has no row
    assert {cadre_id: day_set(text) for cadre_id, text in rows} == {cast.member.pk: days}
    assert day_set(None) == frozenset()


@pytest.mark.parametrize(
    "at",
    [
        "2026-03-01T15:59:59.999999+00:00",  # 23:59:59.999999 in Beijing: still 1 March
        "2026-03-01T16:00:00+00:00",  # Beijing midnight: 2 March, no fraction stored
        "2024-02-28T16:30:00.000123+00:00",
        "1999-12-31T23:00:00.5+00:00",
    ],
)
def test_a_time_stamp_read_as_an_integer_is_the_same_wall_clock_time(cast, at):
    # Given a check-in recorded at a given instant
    from datetime import datetime

    from django.utils import timezone

    from zhucun.raw_rows import EpochMicroseconds, local_time

    instant = datetime.fromisoformat(at)
    row = CheckIn.objects.create(
        cadre=cast.member,
        assignment=cast.member.assignments.get(),
        day=date(2026, 3, 1),
        at=instant,
    )
    # When it is read as microseconds computed by the database
    (value,) = next(
        raw_rows(CheckIn.objects.filter(pk=row.pk).values_list(EpochMicroseconds("at")))
    )
    # Then it is the instant's Beijing wall-clock time, to the microsecond
    zone = timezone.get_current_timezone()
    assert local_time(value, zone) == timezone.localtime(instant, zone).replace(tzinfo=None)


def test_among_selects_the_rows_of_the_given_ids_as_an_in_list_does(cast):
    # Given assignments of several cadres
    everyone = list(Assignment.objects.values_list("cadre_id", flat=True))
    wanted = [cast.member.pk, cast.leader.pk, cast.member.pk, 10**12]  # a repeat, an unknown id
    # When filtered with Among and with cadre_id__in
    among = Assignment.objects.filter(Among("cadre_id", wanted)).order_by("pk")
    listed = Assignment.objects.filter(cadre_id__in=wanted).order_by("pk")
    # Then the same rows, with others left out
    assert list(among) == list(listed)
    assert {a.cadre_id for a in among} == {cast.member.pk, cast.leader.pk}
    assert len(set(everyone)) > 2


def test_among_keeps_one_statement_text_for_any_ids_on_postgresql():
    # Given the same query for two sets of ids of different sizes
    def statement(ids):
        return (
            CheckIn.objects.filter(Among("cadre_id", ids)).values_list("id").query.sql_with_params()
        )

    (sql_a, params_a), (sql_b, params_b) = statement([3, 1, 2]), statement(range(100))
    if connection.vendor == "postgresql":
        # Then PostgreSQL gets the ids as one array parameter in one text (psycopg's cache)
        assert sql_a == sql_b
        assert params_a[-1] == "{1,2,3}" and len(params_a) == len(params_b)
    else:
        # SQLite gets them bound one by one, sorted
        assert params_a[-3:] == (1, 2, 3)
        assert len(params_b) == len(params_a) + 97


def test_among_no_ids_sends_no_query(django_assert_num_queries):
    # Given no ids, alone and in one branch of a union
    none = CheckIn.objects.filter(Among("cadre_id", [])).order_by().values_list("id")
    some = CheckIn.objects.filter(Among("cadre_id", [1])).order_by().values_list("id")
    # Then no query for the first (as cadre_id__in=[]), and the union reads only the other
    with django_assert_num_queries(0):
        assert list(raw_rows(none)) == []
    assert list(none.union(some, all=True)) == list(some)


def test_among_refuses_ids_that_are_not_integers():
    with pytest.raises(ValueError):
        Among("cadre_id", ["1; DROP TABLE x"])


def test_among_reads_ids_or_a_subquery_and_selects_the_same_rows(cast):
    from zhucun.raw_rows import among
    from zhucun.stationing.models import Assignment

    # Given the cadres of one team, as ids and as a query of one column
    query = Assignment.objects.filter(team=cast.team).values("cadre_id")
    ids = list(query.values_list("cadre_id", flat=True))
    assert ids

    # When assignments are selected among either
    by_ids = Assignment.objects.filter(among("cadre_id", ids))
    by_query = Assignment.objects.filter(among("cadre_id", query))

    # Then the same rows, the query as a subquery (one statement)
    assert sorted(by_ids.values_list("pk", flat=True)) == sorted(
        by_query.values_list("pk", flat=True)
    )
    assert "SELECT" in str(by_query.query).split("WHERE", 1)[1]
