"""Today's check-in read and, when there is none, made in one statement on PostgreSQL
(fixed_sql.found_or_inserted; the read, then the INSERT, on SQLite)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from zhucun import fixed_sql
from zhucun.accounts.scope import scope_for
from zhucun.stationing import services
from zhucun.stationing.models import CheckIn


def values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def new_check_in(cast, now):
    return CheckIn(
        cadre=cast.member,
        assignment_id=scope_for(cast.users["bob"]).assignment_id,
        day=timezone.localdate(now),
        at=now,
        created_by=cast.users["bob"],
    )


def params(cast, now):
    return [cast.member.pk, connection.ops.adapt_datefield_value(timezone.localdate(now))]


def test_the_first_check_in_is_made_and_a_second_finds_it_as_stored(cast):
    now = timezone.now()
    # When bob's first check-in of the day is asked for
    made, created = fixed_sql.found_or_inserted(
        new_check_in(cast, now), services.check_in_of_day_sql(), params(cast, now)
    )
    # Then it is made, and the object returned is the row stored
    assert created and made.pk is not None
    assert values(CheckIn.objects.get(pk=made.pk)) == values(made)
    # And a second finds that row, as the ORM reads it, and makes none
    found, created = fixed_sql.found_or_inserted(
        new_check_in(cast, timezone.now()), services.check_in_of_day_sql(), params(cast, now)
    )
    assert not created and values(found) == values(CheckIn.objects.get(pk=made.pk))
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1


def test_a_check_in_the_read_missed_is_still_stopped_by_the_unique_constraint(cast):
    # Given bob checked in today (as a racing request that committed after our read)
    now = timezone.now()
    services.check_in(user=cast.users["bob"], cadre=cast.member, now=now)
    # When a statement whose read does not see it tries to make another
    missed = services.check_in_of_day_sql() + " AND 1 = 0"
    with pytest.raises(IntegrityError), transaction.atomic():
        fixed_sql.found_or_inserted(new_check_in(cast, now), missed, params(cast, now))
    # Then the day still has one check-in: two of one day cannot both pass
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1
