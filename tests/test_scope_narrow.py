"""`scoped(..., narrow=True)` runs the scope's semi-join over the queryset's own rows:
it must select exactly what the plain semi-join over the whole table selects."""

import pytest
from django.db.models import Q

from tests import factories as f
from zhucun.accounts.scope import scoped
from zhucun.households.models import Household
from zhucun.org.models import Cadre
from zhucun.stationing.models import Assignment, Team

CAST = ["gus", "dora", "ed", "fay", "alice", "bob", "carol", "oscar", "olga", "sam"]


@pytest.mark.parametrize("username", CAST)
def test_a_narrowed_scope_selects_the_same_rows_as_the_whole_table_scope(cast, username):
    # Given cadres stationed, paired, or only employed in and outside the user's scope
    paired = f.CadreFactory(unit=cast.unit)
    household = f.HouseholdFactory(village=cast.household.village)
    f.PairingFactory(cadre=paired, household=household)
    f.CadreFactory(unit=cast.unit)
    user = cast.users[username]
    stationed = Assignment.objects.values("cadre_id")
    for queryset in (
        Cadre.objects.filter(pk__in=stationed),
        Cadre.objects.filter(Q(pk__in=stationed) | Q(pairings__isnull=False)).distinct(),
        Cadre.objects.all(),
        Team.objects.filter(withdrawn_on__isnull=True),
        Household.objects.filter(village__town=cast.town),
    ):
        # When both forms read the queryset
        plain = set(scoped(user, queryset).values_list("pk", flat=True))
        narrowed = set(scoped(user, queryset, narrow=True).values_list("pk", flat=True))
        # Then they see the same rows
        assert narrowed == plain
