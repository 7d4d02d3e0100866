"""More of 周至: teams in new villages of alice's town, with cadres, check-ins and paired households."""

from datetime import date

from tests import factories as f
from zhucun.stationing.models import CheckIn

_serial = iter(range(500, 999))


def grow_town(cast, teams: int, cadres_per_team: int = 2, households_per_team: int = 3):
    for _ in range(teams):
        n = next(_serial)
        village = f.poor_village(cast.town, n, f"新{n}村")
        team = f.TeamFactory(village=village, lead_unit=cast.unit)
        for i in range(cadres_per_team):
            cadre = f.CadreFactory(unit=cast.unit)
            assignment = f.AssignmentFactory(
                team=team, cadre=cadre, role="leader_secretary" if i == 0 else "member"
            )
            CheckIn.objects.bulk_create(
                CheckIn(
                    cadre=cadre,
                    assignment=assignment,
                    day=date(2025, 9, d),
                    at=f"2025-09-{d:02d}T01:00Z",
                )
                for d in range(1, 10 + 5 * i)
            )
        for _ in range(households_per_team):
            household = f.HouseholdFactory(village=village)
            f.PairingFactory(household=household, cadre=cadre)
