"""Who approves a cadre's leave (第十六条).

Leave length is in calendar days, both ends included. Where the text overlaps
(`一周以内` vs `一周以上`, `3天以内` vs `3天以上`), the first-named, lighter route
wins: a leader's 7 days go to the town, a member's 3 days to the team leader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from zhucun.policy.errors import PolicyError
from zhucun.policy.parameters import ParamsOnDate
from zhucun.policy.periods import inclusive_days
from zhucun.policy.reading import within

Approver = Literal["team_leader", "town", "county"]
Action = Literal["consent", "approve"]

APPROVER_NAMES = {
    "team_leader": "驻村工作队队长",
    "town": "镇(街办)党委书记或镇长",
    "county": "县级驻村工作领导小组",
}
ACTION_NAMES = {"consent": "同意", "approve": "批准"}


@dataclass(frozen=True)
class RouteStep:
    approver: Approver
    action: Action

    def to_dict(self) -> dict[str, str]:
        return {"approver": self.approver, "action": self.action}


@dataclass(frozen=True)
class Route:
    steps: tuple[RouteStep, ...]
    days: int
    threshold_days: int
    article: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": [step.to_dict() for step in self.steps],
            "days": self.days,
            "threshold_days": self.threshold_days,
            "article": self.article,
            "explanation": self.explanation,
        }


def leave_days(start: date, end: date) -> int:
    """Calendar days of leave, both ends included (05-01 to 05-03 is 3 days)."""
    if end < start:
        raise PolicyError(f"请假结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}")
    return inclusive_days(start, end)


def leave_route(*, role: str, start: date, end: date, params: ParamsOnDate) -> Route:
    """The approval steps for a leave of a team leader ("leader") or member ("member")."""
    days = leave_days(start, end)
    if role == "member":
        limit = params.leave_member_leader_max_days
        if within(days, limit):
            steps = (RouteStep("team_leader", "approve"),)
            why = f"队员离村{days}天,在{limit}天以内,由驻村工作队队长批准"
        else:
            steps = (RouteStep("team_leader", "consent"), RouteStep("town", "approve"))
            why = (
                f"队员离村{days}天,超过{limit}天,经驻村工作队队长同意后,"
                "报镇(街办)党委书记或镇长批准"
            )
    elif role == "leader":
        limit = params.leave_leader_town_max_days
        if within(days, limit):
            steps = (RouteStep("town", "approve"),)
            why = f"队长离村{days}天,在{limit}天以内,报镇(街办)党委书记或镇长批准"
        else:
            steps = (RouteStep("town", "consent"), RouteStep("county", "approve"))
            why = f"队长离村{days}天,超过{limit}天,经镇(街办)同意后,报县级驻村工作领导小组批准"
    else:
        raise PolicyError(f"请假人身份应为 leader(队长)或 member(队员),收到 {role!r}")
    return Route(steps, days, limit, "第十六条", why)
