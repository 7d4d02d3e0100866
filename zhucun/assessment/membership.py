"""Who a county assesses in a year: cadres whose counted assignments touch the year, assessed by
the county of the last team they served in that year (第三十条: 年度考核由区县组织)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import FilteredRelation, Q, QuerySet

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

    # With `stints(..., with_year_records=True)`: the year's records that exist at most once
    # per cadre (or per village) and year, read with the assignments.
    @property
    def annual(self):
        """The cadre's AnnualAssessment of the year, or None."""
        return getattr(self.last, "year_annual", None)

    @property
    def opinion(self):
        """The team's TeamOpinion on the cadre for the year (with its signer), or None."""
        return getattr(self.last, "year_opinion", None)

    @property
    def poverty_task(self):
        """The PovertyTask of the year of the last team's village, or None."""
        return getattr(self.last, "year_task", None)


def _in_year(year: int) -> Q:
    first, last = year_bounds(year)
    return (
        Q(start__lte=last)
        & (Q(end__isnull=True) | Q(end__gte=first))
        & ~Q(role__in=[r.value for r in NON_COUNTED_ROLES])
    )


def _with_year_records(rows: QuerySet, year: int) -> QuerySet:
    """The rows with the year's annual assessment and team opinion of their cadre and poverty
    task of their village joined (each unique per cadre or village and year: no extra rows)."""
    return rows.annotate(
        year_annual=FilteredRelation(
            "cadre__annual_assessments", condition=Q(cadre__annual_assessments__year=year)
        ),
        year_opinion=FilteredRelation(
            "cadre__team_opinions", condition=Q(cadre__team_opinions__year=year)
        ),
        year_task=FilteredRelation(
            "team__village__poverty_tasks", condition=Q(team__village__poverty_tasks__year=year)
        ),
    ).select_related("year_annual", "year_opinion__signed_by", "year_task")


def touching(year: int, county_ids) -> QuerySet:
    """The cadres (a query of one column) any of whose counted assignments of the year is in
    one of the counties: those stints(county_ids=…) finds, and those assessed elsewhere."""
    return Assignment.objects.filter(
        _in_year(year), team__village__county_id__in=county_ids
    ).values("cadre_id")


def stints(
    year: int,
    *,
    county_id: int | None = None,
    county_ids=None,
    cadre_ids=None,
    with_year_records: bool = False,
) -> dict[int, Stint]:
    """cadre id → Stint, for the cadres a county (or any of several counties) assesses, or for
    the given cadres: one query (`with_year_records`: see Stint.annual)."""
    if county_id is not None:
        county_ids = [county_id]
    if county_ids is None and cadre_ids is None:
        raise ValueError("county_id, county_ids or cadre_ids is needed")
    base = Assignment.objects.filter(_in_year(year))
    if county_ids is not None:
        county_ids = set(county_ids)
        cadres = touching(year, county_ids)
    elif isinstance(cadre_ids, QuerySet):
        cadres = cadre_ids  # read as a subquery of the one query below
    else:
        cadres = list(cadre_ids)
    rows = (
        base.filter(cadre_id__in=cadres)
        .select_related("cadre__unit", "team__village__town", "team__village__county")
        .order_by("cadre_id", "start", "pk")
    )
    if with_year_records:
        rows = _with_year_records(rows, year)
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
