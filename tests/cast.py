"""The named cast shared by tests: one county (周至) fully staffed, and an outsider county (蓝田).

alice   — 周至 team leader (队长兼第一书记)
bob     — member of alice's team
carol   — household cadre paired with a household in alice's village
dora    — 周至 county leading-group officer
ed      — town party secretary of alice's town
fay     — HR of alice's team's dispatching unit
gus     — city administrator
oscar   — 蓝田 county officer (an outsider to everything in 周至)
(and a team in 宝鸡市, outside Xi'an, that nobody here may see)
olga    — leader of the 蓝田 team (outsider cadre)
sam, sid, aud — the three separated administrators
"""

from dataclasses import dataclass

from tests import factories as f
from zhucun.households.models import Household
from zhucun.org.models import Cadre, Region, Unit
from zhucun.stationing.models import Assignment, Team


@dataclass
class Cast:
    city: Region
    county: Region
    town: Region
    village: Region
    uncovered_village: Region
    other_county: Region
    other_village: Region
    unit: Unit
    other_unit: Unit
    team: Team
    other_team: Team
    leader: Cadre
    member: Cadre
    household_cadre: Cadre
    other_leader: Cadre
    household: Household
    other_household: Household
    leader_assignment: Assignment
    far_team: Team
    far_cadre: Cadre
    far_household: Household
    users: dict


def build_cast() -> Cast:
    city, county, town, village, uncovered = f.region_tree("610124", "周至县")
    _, other_county, _other_town, other_village, _ = f.region_tree("610122", "蓝田县", city=city)
    baoji = f.other_city("610300000000", "宝鸡市")
    _, far_county, _, far_village, _ = f.region_tree("610302", "渭滨区", city=baoji)
    unit = f.UnitFactory(name="市农业农村局", level="city", region=city)
    other_unit = f.UnitFactory(name="蓝田县教育局", level="county", region=other_county)

    team = f.TeamFactory(village=village, lead_unit=unit)
    team.units.add(unit)
    other_team = f.TeamFactory(village=other_village, lead_unit=other_unit)
    other_team.units.add(other_unit)

    leader = f.CadreFactory(name="艾丽", unit=unit, rank="division")
    member = f.CadreFactory(name="鲍勃", unit=unit)
    household_cadre = f.CadreFactory(name="卡萝", unit=unit)
    other_leader = f.CadreFactory(name="奥尔加", unit=other_unit)
    leader_assignment = f.AssignmentFactory(team=team, cadre=leader, role="leader_secretary")
    f.AssignmentFactory(team=team, cadre=member, role="member")
    f.AssignmentFactory(team=other_team, cadre=other_leader, role="leader_secretary")

    household = f.HouseholdFactory(village=village, head_name="贺家")
    f.PairingFactory(household=household, cadre=household_cadre)
    other_household = f.HouseholdFactory(village=other_village, head_name="欧家")
    f.PairingFactory(household=other_household, cadre=other_leader)
    far_unit = f.UnitFactory(name="宝鸡市水利局", level="city", region=baoji)
    far_team = f.TeamFactory(village=far_village, lead_unit=far_unit)
    far_cadre = f.CadreFactory(name="冯远", unit=far_unit)
    f.AssignmentFactory(team=far_team, cadre=far_cadre, role="leader_secretary")
    far_household = f.HouseholdFactory(village=far_village, head_name="远家")
    f.PairingFactory(household=far_household, cadre=far_cadre)

    users = {
        "alice": f.cadre_user("alice", leader),
        "bob": f.cadre_user("bob", member),
        "carol": f.cadre_user("carol", household_cadre),
        "olga": f.cadre_user("olga", other_leader),
        "dora": f.office_user("dora", "county", region=county, duty="office"),
        "ed": f.office_user("ed", "town", region=town, duty="secretary"),
        "fay": f.office_user("fay", "unit", unit=unit, duty="unit_hr"),
        "gus": f.office_user("gus", "city", region=city, duty="office"),
        "oscar": f.office_user("oscar", "county", region=other_county, duty="office"),
        "sam": f.office_user("sam", "sysadmin"),
        "sid": f.office_user("sid", "secadmin"),
        "aud": f.office_user("aud", "auditadmin"),
    }
    return Cast(
        city=city,
        county=county,
        town=town,
        village=village,
        uncovered_village=uncovered,
        other_county=other_county,
        other_village=other_village,
        unit=unit,
        other_unit=other_unit,
        team=team,
        other_team=other_team,
        leader=leader,
        member=member,
        household_cadre=household_cadre,
        other_leader=other_leader,
        household=household,
        other_household=other_household,
        leader_assignment=leader_assignment,
        far_team=far_team,
        far_cadre=far_cadre,
        far_household=far_household,
        users=users,
    )
