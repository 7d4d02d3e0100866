"""Who may be paired with a household (第九条), as checks over plain data.

- a village with a stationed team: a cadre of one of the team's dispatching units;
- a village without a team: a cadre the county selected (a county-level unit of that county);
- a household that has exited poverty: a town contact cadre (包村干部), a village cadre
  or a party member.

Plain data in, `Check`s out (no ORM), so a whole county is checked in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhucun.policy.findings import WARNING, Check

ARTICLE = "第九条"


@dataclass(frozen=True)
class PairingFacts:
    household: int
    label: str  # e.g. "贺家户(6101...)"
    exited: bool
    team_unit_ids: frozenset[int] | None  # None: the village has no stationed team
    county_id: int
    cadre: int | None = None
    cadre_name: str = ""
    cadre_unit: int | None = None
    cadre_unit_name: str = ""
    cadre_unit_is_county_of: int | None = None  # the county, when the unit is county-level
    cadre_is_party_member: bool = False
    cadre_is_contact_or_village_cadre: bool = False


def pairing_fits(facts: PairingFacts) -> bool:
    """pairing_check's verdict alone: a county's review builds a Check for the few that fail."""
    if facts.cadre is None:
        return False
    if facts.exited:
        return facts.cadre_is_contact_or_village_cadre or facts.cadre_is_party_member
    if facts.team_unit_ids is not None:
        return facts.cadre_unit in facts.team_unit_ids
    return facts.cadre_unit_is_county_of == facts.county_id


def pairing_check(facts: PairingFacts) -> Check:
    subject = f"household:{facts.household}"
    evidence = {"household": facts.label, "cadre": facts.cadre_name, "unit": facts.cadre_unit_name}
    if facts.cadre is None:
        return Check(
            "pairing_exists",
            ARTICLE,
            subject,
            "",
            False,
            evidence,
            f"{facts.label}没有在帮联户干部,在册贫困户应有干部结对帮扶",
            WARNING,
        )
    if facts.exited:
        evidence["party_member"] = facts.cadre_is_party_member
        evidence["contact_or_village_cadre"] = facts.cadre_is_contact_or_village_cadre
        rule = "已脱贫户应由镇(街办)包村干部、村干部、党员结对帮扶"
    elif facts.team_unit_ids is not None:
        rule = "有驻村工作队的村,在册贫困户应由该队参扶单位选派干部联户帮扶"
    else:
        rule = "未安排驻村帮扶的村,在册贫困户应由本区县选派干部联户帮扶"
    passed = pairing_fits(facts)
    verdict = "符合" if passed else "不符合"
    return Check(
        "pairing_fits",
        ARTICLE,
        subject,
        "",
        passed,
        evidence,
        f"{facts.label}由{facts.cadre_unit_name}{facts.cadre_name}结对,{verdict}:{rule}",
        WARNING,
    )


def pairing_checks(all_facts: Iterable[PairingFacts]) -> list[Check]:
    return [pairing_check(facts) for facts in all_facts]


def pairing_failures(all_facts: Iterable[PairingFacts]) -> list[Check]:
    """The fired checks of pairing_checks, in the same order."""
    return [pairing_check(facts) for facts in all_facts if not pairing_fits(facts)]
