"""The data scope is read in one query (scope.py), and says exactly what the three reads said.

`former_scope` below is the scope as it was built before, from three ORM
queries (positions, the day's assignments, an active pairing): the one-query
scope must give the same Scope for every member of the cast, on days around
the edges of assignments, pairings and positions.
"""

from datetime import date, timedelta

import pytest
from django.db.models import Q

from tests import factories as f
from zhucun.accounts.models import Position, User
from zhucun.accounts.roles import REGION_ROLES, Role
from zhucun.accounts.scope import Scope, scope_for
from zhucun.households.models import Pairing
from zhucun.stationing.models import LEADER_ROLES, Assignment


def former_scope(user, today: date) -> Scope:
    """The scope from the three reads it used to make (the reference)."""
    roles: set[Role] = set()
    ids: dict[str, set[int]] = {"city": set(), "county": set(), "town": set(), "unit": set()}
    for role, region_id, unit_id in user.positions.filter(active=True).values_list(
        "role", "region_id", "unit_id"
    ):
        role = Role(role)
        roles.add(role)
        if role in REGION_ROLES:
            ids[REGION_ROLES[role]].add(region_id)
        elif role == Role.UNIT:
            ids["unit"].add(unit_id)
    cadre_id, led, member_of, paired, latest = None, set(), set(), False, None
    cadre = getattr(user, "cadre", None)
    if cadre is not None:
        cadre_id = cadre.pk
        active = Assignment.objects.filter(cadre_id=cadre_id, start__lte=today).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        for team_id, role in active.values_list("team_id", "role"):
            if role in LEADER_ROLES:
                led.add(team_id)
                roles.add(Role.TEAM_LEADER)
            else:
                member_of.add(team_id)
                roles.add(Role.MEMBER)
        # The check-in's assignment: the one begun last (stationing.services._assignment_id_on)
        latest = active.order_by("-start", "-pk").values_list("pk", flat=True).first()
        paired = Pairing.objects.filter(cadre_id=cadre_id, end__isnull=True).exists()
        if paired:
            roles.add(Role.HOUSEHOLD_CADRE)
    return Scope(
        roles=frozenset(roles),
        city_ids=frozenset(ids["city"]),
        county_ids=frozenset(ids["county"]),
        town_ids=frozenset(ids["town"]),
        unit_ids=frozenset(ids["unit"]),
        led_team_ids=frozenset(led),
        member_team_ids=frozenset(member_of - led),
        cadre_id=cadre_id,
        is_household_cadre=paired,
        day=today,
        assignment_id=latest,
    )


@pytest.fixture
def edges(cast):
    """Assignments, a pairing and a position that begin or end around 1 March 2026."""
    march = date(2026, 3, 1)
    # alice also leads the other team for February only, and is a member of it from March
    f.AssignmentFactory(
        team=cast.other_team,
        cadre=cast.leader,
        role="leader",
        start=date(2026, 2, 1),
        end=march - timedelta(days=1),
    )
    f.AssignmentFactory(team=cast.other_team, cadre=cast.leader, role="member", start=march)
    # carol's pairing ended, another began (still paired); olga's only pairing ended
    Pairing.objects.filter(cadre=cast.other_leader).update(end=march)
    # bob also holds a unit position, and an ended town position
    bob = cast.users["bob"]
    Position.objects.create(user=bob, role="unit", unit=cast.other_unit)
    Position.objects.create(user=bob, role="town", region=cast.town, active=False)
    # a cadre account without any assignment or pairing
    f.cadre_user("nina", f.CadreFactory(name="妮娜", unit=cast.unit))
    return [march - timedelta(days=31), march - timedelta(days=1), march, date(2025, 5, 31)]


def test_the_scope_of_every_member_of_the_cast_is_one_query_and_the_same_as_before(
    cast, edges, django_assert_num_queries
):
    usernames = sorted(cast.users) + ["nina"]
    for day in edges:
        for username in usernames:
            # Given a freshly loaded account (its cadre not loaded with it)
            user = User.objects.get(username=username)
            # When its scope for the day is built
            with django_assert_num_queries(1):
                scope = scope_for(user, today=day)
            # Then it is the scope the three former reads gave
            assert scope == former_scope(User.objects.get(username=username), day), (
                username,
                day,
            )


def test_the_scope_is_built_once_per_user_object_and_holds_its_day(cast, django_assert_num_queries):
    user = User.objects.get(username="alice")
    with django_assert_num_queries(1):
        first = scope_for(user)
        # A second call on the same object (a request's later checks) reads nothing
        again = scope_for(user)
    assert first is again
    assert first.roles == {Role.TEAM_LEADER}
    assert first.led_team_ids == {cast.team.pk}
    assert first.cadre_id == cast.leader.pk
    assert first.day is not None
    assert first.assignment_id == cast.leader_assignment.pk


def test_a_superuser_and_an_anonymous_user_need_no_query(db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    root = f.UserFactory(username="root", is_superuser=True)
    with django_assert_num_queries(0):
        assert scope_for(root).everything
        assert scope_for(AnonymousUser()) == Scope()
