"""The assessment list of a county's year, stored: computed once a day (by the nightly
`manage.py refresh_boards`, or on first reading) and filed as JSON; the list page reads it.

A past year's facts change only through back-dated corrections, scores, opinions and
decisions; each such service marks the stored list stale (stale.mark_cohorts_stale) and the
next reading computes it again, so the page never shows a list older than the last change
made through those services. A list is also valid only for the day it was computed for: the
engine judges the days up to "today" (a year reads a month of the next), so tomorrow's list is
computed tomorrow — which also brings in what changed without a service (the back office's
edits of assignments or cadres) by the next day.

What is stored is exactly what the page shows of each cadre — name, unit, the components,
the grade, whether the county decided it, the articles of 第三十五条 that fired, what is
still missing, and why a cadre is not assessed —, so the page renders the same rows from a
fresh computation and from the stored one (to_json of the same cohort). A cadre's full
explanation (evidence, parameters) stays on their own page, computed live.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError
from django.utils import timezone

from zhucun.org.models import Level, Region

from .cohort import Cohort, Member, county_cohort, county_cohorts
from .models import AssessmentYear, CohortSnapshot


@dataclass
class CohortList:
    """What the list page shows of a county's year (see to_json), and when it was computed."""

    data: dict
    computed_at: datetime


def _ranked_row(m: Member) -> dict:
    components = m.result.components
    return {
        "cadre": m.cadre.pk,
        "name": m.cadre.name,
        "unit": m.cadre.unit.name if m.cadre.unit_id else "",
        "ordinary_mean": components.get("ordinary_mean"),
        "annual": components.get("annual"),
        "total": components.get("total"),
        "grade": m.grade,
        "decided": m.decision is not None,
        # The rules of 第三十五条 (and others) that make the grade, by article.
        "articles": [c.article for c in m.result.checks if c.fired and c.severity == "violation"],
        "missing": m.missing,
    }


def to_json(cohort: Cohort) -> dict:
    """The list page's part of the cohort: counts, the ranked rows, the cadres not assessed."""
    return {
        "assessed": len(cohort.assessed),
        "quota": cohort.quota,
        "excellent_count": cohort.excellent_count,
        "incomplete": len(cohort.incomplete),
        "grades": list(cohort.params.assessment_grades),
        "ranked": [_ranked_row(m) for m in cohort.ranked()],
        "not_assessed": [
            {
                "cadre": m.cadre.pk,
                "name": m.cadre.name,
                # 第三十二条: why not (the eligibility check comes first).
                "reason": m.result.checks[0].message if m.result.checks else "",
            }
            for m in cohort.not_assessed
        ],
    }


def cohort_list(
    county: Region, year: int, *, today: date, assessment_year, stored: CohortSnapshot | None
) -> CohortList:
    """The county's list of the year: the `stored` one (read with the county through the
    user's scope: selectors.county_year_in_scope) if it is fresh — computed for today and not
    marked stale —, else computed now and filed (read-through).

    A list shows the whole county to everyone who may open the county's year. The caller
    passes the county's AssessmentYear row (or None).
    """
    if stored is not None and not stored.stale and stored.computed_for == today:
        return CohortList(stored.data, stored.computed_at)
    cohort = county_cohort(county, year, today=today, assessment_year=assessment_year)
    data, now = to_json(cohort), timezone.now()
    fields = {"data": data, "computed_for": today, "computed_at": now, "stale": False}
    # One statement either way, with no transaction around it (a single INSERT or UPDATE is
    # atomic by itself): the page reads 14 queries whether it files the list or refiles it.
    if stored is not None:
        CohortSnapshot.objects.filter(pk=stored.pk).update(**fields)
    else:
        try:
            CohortSnapshot(county=county, year=year, **fields).save(force_insert=True)
        except IntegrityError:
            # Another request filed it meanwhile (from the same facts): replace theirs.
            CohortSnapshot.objects.filter(county=county, year=year).update(**fields)
    return CohortList(data, now)


def file_cohorts(counties, year: int, *, today: date) -> int:
    """Compute the lists of the given counties' year in one pass and file them, replacing what
    was filed: one INSERT … ON CONFLICT DO UPDATE for all of them."""
    counties = list(counties)
    if not counties:
        return 0
    cohorts = county_cohorts(counties, year, today=today)
    now = timezone.now()
    CohortSnapshot.objects.bulk_create(
        [
            CohortSnapshot(
                county_id=county_id,
                year=year,
                data=to_json(cohort),
                computed_for=today,
                computed_at=now,
                stale=False,
            )
            for county_id, cohort in cohorts.items()
        ],
        update_conflicts=True,
        unique_fields=["county", "year"],
        update_fields=["data", "computed_for", "computed_at", "stale"],
    )
    return len(cohorts)


def refresh(today: date) -> list[tuple[int, int]]:
    """File the lists the pages will read today: last year's of every county, and every stored
    list of another year that is stale or was computed for an earlier day; a finalised year
    is read from its archive (FinalResult) and is left out. Returns (year, lists filed)."""
    finalised = set(
        AssessmentYear.objects.filter(finalised_at__isnull=False).values_list("county_id", "year")
    )
    counties = Region.objects.filter(level=Level.COUNTY).values_list("pk", flat=True)
    wanted = {(county_id, today.year - 1) for county_id in counties}
    wanted |= set(
        CohortSnapshot.objects.exclude(stale=False, computed_for=today).values_list(
            "county_id", "year"
        )
    )
    by_year: dict[int, list[int]] = {}
    for county_id, year in sorted(wanted - finalised):
        by_year.setdefault(year, []).append(county_id)
    done = []
    for year, county_ids in sorted(by_year.items()):
        counties = Region.objects.filter(pk__in=county_ids).order_by("code")
        done.append((year, file_cohorts(counties, year, today=today)))
    return done
