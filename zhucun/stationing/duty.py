"""Duty coverage (第十六条: 双休日和法定节假日期间,驻村工作队应当安排驻村干部轮流值班).

Plain data in, policy `Check`s out (no ORM): a weekend or holiday with nobody
left on duty after approved leave is a finding, with the rostered cadres and
their leave as evidence. This rule is not (yet) in zhucun.policy; it belongs
there and can move unchanged.
"""

from collections.abc import Hashable, Iterable, Mapping
from datetime import date

from zhucun.policy.findings import VIOLATION, Check

ARTICLE = "第十六条"


def rotation(
    days: Iterable[date], cadres: list[Hashable], *, offset: int = 0
) -> dict[date, Hashable]:
    """One cadre per day, in turn; `offset` continues last month's turn."""
    if not cadres:
        return {}
    return {day: cadres[(offset + i) % len(cadres)] for i, day in enumerate(sorted(days))}


def duty_coverage_checks(
    *,
    team: Hashable,
    days: Iterable[date],
    on_duty: Mapping[date, set[Hashable]],
    on_leave: Mapping[date, set[Hashable]],
    names: Mapping[Hashable, str],
    period: str,
) -> list[Check]:
    """One check per weekend/holiday day: someone on duty and not on approved leave."""
    checks = []
    subject = f"team:{team}"
    for day in sorted(days):
        rostered = on_duty.get(day, set())
        away = rostered & on_leave.get(day, set())
        present = rostered - away
        evidence = {
            "day": day.isoformat(),
            "rostered": sorted(names.get(c, str(c)) for c in rostered),
            "on_leave": sorted(names.get(c, str(c)) for c in away),
        }
        if present:
            message = (
                f"{day.isoformat()} 值班:{'、'.join(sorted(names.get(c, str(c)) for c in present))}"
            )
        elif rostered:
            message = (
                f"{day.isoformat()} 为双休日或法定节假日,排班的"
                f"{'、'.join(evidence['on_leave'])}已获准请假,无人值班"
            )
        else:
            message = f"{day.isoformat()} 为双休日或法定节假日,未安排驻村干部值班"
        checks.append(
            Check(
                "duty_coverage",
                ARTICLE,
                subject,
                day.isoformat(),
                bool(present),
                evidence,
                message,
                VIOLATION,
            )
        )
    return checks
