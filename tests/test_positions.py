import pytest
from django.core.exceptions import ValidationError

from zhucun.accounts.models import Position


def test_a_county_position_needs_a_county_region(cast):
    position = Position(user=cast.users["dora"], role="county", region=cast.town)
    with pytest.raises(ValidationError, match="区县"):
        position.clean()


def test_a_unit_position_needs_a_unit(cast):
    with pytest.raises(ValidationError, match="单位"):
        Position(user=cast.users["fay"], role="unit").clean()


def test_cadre_roles_follow_assignments_and_pairings(cast):
    from zhucun.accounts.scope import scope_for

    assert {r.value for r in scope_for(cast.users["alice"]).roles} == {"team_leader"}
    assert {r.value for r in scope_for(cast.users["bob"]).roles} == {"member"}
    assert {r.value for r in scope_for(cast.users["carol"]).roles} == {"household_cadre"}
