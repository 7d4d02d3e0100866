"""The attendance register counts each cadre's days from the month's status codes: the
counts must be those of the policy's day_statuses for the same facts, cadre by cadre."""

from collections import Counter
from datetime import date

import pytest
from django.urls import reverse

from tests.dashboards.grow import grow_town
from tests.factories import approved_leave
from zhucun.dashboards.reports import STATUS_COLUMNS, _assignments
from zhucun.policy.calendar import DayStatus, day_statuses
from zhucun.policy.periods import month_end
from zhucun.stationing.calendar import facts_for, workday_test
from zhucun.stationing.models import OfficialBusiness

TODAY = date(2025, 10, 8)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _leave_and_trip(cast):
    """bob: approved leave on September 15-17 and a trip on September 22-23."""
    bob, assignment = cast.member, cast.member.assignments.get()
    approved_leave(
        bob, date(2025, 9, 15), date(2025, 9, 17), requester=cast.users["bob"], reason="探亲"
    )
    OfficialBusiness.objects.create(
        cadre=bob,
        assignment=assignment,
        kind="trip",
        start=date(2025, 9, 22),
        end=date(2025, 9, 23),
        what="县里",
        where="周至县",
        created_at="2025-09-01T00:00:00Z",
    )


@pytest.mark.parametrize("first", [date(2025, 9, 1), date(2025, 10, 1)], ids=["over", "running"])
def test_each_register_row_counts_the_days_day_statuses_gives_that_cadre(cast, client, first):
    # Given a county with grown teams, one cadre on approved leave and on official business
    grow_town(cast, 2)
    _leave_and_trip(cast)
    user = cast.users["dora"]
    last = month_end(first)
    # When the register of the month opens
    client.force_login(user)
    url = reverse("dashboards:report", args=[cast.county.pk, "attendance"])
    rows = client.get(url + f"?month={first:%Y-%m}").context["report"].rows
    # Then every row's counts are a count over the policy's day statuses of that cadre
    order = (
        _assignments(user, cast.county, first, last)
        .order_by("team__village__town__name", "team__name", "cadre__name", "pk")
        .values_list("cadre_id", flat=True)
    )
    cadre_ids = list(dict.fromkeys(order))
    facts = facts_for(cadre_ids, first, last)
    is_workday = workday_test(first, last)
    assert len(rows) == len(cadre_ids) >= 5
    for row, cadre_id in zip(rows, cadre_ids, strict=True):
        tally = Counter(
            day_statuses(
                facts[cadre_id], start=first, end=last, today=TODAY, is_workday=is_workday
            ).values()
        )
        expected = [tally[s] for s, _l in STATUS_COLUMNS]
        assert list(row[4:10]) == expected
        assert row[10] == tally[DayStatus.STATIONED] + tally[DayStatus.OFFICIAL]
    # ... and the leave and the trip are among them (the month they fall in)
    if first.month == 9:
        assert sum(r[6] for r in rows) >= 3 and sum(r[5] for r in rows) >= 2
