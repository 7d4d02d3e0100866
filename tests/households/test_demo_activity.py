"""The demo city carries a year of contacts and work logs, with gaps the checks find."""

from datetime import date, timedelta

import pytest

from zhucun.accounts.models import User
from zhucun.demo.city import build_city
from zhucun.households.compliance import contact_compliance
from zhucun.households.models import Contact
from zhucun.worklogs.models import LogRevision, RectificationNotice, WorkLog

TODAY = date(2026, 11, 29)


@pytest.fixture
def city(db):
    return build_city(scale=0.02, seed=7, today=TODAY)


def test_the_household_login_has_a_year_of_weekly_inquiries_and_visits(city):
    cadre = User.objects.get(username="household").cadre
    days = sorted(Contact.objects.filter(cadre=cadre).values_list("day", "kind"))
    assert days[0][0] <= TODAY - timedelta(days=300)
    assert days[-1][0] < TODAY
    assert {kind for _day, kind in days} == {"inquiry", "visit"}
    # And the town's compliance finds some gaps: fewer than one week or month in five
    result = contact_compliance(
        User.objects.get(username="town"),
        since=date(2026, 1, 1),
        until=date(2026, 10, 31),
        today=TODAY,
    )
    judged = result.pairings * (43 + 10)  # ISO weeks 2026-W01..W44 ending by 10-31, ten months
    assert 0 < len(result.checks) < judged / 5


def test_stationed_cadres_have_logs_with_history_and_the_town_issued_notices(city):
    leader = User.objects.get(username="leader").cadre
    logs = WorkLog.objects.filter(cadre=leader)
    assert logs.count() > 150
    assert LogRevision.objects.count() == WorkLog.objects.count()
    assert RectificationNotice.objects.filter(issued_by__username="town").exists()
    assert city.counts["contacts"] == Contact.objects.count()
