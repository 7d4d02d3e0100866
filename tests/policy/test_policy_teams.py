from datetime import date

from zhucun.policy.teams import Team, TeamMember, Unit, one_team_per_village, team_checks

CITY_BUREAU = Unit(1, "市农业农村局", "city", staff=80)
SMALL_OFFICE = Unit(2, "市档案馆", "city", staff=15)
TINY_OFFICE = Unit(3, "市地方志办", "city", staff=12)
ZHOUZHI_BUREAU = Unit(4, "周至县水利局", "county", "poverty_county", staff=30)
UNITS = {u.id: u for u in (CITY_BUREAU, SMALL_OFFICE, TINY_OFFICE, ZHOUZHI_BUREAU)}
START, END = date(2025, 3, 1), date(2027, 2, 28)


def member(cadre, role="member", unit=1, rank=None, expertise=(), kind="stationed", end=END):
    return TeamMember(cadre, role, kind, unit, rank, frozenset(expertise), START, end)


def rules(team, params):
    return {c.rule: c for c in team_checks(team, UNITS, params=params, period="2026-05-01")}


def a_team(*members, weaknesses=()):
    return Team(3, 30, frozenset(weaknesses), tuple(members))


def test_a_team_of_three_stationed_cadres_is_big_enough(params):
    team = a_team(member(1, "leader", rank="处级"), member(2), member(3))

    assert rules(team, params)["team_size"].passed is True


def test_town_contact_and_village_cadres_do_not_count_towards_the_three(params):
    team = a_team(
        member(1, "leader", rank="处级"),
        member(2),
        member(9, kind="town_contact"),
        member(8, kind="village_cadre"),
    )

    check = rules(team, params)["team_size"]
    assert check.passed is False and check.article == "第六条"
    assert "计入人数2人" in check.message and "少于3人" in check.message


def test_a_city_unit_leader_should_be_chu_level(params):
    team = a_team(member(1, "leader", rank="科级"), member(2), member(3))

    check = rules(team, params)["team_leader_rank"]
    assert check.passed is False and check.severity == "warning"
    assert check.evidence["expected"] == "处级"


def test_a_poverty_county_leader_may_be_ke_level(params):
    team = a_team(member(1, "leader", unit=4, rank="科级"), member(2, unit=4), member(3, unit=4))

    assert rules(team, params)["team_leader_rank"].passed is True


def test_a_team_without_a_leader_is_a_violation(params):
    check = rules(a_team(member(1), member(2), member(3)), params)["team_leader_rank"]

    assert check.passed is False and check.severity == "violation"


def test_a_planned_term_of_exactly_two_years_passes_and_one_day_less_fails(params):
    team = a_team(member(1, "leader", rank="处级"), member(2, end=date(2027, 2, 27)))

    terms = [
        c for c in team_checks(team, UNITS, params=params, period="p") if c.rule == "term_length"
    ]
    assert [t.passed for t in terms] == [True, False]


def test_missing_expertise_for_the_villages_weaknesses_is_listed(params):
    team = a_team(
        member(1, "leader", rank="处级", expertise={"经济"}),
        member(2),
        member(3),
        weaknesses={"economy", "party"},
    )

    check = rules(team, params)["team_expertise"]
    assert check.passed is False and check.evidence["missing"] == ["党群"]
    assert check.article == "第五条"


def test_a_joint_team_of_small_units_is_allowed(params):
    team = a_team(member(1, "leader", unit=2, rank="处级"), member(2, unit=3), member(3, unit=3))

    assert rules(team, params)["joint_team"].passed is True


def test_a_joint_team_with_a_unit_of_twenty_staff_or_more_is_a_warning(params):
    team = a_team(member(1, "leader", unit=1, rank="处级"), member(2, unit=3), member(3, unit=3))

    check = rules(team, params)["joint_team"]
    assert check.passed is False and check.evidence["too_large"] == ["市农业农村局"]


def test_two_active_teams_in_one_village_break_one_team_per_village():
    [check] = one_team_per_village([(1, 30), (2, 30), (3, 31)], period="2026-05-01")

    assert check.subject == "village:30" and check.article == "第三条(二)"
