"""第二十八条: the unit head visits each village the unit helps at least once a month.

A month with fewer visits than `unit_head_visits_per_month_min` is a finding
against the unit, for each team it helps; the evidence lists the visit dates.
A month still running is judged once it is over. This rule is not (yet) in
zhucun.policy, so it is written here with the policy's Check and reading words.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from zhucun.care.models import UnitHeadVisit
from zhucun.policy.findings import Check
from zhucun.policy.periods import month_label, month_name, months_between
from zhucun.policy.reading import at_least
from zhucun.stationing.calendar import books_for
from zhucun.stationing.models import Team

ARTICLE = "第二十八条"


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
            days = visits.get((unit.pk, team.pk), [])
            for m_first, m_last in months_between(start, end):
                if m_last >= today:
                    continue  # the month is not over
                minimum = book.on(m_last).unit_head_visits_per_month_min
                in_month = sorted(d for d in days if m_first <= d <= m_last)
                passed = at_least(len(in_month), minimum)
                out.append(
                    VisitCheck(
                        unit,
                        team,
                        Check(
                            "unit_head_visit",
                            ARTICLE,
                            f"{unit.name}/{team.village.name}",
                            month_label(m_first),
                            passed,
                            {
                                "visits": len(in_month),
                                "minimum": minimum,
                                "dates": [d.isoformat() for d in in_month],
                            },
                            f"{month_name(m_first)}{unit.name}主要负责人到{team.village.name}指导"
                            f"{len(in_month)}次,{'达到' if passed else '未达到'}每月至少{minimum}次的要求",
                        ),
                    )
                )
    return out
