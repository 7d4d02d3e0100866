"""Team checks (第三、五、六、七条): the policy's zhucun.policy.teams rules fed from the database.

`team_findings(teams, today=)` is set-based: a bounded number of queries for
any number of teams.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, OuterRef, Q

from zhucun.accounts.scope import scoped
from zhucun.org.models import Cadre, CountyKind, Level, Rank, Region
from zhucun.policy import teams as policy
from zhucun.policy.findings import WARNING, Check
from zhucun.stationing.calendar import books_for
from zhucun.stationing.models import LEADER_ROLES, NON_COUNTED_ROLES, Assignment, Team

RANKS = {Rank.DIVISION: "处级", Rank.SECTION: "科级", Rank.OTHER: "其他"}
AREA_KINDS = {
    CountyKind.URBAN_DISTRICT: "urban_district",
    CountyKind.POVERTY_COUNTY: "poverty_county",
    CountyKind.DEVELOPMENT_ZONE: "development_zone",
}


@dataclass
class TeamReport:
    team: Team
    checks: list[Check]
    suggestions: dict[str, list[Cadre]] = field(default_factory=dict)  # expertise → cadres

    @property
    def findings(self) -> list[Check]:
        return [c for c in self.checks if c.fired]


def _policy_unit(unit) -> policy.Unit:
    area = None
    if unit.region.level == Level.COUNTY:
        area = AREA_KINDS.get(unit.region.county_kind)
    return policy.Unit(unit.pk, unit.name, unit.level, area, unit.staff_count)


def _active(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


def team_findings(teams, *, today: date, suggest: bool = False) -> list[TeamReport]:
    """Every team check for each team on `today`, with the policy's article and evidence."""
    teams = list(teams)
    members = defaultdict(list)
    assignments = (
        Assignment.objects.filter(_active(today), team__in=teams)
        .select_related("cadre__unit__region")
        .order_by("team_id", "role", "pk")
    )
    units = {}
    for a in assignments:
        members[a.team_id].append(a)
        units[a.cadre.unit_id] = _policy_unit(a.cadre.unit)
    books = books_for({t.village.county_id for t in teams})
    reports = []
    for team in teams:
        params = books[team.village.county_id].on(today)
        policy_team = policy.Team(
            team.pk,
            team.village_id,
            frozenset(team.village.weaknesses),
            tuple(
                policy.TeamMember(
                    cadre=a.cadre.name,
                    role="leader" if a.role in LEADER_ROLES else "member",
                    kind=a.role if a.role in NON_COUNTED_ROLES else policy.COUNTED_KIND,
                    unit=a.cadre.unit_id,
                    rank=RANKS.get(a.cadre.rank),
                    expertise=frozenset(
                        policy.WEAKNESS_EXPERTISE[e]
                        for e in a.cadre.expertise
                        if e in policy.WEAKNESS_EXPERTISE
                    ),
                    start=a.start,
                    planned_end=a.planned_end,
                )
                for a in members[team.pk]
            ),
        )
        checks = policy.team_checks(policy_team, units, params=params, period=today.isoformat())
        checks.append(_party_transfer_check(team, members[team.pk], today))
        reports.append(TeamReport(team, checks))
    if suggest:
        _suggest(reports, today)
    return reports


def _party_transfer_check(team, assignments, today) -> Check:
    """第七条: a party member's membership is transferred to the village (recorded date)."""
    missing = [
        a.cadre.name
        for a in assignments
        if a.cadre.is_party_member
        and a.role not in NON_COUNTED_ROLES
        and a.party_transferred_on is None
    ]
    return Check(
        "party_transfer",
        "第七条",
        f"team:{team.pk}",
        today.isoformat(),
        not missing,
        {"not_transferred": missing},
        ("党员驻村干部" + "、".join(missing) + "的党组织关系尚未登记转入所驻村")
        if missing
        else "党员驻村干部的党组织关系均已转入所驻村",
        WARNING,
    )


def _suggest(reports: list[TeamReport], today: date) -> None:
    """第五条: for a missing expertise, cadres not stationed now from the team's own units."""
    wanted = {}
    for report in reports:
        check = next((c for c in report.checks if c.rule == "team_expertise"), None)
        if check is not None and check.fired:
            wanted[report.team.pk] = check.evidence["missing"]
    if not wanted:
        return
    by_label = {v: k for k, v in policy.WEAKNESS_EXPERTISE.items()}
    unit_ids = set(
        Team.units.through.objects.filter(team_id__in=wanted).values_list("unit_id", flat=True)
    )
    busy = Assignment.objects.filter(_active(today), cadre=OuterRef("pk"))
    free = list(
        Cadre.objects.filter(unit_id__in=unit_ids)
        .exclude(Exists(busy))
        .select_related("unit")
        .order_by("unit_id", "name")[:500]
    )
    team_units = defaultdict(set)
    for team_id, unit_id in Team.units.through.objects.filter(team_id__in=wanted).values_list(
        "team_id", "unit_id"
    ):
        team_units[team_id].add(unit_id)
    for report in reports:
        for label in wanted.get(report.team.pk, []):
            code = by_label[label]
            report.suggestions[label] = [
                c for c in free if c.unit_id in team_units[report.team.pk] and code in c.expertise
            ][:5]


def uncovered_poor_villages(user) -> list[Check]:
    """第三条: poor villages in the user's scope with no active team."""
    active = Team.objects.filter(village=OuterRef("pk"), withdrawn_on__isnull=True)
    villages = (
        scoped(user, Region.objects.filter(level=Level.VILLAGE, is_poor=True))
        .exclude(Exists(active))
        .select_related("town")
        .order_by("code")[:50]
    )
    return [
        Check(
            "poor_village_without_team",
            "第三条",
            f"village:{v.pk}",
            "",
            False,
            {"village": f"{v.town.name}{v.name}", "code": v.code},
            f"贫困村{v.town.name}{v.name}({v.code})尚无在驻工作队,应一村一队",
        )
        for v in villages
    ]
