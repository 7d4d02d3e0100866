"""Who a county assesses in a year: cadres whose counted assignments touch the year, assessed by
the county of the last team they served in that year (第三十条: 年度考核由区县组织)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from zhucun.policy.calendar import Assignment as Period
from zhucun.policy.periods import year_bounds
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment


@dataclass
class Stint:
    """A cadre's counted assignments in the year and the one that decides the assessing county."""

    cadre_id: int
    last: Assignment
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def county_id(self) -> int:
        return self.last.team.village.county_id

    @property
    def periods(self) -> tuple[Period, ...]:
        return tuple(Period(a.start, a.end) for a in self.assignments)


def _in_year(year: int) -> Q:
    first, last = year_bounds(year)
    return (
        Q(start__lte=last)
        & (Q(end__isnull=True) | Q(end__gte=first))
        & ~Q(role__in=[r.value for r in NON_COUNTED_ROLES])
    )


def stints(
    year: int, *, county_id: int | None = None, county_ids=None, cadre_ids=None
) -> dict[int, Stint]:
    """cadre id → Stint, for the cadres a county (or any of several counties) assesses, or for
    the given cadres: one query."""
    if county_id is not None:
        county_ids = [county_id]
    if county_ids is None and cadre_ids is None:
        raise ValueError("county_id, county_ids or cadre_ids is needed")
    base = Assignment.objects.filter(_in_year(year))
    if county_ids is not None:
        county_ids = set(county_ids)
        touching = base.filter(team__village__county_id__in=county_ids).values("cadre_id")
    elif isinstance(cadre_ids, QuerySet):
        touching = cadre_ids  # read as a subquery of the one query below
    else:
        touching = list(cadre_ids)
    rows = (
        base.filter(cadre_id__in=touching)
        .select_related("cadre__unit", "team__village__town", "team__village__county")
        .order_by("cadre_id", "start", "pk")
    )
    found: dict[int, Stint] = {}
    grouped: dict[int, list[Assignment]] = defaultdict(list)
    for row in rows:
        grouped[row.cadre_id].append(row)
    for cadre_id, rows_ in grouped.items():
        found[cadre_id] = Stint(cadre_id, rows_[-1], rows_)
    if county_ids is not None:
        found = {c: s for c, s in found.items() if s.county_id in county_ids}
    return found


def assessing_county_id(cadre_id: int, year: int) -> int | None:
    stint = stints(year, cadre_ids=[cadre_id]).get(cadre_id)
    return stint.county_id if stint else None


def served_in_year(stint: Stint, *, town_id=None, team_id=None, on: date | None = None) -> bool:
    for a in stint.assignments:
        if town_id is not None and a.team.village.town_id != town_id:
            continue
        if team_id is not None and a.team_id != team_id:
            continue
        if on is not None and not a.active_on(on):
            continue
        return True
    return False
