"""raw_rows reads a queryset's rows straight from the cursor."""

from datetime import date

import pytest

from zhucun.raw_rows import DayOrdinal, raw_rows
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
