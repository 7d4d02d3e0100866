"""Assessment progress for a dashboard (第三十、三十二条): who is to be assessed, who is scored,
who is finalised, and the 优秀 places used (in finalised results) against the quota — set-based, a fixed number of queries.

The year being assessed is the one before the board's month (counties assess a year
after it ends). Who a county assesses and whether a cadre takes part are read the way
the county's cohort reads them (zhucun.assessment.membership.stints and the policy's
eligibility check on the same assignment periods), so the dashboard's "to assess"
equals the assessment page's 考核对象; a finalised year is read from its archive
(FinalResult), never recomputed.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Q, Value

from zhucun.accounts.scope import scoped
from zhucun.assessment.cohort import subject_of
from zhucun.assessment.membership import stints
from zhucun.assessment.models import (
    AnnualAssessment,
    AssessmentYear,
    FinalResult,
    OrdinaryAssessment,
    TeamOpinion,
)
from zhucun.org.models import Level, Region
from zhucun.policy.assessment import eligibility_check
from zhucun.rulebook.book import books_for
from zhucun.stationing.models import Assignment

EXCELLENT = "优秀"


@dataclass(frozen=True)
class CadreProgress:
    cadre_id: int
    county_id: int
    town_id: int
    team_id: int
    eligible: bool
    scored: bool  # annual score, an ordinary assessment and the team's opinion recorded
    finalised: bool
    excellent: bool  # 优秀 in the county's finalised results


@dataclass
class Progress:
    year: int
    cadres: list[CadreProgress]
    quota: dict[int, int]  # county id → 优秀 places (第三十二条)
    finalised_counties: set[int]


def _within(region, village) -> bool:
    level_field = {
        Level.CITY: "city_id",
        Level.COUNTY: "county_id",
        Level.TOWN: "town_id",
        Level.VILLAGE: "pk",
    }
    return getattr(village, level_field[region.level]) == region.pk


def _recorded(year: int, ids: list[int]) -> dict[str, set[int]]:
    """Who has an annual score, an ordinary assessment and the team's opinion: one UNION query."""
    parts = [
        model.objects.filter(year=year, cadre_id__in=ids)
        .annotate(recorded_as=Value(kind, output_field=CharField()))
        .values_list("cadre_id", "recorded_as")
        .order_by()
        for model, kind in (
            (AnnualAssessment, "annual"),
            (OrdinaryAssessment, "ordinary"),
            (TeamOpinion, "opinion"),
        )
    ]
    found: dict[str, set[int]] = {"annual": set(), "ordinary": set(), "opinion": set()}
    if ids:
        for cadre_id, kind in parts[0].union(*parts[1:], all=True):
            found[kind].add(cadre_id)
    return found


def assessment_progress(user, region: Region, year: int, *, in_region: Q) -> Progress:
    """The cadres assessed for `year` whose last team of the year is in `region`, in the user's scope.

    `in_region` is the region as a filter on Assignment (its team's village).
    """
    touching = (
        scoped(user, Assignment.objects.all())
        .filter(in_region, start__lte=date(year, 12, 31))
        .exclude(end__lt=date(year, 1, 1))
        .values_list("cadre_id", flat=True)
        .order_by()
    )
    found = {
        cadre_id: stint
        for cadre_id, stint in stints(year, cadre_ids=touching).items()
        if _within(region, stint.last.team.village)
    }
    # The counties came with the stints (select_related): no query of their own.
    counties = {s.county_id: s.last.team.village.county for s in found.values()}
    county_ids = set(counties)
    books = books_for(counties.values())
    years = {
        y.county_id: y for y in AssessmentYear.objects.filter(county_id__in=county_ids, year=year)
    }
    final_ids = [y.pk for y in years.values() if y.finalised]
    archived = {
        r.cadre_id: r
        for r in FinalResult.objects.filter(assessment_year_id__in=final_ids).only(
            "cadre_id", "eligible", "grade"
        )
    }
    recorded = _recorded(year, list(found))
    annual, ordinary, opinions = recorded["annual"], recorded["ordinary"], recorded["opinion"]
    params = {pk: book.on(date(year, 12, 31)) for pk, book in books.items()}

    cadres = []
    for cadre_id, stint in sorted(found.items()):
        county_id = stint.county_id
        village = stint.last.team.village
        finalised = county_id in years and years[county_id].finalised
        if finalised:
            result = archived.get(cadre_id)
            if result is None:
                continue  # not in the county's archived cohort
            eligible, grade = result.eligible, result.grade
        else:
            check = eligibility_check(
                stint.periods, subject=subject_of(cadre_id), year=year, params=params[county_id]
            )
            # Grades are settled only when the county finalises (the quota may move them).
            eligible, grade = bool(check.passed), None
        cadres.append(
            CadreProgress(
                cadre_id,
                county_id,
                village.town_id,
                stint.last.team_id,
                eligible,
                eligible
                and (
                    finalised
                    or (cadre_id in annual and cadre_id in ordinary and cadre_id in opinions)
                ),
                eligible and finalised,
                eligible and grade == EXCELLENT,
            )
        )
    quota = {}
    for county_id in county_ids:
        if county_id in years and years[county_id].finalised:
            quota[county_id] = years[county_id].excellent_quota
        else:
            assessed = sum(1 for c in cadres if c.county_id == county_id and c.eligible)
            quota[county_id] = assessed * params[county_id].excellent_quota_pct // 100
    return Progress(year, cadres, quota, {y.county_id for y in years.values() if y.finalised})
