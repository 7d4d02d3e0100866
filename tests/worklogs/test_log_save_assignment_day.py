"""A log save asks whether its day is in an assignment: from the request's scope for the
scope's own day (today, on a phone), from the database for any other day (第十六条)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhucun.accounts.models import User
from zhucun.accounts.scope import scope_for
from zhucun.errors import ErrorCode, ServiceError
from zhucun.stationing.models import Assignment
from zhucun.worklogs import services
from zhucun.worklogs.models import WorkLog


def save(user, day):
    return services.log_save(actor=user, day=day, tasks=(1,), content="走访贫困户,宣传医保政策")


def test_a_log_of_today_is_checked_against_the_scope_without_another_query(cast):
    bob = User.objects.select_related("cadre").get(username="bob")
    today = timezone.localdate()
    # Given the request's scope, read for today
    assert scope_for(bob).cadre_id == cast.member.pk
    # When bob saves today's log
    with CaptureQueriesContext(connection) as queries:
        entry = save(bob, today)
    # Then it is saved, and his assignments were not read again
    assert entry.day == today and entry.revisions == 1
    assert not any('FROM "stationing_assignment"' in q["sql"] for q in queries)


def test_a_log_of_today_after_the_assignment_ended_yesterday_is_refused(cast):
    today = timezone.localdate()
    Assignment.objects.filter(cadre=cast.member).update(end=today - timedelta(days=1))
    bob = User.objects.get(username="bob")
    # Given bob's scope read today: no team any more
    assert not scope_for(bob).member_team_ids
    # When he saves today's log (through a page, where no role check came first)
    with pytest.raises(ServiceError) as refused:
        save(bob, today)
    # Then it is refused as outside his assignment, and nothing is saved
    assert refused.value.code == ErrorCode.OUTSIDE_ASSIGNMENT
    assert not WorkLog.objects.exists()


def test_a_log_of_another_day_asks_the_database(cast):
    today = timezone.localdate()
    Assignment.objects.filter(cadre=cast.member).update(start=today - timedelta(days=3))
    bob = User.objects.get(username="bob")
    assert scope_for(bob).member_team_ids  # on post today
    # A log of the day before his assignment began is refused, though he is on post today
    with pytest.raises(ServiceError) as refused:
        save(bob, today - timedelta(days=4))
    assert refused.value.code == ErrorCode.OUTSIDE_ASSIGNMENT
    # And one of a day inside it is saved
    assert save(bob, today - timedelta(days=3)).revisions == 1
