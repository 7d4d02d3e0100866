"""第二十八条 for the teams in a queryset: the rule is zhucun.policy.care; this reads the visits."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from zhucun.care.models import UnitHeadVisit
from zhucun.policy.care import ARTICLE, unit_head_visit_checks
from zhucun.policy.findings import Check
from zhucun.stationing.calendar import books_for
from zhucun.stationing.models import Team

__all__ = ["ARTICLE", "VisitCheck", "visit_checks"]


@dataclass(frozen=True)
class VisitCheck:
    unit: object
    team: Team
    check: Check


def visit_checks(teams, year: int, *, today: date) -> list[VisitCheck]:
    """For each (helping unit, team) and each finished month of `year` the team existed (4 queries)."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    teams = list(teams.select_related("village").prefetch_related("units"))
    visits: dict[tuple[int, int], list[date]] = defaultdict(list)
    for unit_id, team_id, day in UnitHeadVisit.objects.filter(
        team__in=teams, visited_on__range=(first, last)
    ).values_list("unit_id", "team_id", "visited_on"):
        visits[(unit_id, team_id)].append(day)
    books = books_for({t.village.county_id for t in teams})
    out = []
    for team in teams:
        book = books[team.village.county_id]
        start = max(first, team.formed_on)
        end = min(last, team.withdrawn_on or last)
        for unit in team.units.all():
            out.extend(
                VisitCheck(unit, team, check)
                for check in unit_head_visit_checks(
                    visits.get((unit.pk, team.pk), []),
                    unit=unit.name,
                    village=team.village.name,
                    start=start,
                    end=end,
                    today=today,
                    book=book,
                )
            )
    return out
