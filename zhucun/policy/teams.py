"""Team composition (第三、五、六、八条).

- 一村一队 (第三条(二)): one active team per village.
- ≥3 counted members (第六条); town village-contact cadres (包村干部) and village
  cadres joining the consolidated 脱贫攻坚工作队 are not counted (第六条, 第八条).
- Leader rank (第六条, "原则上"): 处级 from province- and city-level units and
  from urban districts and development zones, 科级 from poverty counties; a
  higher rank also satisfies. A warning, as the text says 原则上.
- Term ≥2 years (第六条): planned end ≥ start + 2 years − 1 day.
- Expertise (第五条): the village's weaknesses (party / economy / society)
  want 党群 / 经济 / 社会 expertise among the counted members (warning).
- Joint teams (第六条): members from several units only when each unit has
  fewer than 20 staff (warning).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from zhucun.policy.findings import VIOLATION, WARNING, Check
from zhucun.policy.parameters import ParamsOnDate
from zhucun.policy.periods import add_years
from zhucun.policy.reading import at_least, under

WEAKNESS_EXPERTISE = {"party": "党群", "economy": "经济", "society": "社会"}
WEAKNESS_NAMES = {
    "party": "基层组织软弱涣散",
    "economy": "产业基础薄弱、集体经济脆弱",
    "society": "矛盾纠纷突出、社会发育滞后",
}
RANK_ORDER = {"科级": 1, "处级": 2, "厅级": 3}
COUNTED_KIND = "stationed"  # other kinds: "town_contact" (包村干部), "village_cadre", …


@dataclass(frozen=True)
class Unit:
    """A dispatching unit. level: "province" | "city" | "county"; area_kind of the county it
    belongs to: "urban_district" | "development_zone" | "poverty_county" | None."""

    id: Hashable
    name: str
    level: str
    area_kind: str | None = None
    staff: int | None = None


@dataclass(frozen=True)
class TeamMember:
    cadre: Hashable
    role: str = "member"  # "leader" | "member"
    kind: str = COUNTED_KIND
    unit: Hashable | None = None
    rank: str | None = None
    expertise: frozenset[str] = frozenset()
    start: date | None = None
    planned_end: date | None = None


@dataclass(frozen=True)
class Team:
    id: Hashable
    village: Hashable
    weaknesses: frozenset[str] = frozenset()
    members: tuple[TeamMember, ...] = field(default_factory=tuple)


def expected_leader_rank(unit: Unit) -> str | None:
    if unit.level in ("province", "city") or unit.area_kind in (
        "urban_district",
        "development_zone",
    ):
        return "处级"
    if unit.area_kind == "poverty_county":
        return "科级"
    return None


def team_checks(
    team: Team, units: Mapping[Hashable, Unit], *, params: ParamsOnDate, period: str
) -> list[Check]:
    subject = f"team:{team.id}"
    counted = [m for m in team.members if m.kind == COUNTED_KIND]
    not_counted = [m for m in team.members if m.kind != COUNTED_KIND]
    minimum = params.team_counted_members_min
    checks = [
        Check(
            "team_size",
            "第六条",
            subject,
            period,
            at_least(len(counted), minimum),
            {
                "counted": [str(m.cadre) for m in counted],
                "not_counted": [f"{m.cadre}({m.kind})" for m in not_counted],
                "minimum": minimum,
            },
            f"驻村工作队计入人数{len(counted)}人(不含镇街包村干部、村干部{len(not_counted)}人),"
            + (
                f"达到不少于{minimum}人的要求"
                if at_least(len(counted), minimum)
                else f"少于{minimum}人"
            ),
        )
    ]
    checks.append(_leader_check(team, counted, units, subject, period))
    checks.extend(_term_check(m, params, subject, period) for m in counted)
    checks.append(_expertise_check(team, counted, subject, period))
    checks.append(_joint_team_check(counted, units, params, subject, period))
    return checks


def _leader_check(team, counted, units, subject, period) -> Check:
    leaders = [m for m in counted if m.role == "leader"]
    if len(leaders) != 1:
        return Check(
            "team_leader_rank",
            "第六条",
            subject,
            period,
            False,
            {"leaders": [str(m.cadre) for m in leaders]},
            f"驻村工作队应有且只有一名队长,现有{len(leaders)}名",
            VIOLATION,
        )
    leader = leaders[0]
    unit = units.get(leader.unit)
    expected = expected_leader_rank(unit) if unit is not None else None
    evidence = {
        "leader": str(leader.cadre),
        "rank": leader.rank,
        "expected": expected,
        "unit": None if unit is None else unit.name,
    }
    if expected is None:
        return Check(
            "team_leader_rank",
            "第六条",
            subject,
            period,
            None,
            evidence,
            "无法确定队长派出单位的层级,未判断队长职级",
            WARNING,
        )
    passed = RANK_ORDER.get(leader.rank or "", 0) >= RANK_ORDER[expected]
    return Check(
        "team_leader_rank",
        "第六条",
        subject,
        period,
        passed,
        evidence,
        f"队长职级为{leader.rank or '未填写'},派出单位{unit.name}原则上应选派{expected}干部",
        WARNING,
    )


def _term_check(member, params, subject, period) -> Check:
    years = params.term_years_min
    evidence = {
        "cadre": str(member.cadre),
        "years_min": years,
        "start": member.start and member.start.isoformat(),
        "planned_end": member.planned_end and member.planned_end.isoformat(),
    }
    if member.start is None or member.planned_end is None:
        return Check(
            "term_length",
            "第六条",
            subject,
            period,
            None,
            evidence,
            f"驻村干部{member.cadre}未填写驻村起止日期",
            WARNING,
        )
    needed = add_years(member.start, years) - timedelta(days=1)
    passed = member.planned_end >= needed
    return Check(
        "term_length",
        "第六条",
        subject,
        period,
        passed,
        evidence,
        f"驻村干部{member.cadre}计划驻村{member.start.isoformat()}至"
        f"{member.planned_end.isoformat()},"
        + ("" if passed else "不足")
        + f"每期不少于{years}年(至少至{needed.isoformat()})",
    )


def _expertise_check(team, counted, subject, period) -> Check:
    available = set().union(*(m.expertise for m in counted)) if counted else set()
    wanted = {WEAKNESS_EXPERTISE[w] for w in team.weaknesses if w in WEAKNESS_EXPERTISE}
    missing = sorted(wanted - available)
    evidence = {
        "weaknesses": sorted(team.weaknesses),
        "expertise": sorted(available),
        "missing": missing,
    }
    if missing:
        needs = "、".join(
            WEAKNESS_NAMES[w]
            for w in sorted(team.weaknesses)
            if WEAKNESS_EXPERTISE.get(w) in missing
        )
        message = f"村存在{needs}问题,工作队中缺少熟悉{'、'.join(missing)}工作的干部"
    else:
        message = "工作队干部专长与村的突出问题相符"
    return Check(
        "team_expertise", "第五条", subject, period, not missing, evidence, message, WARNING
    )


def _joint_team_check(counted, units, params, subject, period) -> Check:
    below = params.joint_team_staff_below
    unit_ids = sorted({m.unit for m in counted if m.unit is not None}, key=str)
    evidence = {"units": [str(u) for u in unit_ids], "staff_below": below, "too_large": []}
    if len(unit_ids) <= 1:
        return Check(
            "joint_team",
            "第六条",
            subject,
            period,
            True,
            evidence,
            "工作队由一个参扶单位选派",
            WARNING,
        )
    too_large = [
        units[u].name if u in units else str(u)
        for u in unit_ids
        if u not in units or units[u].staff is None or not under(units[u].staff, below)
    ]
    evidence["too_large"] = too_large
    message = (
        f"联合组建的工作队中,{'、'.join(too_large)}编制人员不少于{below}人或未填写,"
        "不符合联合组建条件"
        if too_large
        else f"联合组建的工作队各参扶单位编制人员均少于{below}人"
    )
    return Check("joint_team", "第六条", subject, period, not too_large, evidence, message, WARNING)


def one_team_per_village(
    active: Iterable[tuple[Hashable, Hashable]], *, period: str
) -> list[Check]:
    """一村一队 (第三条(二)): a finding for each village with more than one active team.
    `active` is (team id, village id) for the teams active on the day judged."""
    teams = defaultdict(list)
    for team, village in active:
        teams[village].append(team)
    return [
        Check(
            "one_team_per_village",
            "第三条(二)",
            f"village:{village}",
            period,
            False,
            {"teams": [str(t) for t in ids]},
            f"该村同时有{len(ids)}支驻村工作队,应一村一队",
        )
        for village, ids in teams.items()
        if len(ids) > 1
    ]
