"""raw_rows reads a queryset's rows straight from the cursor."""

from datetime import date

import pytest

from zhucun.raw_rows import DayList, DayOrdinal, day_set, raw_rows
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
