"""A county's year: every cadre it assesses, through the policy engine, set-based.

One query per kind of fact for the whole county — or for every county of the
city at once (`county_cohorts`): the assignments with the year's annual
scores, team opinions and poverty tasks, the calendar's facts, the
corrections, logs with notices, ordinary scores, conduct facts, decisions,
parameter overrides — then the policy engine — the same
`evaluate_cadre_year` and `assess_reports` the CLI runs, so the facts exported
for a cadre (facts_export.py) reproduce the grade without the database.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property

from zhucun.alongside import started
from zhucun.assessment import sources
from zhucun.assessment.membership import Stint, stints, touching
from zhucun.assessment.models import (
    AnnualAssessment,
    AssessmentYear,
    ConductFact,
    ConductKind,
    FinalResult,
    GradeDecision,
    OrdinaryAssessment,
    PovertyTask,
    TeamOpinion,
)
from zhucun.gc_pause import gc_paused
from zhucun.policy.assessment import AssessmentResult, CohortPosition, cohort_positions
from zhucun.policy.calendar import attendance_calendar, attendance_window
from zhucun.policy.evaluation import (
    AssessmentFacts,
    CadreYearFacts,
    CadreYearReport,
    assess_reports,
    evaluate_cadre_year,
)
from zhucun.policy.parameters import ParameterBook
from zhucun.raw_rows import Among
from zhucun.rulebook.book import books_for
from zhucun.stationing.calendar import recorded_facts, with_periods


def subject_of(cadre_id: int) -> str:
    return f"cadre:{cadre_id}"


@dataclass
class Member:
    stint: Stint
    facts: CadreYearFacts
    report: CadreYearReport
    result: AssessmentResult
    ordinary: list[OrdinaryAssessment] = field(default_factory=list)
    annual: AnnualAssessment | None = None
    opinion: TeamOpinion | None = None
    conduct: list[ConductFact] = field(default_factory=list)
    poverty_task: PovertyTask | None = None
    decision: GradeDecision | None = None

    @property
    def cadre(self):
        return self.stint.last.cadre

    @property
    def team(self):
        return self.stint.last.team

    @property
    def grade(self) -> str | None:
        """The county's decision where it departs from the proposal, else the proposal."""
        return self.decision.grade if self.decision else self.result.grade

    @property
    def total(self) -> Fraction | None:
        return self.result.total

    @property
    def missing(self) -> list[str]:
        """What the assessors still have to enter before the grade can be proposed."""
        gaps = []
        if self.result.eligible:
            if self.annual is None:
                gaps.append("年度考核评分")
            if not self.ordinary:
                gaps.append("平时考核")
            if self.opinion is None:
                gaps.append("工作队书面意见")
        return gaps


@dataclass
class Cohort:
    county: object
    year: int
    today: date
    book: ParameterBook
    assessment_year: AssessmentYear | None
    members: list[Member]
    is_workday: object
    window: tuple[date, date]

    @property
    def finalised(self) -> bool:
        return self.assessment_year is not None and self.assessment_year.finalised

    @property
    def assessed(self) -> list[Member]:
        return [m for m in self.members if m.result.eligible]

    @property
    def not_assessed(self) -> list[Member]:
        return [m for m in self.members if not m.result.eligible]

    @property
    def params(self):
        return self.book.on(date(self.year, 12, 31))

    @property
    def quota(self) -> int:
        """优秀 ≤ floor(20% × assessed) (第三十二条)."""
        return len(self.assessed) * self.params.excellent_quota_pct // 100

    @property
    def excellent(self) -> str:
        return self.params.assessment_grades[0]

    @property
    def excellent_count(self) -> int:
        return sum(1 for m in self.assessed if m.grade == self.excellent)

    @property
    def incomplete(self) -> list[Member]:
        return [m for m in self.assessed if m.missing]

    def ranked(self) -> list[Member]:
        """Assessed cadres by total (highest first), those without a total last."""
        return sorted(
            self.assessed,
            key=lambda m: (m.total is None, -(m.total or 0), m.cadre.pk),
        )

    @cached_property
    def positions(self) -> dict[str, CohortPosition]:
        """Each assessed cadre's place in the cohort, as exported with one cadre's facts."""
        return cohort_positions([m.result for m in self.members])

    def position(self, member: Member) -> CohortPosition | None:
        return self.positions.get(member.result.subject)

    def member(self, cadre_id: int) -> Member | None:
        return next((m for m in self.members if m.cadre.pk == cadre_id), None)


_UNREAD = object()


def county_cohort(county, year: int, *, today: date, assessment_year=_UNREAD) -> Cohort:
    """Compute the county's year from the recorded facts (a fixed number of queries).

    A caller that has already read the county's AssessmentYear row (or found
    none: None) passes it, so the page reads it once.
    """
    years = None if assessment_year is _UNREAD else {county.pk: assessment_year}
    return county_cohorts([county], year, today=today, assessment_years=years)[county.pk]


@gc_paused()
def county_cohorts(
    counties, year: int, *, today: date, assessment_years: dict | None = None
) -> dict[int, Cohort]:
    """county id → Cohort for each given county, all in one pass: one query per kind of fact
    for every county together (the city's year costs the queries of one county's).

    `assessment_years` (county id → AssessmentYear or None), when the caller has read them.
    """
    return judged_cohorts(cohort_facts(counties, year, assessment_years), today=today)


@dataclass
class CohortFacts:
    """What county_cohorts reads for its counties' year, before any judging (cohort_facts)."""

    counties: list
    year: int
    assessment_years: dict
    found: dict[int, Stint]
    window: tuple[date, date]
    attendance: dict
    is_workday: object
    logs: dict
    notices: dict
    ordinary: dict[int, list[OrdinaryAssessment]]
    conduct: dict[int, list[ConductFact]]
    decisions: dict
    books: dict[int, ParameterBook]


@gc_paused()
def cohort_facts(counties, year: int, assessment_years: dict | None = None) -> CohortFacts:
    """Every fact county_cohorts judges, one query per kind for every county together."""
    counties = list(counties)
    if assessment_years is None:
        assessment_years = dict.fromkeys((c.pk for c in counties), None)
        assessment_years.update(
            (a.county_id, a) for a in AssessmentYear.objects.filter(county__in=counties, year=year)
        )
    county_ids = [c.pk for c in counties]
    window = attendance_window(year)
    # The calendar's facts and the year's logs are read on connections of their own
    # (zhucun/alongside.py) while the assignments are read and built here: of every cadre
    # touching the counties (those assessed elsewhere are not judged here).
    cadres = touching(year, county_ids)
    recorded = started(recorded_facts, cadres, *window)
    logs_and_notices = started(sources.logs_and_notices, cadres, *window, year)
    found = stints(year, county_ids=county_ids, with_year_records=True)
    ids = sorted(found)
    is_workday = sources.workdays(*window)
    # The assessed assignments are the counted ones (第六条、第八条): the stints' periods.
    attendance = with_periods(
        recorded.result(), ids, {cadre_id: stint.periods for cadre_id, stint in found.items()}
    )
    logs, notices = logs_and_notices.result()
    ordinary: dict[int, list[OrdinaryAssessment]] = defaultdict(list)
    for row in OrdinaryAssessment.objects.filter(Among("cadre_id", ids), year=year).order_by(
        "held_on", "pk"
    ):
        ordinary[row.cadre_id].append(row)
    conduct: dict[int, list[ConductFact]] = defaultdict(list)
    for fact in ConductFact.objects.filter(Among("cadre_id", ids), occurred_on__year=year):
        conduct[fact.cadre_id].append(fact)
    opened = [a for a in assessment_years.values() if a is not None]
    decisions = (
        {
            (d.assessment_year_id, d.cadre_id): d
            for d in GradeDecision.objects.filter(assessment_year__in=opened)
        }
        if opened
        else {}
    )
    return CohortFacts(
        counties,
        year,
        assessment_years,
        found,
        window,
        attendance,
        is_workday,
        logs,
        notices,
        ordinary,
        conduct,
        decisions,
        books_for(counties),
    )


@gc_paused()
def judged_cohorts(read: CohortFacts, *, today: date) -> dict[int, Cohort]:
    """county id → Cohort: the policy engine over what cohort_facts read (no query)."""
    year, found, is_workday = read.year, read.found, read.is_workday
    annual = {c: s.annual for c, s in found.items() if s.annual is not None}
    opinions = {c: s.opinion for c, s in found.items() if s.opinion is not None}
    tasks = {s.last.team.village_id: s.poverty_task for s in found.values() if s.poverty_task}
    calendar = attendance_calendar(year, is_workday)  # the year's working days, once
    by_county: dict[int, list[int]] = defaultdict(list)
    for cadre_id in sorted(found):
        by_county[found[cadre_id].county_id].append(cadre_id)

    cohorts = {}
    for county in read.counties:
        book = read.books[county.pk]
        assessment_year = read.assessment_years.get(county.pk)
        pairs = []
        for cadre_id in by_county.get(county.pk, ()):
            task = tasks.get(found[cadre_id].last.team.village_id)
            kinds = {fact.kind for fact in read.conduct.get(cadre_id, ())}
            record = annual.get(cadre_id)
            facts = CadreYearFacts(
                subject=subject_of(cadre_id),
                attendance=read.attendance[cadre_id],
                logs=read.logs.get(cadre_id, {}),
                notices=read.notices.get(cadre_id, ()),
                assessment=AssessmentFacts(
                    annual_contents=record.contents() if record else None,
                    ordinary_scores=tuple(float(o.score) for o in read.ordinary.get(cadre_id, ())),
                    poverty_task_missed=task is not None and not task.completed,
                    disciplined=ConductKind.DISCIPLINED in kinds,
                    disobedience_serious=ConductKind.DISOBEDIENCE in kinds,
                ),
            )
            report = evaluate_cadre_year(
                facts, year=year, today=today, is_workday=is_workday, book=book, calendar=calendar
            )
            pairs.append((cadre_id, facts, report))
        results = assess_reports([(f, r) for _, f, r in pairs], year=year, book=book)
        members = [
            Member(
                stint=found[cadre_id],
                facts=facts,
                report=report,
                result=result,
                ordinary=read.ordinary.get(cadre_id, []),
                annual=annual.get(cadre_id),
                opinion=opinions.get(cadre_id),
                conduct=read.conduct.get(cadre_id, []),
                poverty_task=tasks.get(found[cadre_id].last.team.village_id),
                decision=(
                    read.decisions.get((assessment_year.pk, cadre_id)) if assessment_year else None
                ),
            )
            for (cadre_id, facts, report), result in zip(pairs, results, strict=True)
        ]
        cohorts[county.pk] = Cohort(
            county, year, today, book, assessment_year, members, is_workday, read.window
        )
    return cohorts


def archived(county, year: int):
    """The finalised results of the county's year (one query), or None when not finalised."""
    rows = list(
        FinalResult.objects.filter(
            assessment_year__county=county, year=year, assessment_year__finalised_at__isnull=False
        ).select_related("cadre", "unit", "team__village__town")
    )
    return rows or None
