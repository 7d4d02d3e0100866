"""Reads shared by the assessment pages and exports, always through the user's data scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q
from django.http import Http404

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.assessment.cohort import Cohort, county_cohort
from zhucun.assessment.explanation import explanation_dict
from zhucun.assessment.membership import assessing_county_id
from zhucun.assessment.models import AssessmentYear, FinalResult
from zhucun.org.models import Cadre, Region

# Who reads assessments; of them, the offices that read every cadre in their scope
# (a plain member reads only their own).
VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER)
OVERSEERS = frozenset({Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER})


def own_only(user, cadre_id: int) -> None:
    """A plain member reads only their own assessment, not their team mates' (404 otherwise)."""
    scope = scope_for(user)
    if not scope.everything and not (scope.roles & OVERSEERS) and scope.cadre_id != cadre_id:
        raise Http404


def county_in_scope(user, county_id: int) -> Region:
    """A county the user administers (county office) or oversees (city office); 404 otherwise."""
    scope = scope_for(user)
    county = Region.objects.filter(pk=county_id, level="county").first()
    if county is None or not (
        scope.everything or county.pk in scope.county_ids or county.city_id in scope.city_ids
    ):
        raise Http404
    return county


def county_year_in_scope(user, county_id: int, year: int) -> tuple[Region, AssessmentYear | None]:
    """county_in_scope and the county's AssessmentYear of `year` (None if not opened), in one
    query — with the county's stored list of the year as `county.year_list` (a CohortSnapshot,
    or None), which the page shows to whoever may open the county's year."""
    scope = scope_for(user)
    county = (
        Region.objects.filter(pk=county_id, level="county")
        .annotate(
            year_row=FilteredRelation("assessment_years", condition=Q(assessment_years__year=year)),
            year_list=FilteredRelation(
                "cohort_snapshots", condition=Q(cohort_snapshots__year=year)
            ),
        )
        .select_related("year_row", "year_list")
        .first()
    )
    if county is None or not (
        scope.everything or county.pk in scope.county_ids or county.city_id in scope.city_ids
    ):
        raise Http404
    return county, getattr(county, "year_row", None)


def counties_in_scope(user):
    scope = scope_for(user)
    counties = Region.objects.filter(level="county")
    if scope.everything:
        return counties
    return counties.filter(pk__in=scope.county_ids) | counties.filter(city_id__in=scope.city_ids)


@dataclass
class CadreYear:
    cadre: Cadre
    county: Region
    year: int
    data: dict  # explanation_dict, live or archived
    finalised: bool
    cohort: Cohort | None  # None when read from the archive
    final: FinalResult | None


def cadre_year(user, cadre_id: int, year: int, *, today) -> CadreYear:
    """The explanation of a cadre's year, if the user may see the cadre; 404 otherwise."""
    cadre = get_scoped_or_404(user, Cadre, cadre_id)
    final = (
        FinalResult.objects.filter(cadre=cadre, year=year)
        .select_related("assessment_year__county")
        .first()
    )
    if final is not None:
        return CadreYear(
            cadre, final.assessment_year.county, year, final.explanation, True, None, final
        )
    county_id = assessing_county_id(cadre.pk, year)
    if county_id is None:
        raise Http404
    county = Region.objects.get(pk=county_id)
    cohort = county_cohort(county, year, today=today)
    member = cohort.member(cadre.pk)
    if member is None:
        raise Http404
    return CadreYear(
        cadre, county, year, explanation_dict(cohort, member), cohort.finalised, cohort, None
    )


def final_results(user, county, year: int, *, unit_id: int | None = None):
    """The archived results of a finalised year that the user may see (one query)."""
    rows = scoped(
        user,
        FinalResult.objects.filter(assessment_year__county=county, year=year).select_related(
            "cadre", "unit", "team__village__town"
        ),
    )
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    return rows.order_by("-eligible", "-total", "cadre_id")


def assessment_year_of(county, year: int) -> AssessmentYear | None:
    return AssessmentYear.objects.filter(county=county, year=year).first()
