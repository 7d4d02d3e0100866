"""The annual assessment of stationed cadres (第三十、三十一、三十二、三十五条).

Who is assessed: a cadre whose assignment days in the year cover at least
six months (第三十二条 "驻村半年以上"). Six months are counted by calendar:
one continuous period from D covers them if it reaches the day before the
same date six months later (07-01..12-31 does, 07-02..12-31 does not).
Several shorter periods are added up in days and need 184, the longest six
calendar months, so splitting a stay never helps.

The score is 40% annual + 60% the mean of the ordinary assessments
(第三十一条); the annual score is given, or weighted from 第三十条's five
contents. The grade follows the score thresholds, is capped when the
village missed its poverty-reduction task, and is 不称职 whatever the score
when any item of 第三十五条 holds. At most floor(20% × assessed) cadres are
优秀: candidates keep it in score order (ties by subject), the rest become 称职.
Arithmetic is exact (fractions); totals are shown rounded to 2 places.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from zhucun.policy.calendar import STATIONED_STATUSES, Assignment, DayStatus, merged_periods
from zhucun.policy.errors import PolicyError
from zhucun.policy.findings import VIOLATION, WARNING, Check
from zhucun.policy.parameters import ParameterBook, ParamsOnDate
from zhucun.policy.periods import add_months, inclusive_days, year_bounds
from zhucun.policy.reading import at_least
from zhucun.policy.worklogs import LATE, MISSING, ON_TIME

CONTENTS = {
    "daily_management": "日常管理",
    "attendance_logs": "考勤日志",
    "results": "工作实绩",
    "villagers_evaluation": "村民评价",
    "village_cadres_evaluation": "村干部评议",
}
# The computed items of 第三十五条 and the rules that produce them.
COMPUTED_UNFIT_RULES = {
    "year_stationed_days": "第三十五条(三)",
    "absence_spell": "第三十五条(四)",
    "absence_total": "第三十五条(四)",
    "refused_log_rectification": "第三十五条(五)",
}
PARAMETERS_USED = (
    "assessment_min_months",
    "annual_weight_pct",
    "ordinary_weight_pct",
    *(f"content_weight_{key}" for key in CONTENTS),
    "excellent_score_min",
    "competent_score_min",
    "basic_score_min",
    "poverty_task_missed_grade_cap",
    "assessment_grades",
    "excellent_quota_pct",
    "unfit_stationed_days_below",
    "unfit_absence_spell_over",
    "unfit_absence_total_over",
    "unfit_refused_log_notices_min",
)


@dataclass(frozen=True)
class CohortPosition:
    """Where one cadre stands in the county's cohort, given when the cohort itself is not in the
    input (a single cadre's facts): `assessed` cadres in all, `ranked_ahead` of them 优秀
    candidates ranked before this one. The quota is then judged on these numbers (第三十二条)."""

    assessed: int
    ranked_ahead: int

    def __post_init__(self):
        for name in ("assessed", "ranked_ahead"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PolicyError(f"cohort.{name}:应为非负整数,收到 {value!r}")
        if self.assessed < 1:
            raise PolicyError(f"cohort.assessed:考核对象至少1人(含本人),收到 {self.assessed}")
        if self.ranked_ahead >= self.assessed:
            raise PolicyError(
                f"cohort.ranked_ahead:应小于考核对象人数 {self.assessed},收到 {self.ranked_ahead}"
            )

    def to_dict(self) -> dict[str, int]:
        return {"assessed": self.assessed, "ranked_ahead": self.ranked_ahead}


@dataclass(frozen=True)
class AssessmentInput:
    """One cadre's facts for the year. `checks` are the attendance and log checks already computed
    (calendar.attendance_checks, worklogs.refused_rectification_check) for 第三十五条(三)–(五)."""

    subject: str
    assignments: tuple[Assignment, ...]
    annual_score: float | None = None
    annual_contents: Mapping[str, float] | None = None
    ordinary_scores: tuple[float, ...] = ()
    poverty_task_missed: bool = False
    disciplined: bool = False
    disobedience_serious: bool = False
    checks: tuple[Check, ...] = ()
    cohort: CohortPosition | None = None


@dataclass(frozen=True)
class AssessmentResult:
    """A cadre's grade with its explanation: every component, every rule looked at, parameters."""

    subject: str
    year: int
    eligible: bool
    grade: str | None
    score_grade: str | None
    total: Fraction | None
    components: dict[str, Any]
    checks: tuple[Check, ...]
    parameters: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "year": self.year,
            "eligible": self.eligible,
            "grade": self.grade,
            "score_grade": self.score_grade,
            "total": _shown(self.total),
            "components": self.components,
            "checks": [check.to_dict() for check in self.checks],
            "parameters": self.parameters,
        }


def _exact(score: float | int) -> Fraction:
    # Through str so that 89.7 is 897/10, not the nearest binary float.
    return Fraction(str(score))


def _shown(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _subject_key(subject: str) -> tuple:
    """ "cadre:9" before "cadre:10": numeric parts compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in subject.split(":")
    )


@lru_cache(maxsize=64)  # the same for every cadre of a cohort
def _longest_months_in_days(year: int, months: int) -> int:
    return max(
        inclusive_days(
            date(year, month, 1), add_months(date(year, month, 1), months) - timedelta(days=1)
        )
        for month in range(1, 13)
    )


def eligibility_check(
    assignments: Iterable[Assignment], *, subject: str, year: int, params: ParamsOnDate
) -> Check:
    """驻村半年以上的驻村干部应当参加考核 (第三十二条); see the module docstring for the count."""
    first, last = year_bounds(year)
    months = params.assessment_min_months
    periods = merged_periods(assignments, first, last)
    days = sum(inclusive_days(a, b) for a, b in periods)
    continuous = any(add_months(a, months) - timedelta(days=1) <= b for a, b in periods)
    needed_days = _longest_months_in_days(year, months)
    eligible = continuous or at_least(days, needed_days)
    evidence = {
        "periods": [[a.isoformat(), b.isoformat()] for a, b in periods],
        "assignment_days": days,
        "months_required": months,
        "continuous_months_met": continuous,
    }
    spans = "、".join(f"{a.isoformat()}至{b.isoformat()}" for a, b in periods) or "无"
    message = f"{year}年驻村期间{spans},共{days}天," + (
        f"满{months}个月,参加年度考核" if eligible else f"不满{months}个月,不参加年度考核"
    )
    return Check(
        "assessment_eligibility",
        "第三十二条",
        subject,
        str(year),
        eligible,
        evidence,
        message,
        WARNING,
    )


def annual_score(person: AssessmentInput, params: ParamsOnDate) -> tuple[Fraction | None, dict]:
    """The given annual score, or 第三十条's five contents weighted by the content weights."""
    if person.annual_score is not None:
        return _exact(person.annual_score), {"annual_score": person.annual_score}
    contents = person.annual_contents or {}
    if set(contents) != set(CONTENTS):
        return None, {
            "annual_contents": dict(contents),
            "missing_contents": [CONTENTS[k] for k in CONTENTS if k not in contents],
        }
    weights = {key: getattr(params, f"content_weight_{key}") for key in CONTENTS}
    total_weight = sum(weights.values())
    score = sum(_exact(contents[key]) * weights[key] for key in CONTENTS) / total_weight
    return score, {
        "annual_contents": {CONTENTS[k]: contents[k] for k in CONTENTS},
        "content_weights": {CONTENTS[k]: weights[k] for k in CONTENTS},
    }


def score_grade(total: Fraction, params: ParamsOnDate) -> str:
    excellent, competent, basic, unfit = params.assessment_grades
    if total >= params.excellent_score_min:
        return excellent
    if total >= params.competent_score_min:
        return competent
    if total >= params.basic_score_min:
        return basic
    return unfit


def unfit_checks(person: AssessmentInput, *, year: int) -> list[Check]:
    """第三十五条 (一)–(五), fired or not: (一)(二) recorded facts, (三)–(五) computed checks."""
    period = str(year)
    checks = [
        Check(
            "unfit_disciplined",
            "第三十五条(一)",
            person.subject,
            period,
            not person.disciplined,
            {"disciplined": person.disciplined},
            "出现违纪违规行为并受到党纪政纪处分" if person.disciplined else "无党纪政纪处分记录",
        ),
        Check(
            "unfit_disobedience",
            "第三十五条(二)",
            person.subject,
            period,
            not person.disobedience_serious,
            {"disobedience_serious": person.disobedience_serious},
            "不服从管理、不认真履行职责,造成严重不良影响"
            if person.disobedience_serious
            else "无不服从管理造成严重不良影响的记录",
        ),
    ]
    seen = set()
    for check in person.checks:
        if check.rule in COMPUTED_UNFIT_RULES:
            checks.append(check)
            seen.add(check.rule)
    for rule, article in COMPUTED_UNFIT_RULES.items():
        if rule not in seen:
            checks.append(
                Check(
                    rule,
                    article,
                    person.subject,
                    period,
                    None,
                    {},
                    "未提供计算所需的考勤或日志数据",
                    WARNING,
                )
            )
    return checks


def _is_unfit(check: Check) -> bool:
    return check.fired and check.severity == VIOLATION and check.article.startswith("第三十五条")


@dataclass
class _Draft:
    person: AssessmentInput
    eligibility: Check
    total: Fraction | None = None
    by_score: str | None = None
    proposed: str | None = None
    components: dict[str, Any] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)


def _draft(person: AssessmentInput, *, year: int, params: ParamsOnDate) -> _Draft:
    """Everything but the quota, which needs the whole cohort."""
    grades = params.assessment_grades
    draft = _Draft(
        person,
        eligibility_check(person.assignments, subject=person.subject, year=year, params=params),
    )
    if not draft.eligibility.passed:
        return draft
    annual, components = annual_score(person, params)
    ordinary = [_exact(score) for score in person.ordinary_scores]
    ordinary_mean = sum(ordinary) / len(ordinary) if ordinary else None
    if annual is not None and ordinary_mean is not None:
        draft.total = (
            annual * params.annual_weight_pct + ordinary_mean * params.ordinary_weight_pct
        ) / 100
    components.update(
        annual=_shown(annual),
        ordinary_scores=list(person.ordinary_scores),
        ordinary_mean=_shown(ordinary_mean),
        annual_weight_pct=params.annual_weight_pct,
        ordinary_weight_pct=params.ordinary_weight_pct,
        total=_shown(draft.total),
    )
    draft.components = components
    draft.checks = unfit_checks(person, year=year)
    draft.by_score = score_grade(draft.total, params) if draft.total is not None else None
    cap = params.poverty_task_missed_grade_cap
    capped = (
        person.poverty_task_missed
        and draft.by_score is not None
        and grades.index(draft.by_score) < grades.index(cap)
    )
    draft.checks.append(
        Check(
            "poverty_task_cap",
            "第三十一条",
            person.subject,
            str(year),
            not person.poverty_task_missed,
            {"poverty_task_missed": person.poverty_task_missed, "cap": cap, "applied": capped},
            f"村减贫任务未完成,等次最高为{cap}"
            if person.poverty_task_missed
            else "村减贫任务已完成,等次不受限制",
        )
    )
    if any(_is_unfit(check) for check in draft.checks):
        draft.proposed = grades[-1]
    else:
        draft.proposed = cap if capped else draft.by_score
    return draft


def assess_cohort(
    people: Sequence[AssessmentInput], *, year: int, book: ParameterBook
) -> list[AssessmentResult]:
    """Grades for everyone assessed together (one county's cohort), in input order.

    Judged with the parameters in force on 12-31 of the year. Re-running on the
    same input gives the same result. A cadre without a total (scores missing)
    and no 第三十五条 item gets grade None: the explanation says what is missing.
    """
    params = book.on(date(year, 12, 31))
    excellent, competent = params.assessment_grades[0], params.assessment_grades[1]
    used = params.used(*PARAMETERS_USED)
    drafts = [_draft(person, year=year, params=params) for person in people]
    assessed = [draft for draft in drafts if draft.eligibility.passed]
    candidates = sorted(
        (draft for draft in assessed if draft.proposed == excellent),
        key=lambda draft: (-draft.total, _subject_key(draft.person.subject)),
    )
    ranks = {id(draft): rank for rank, draft in enumerate(candidates, start=1)}
    results = []
    for draft in drafts:
        subject = draft.person.subject
        if not draft.eligibility.passed:
            results.append(
                AssessmentResult(
                    subject, year, False, None, None, None, {}, (draft.eligibility,), used
                )
            )
            continue
        grade, checks = draft.proposed, draft.checks
        if grade == excellent:
            given = draft.person.cohort
            if given is None:
                rank, count = ranks[id(draft)], len(assessed)
                evidence = {"candidates": len(candidates)}
                stand = f"拟优秀{len(candidates)}人,考核对象{len(assessed)}人"
            else:
                rank, count = given.ranked_ahead + 1, given.assessed
                evidence = {"cohort_given": True, "ranked_ahead": given.ranked_ahead}
                stand = (
                    f"据所给全县情况,考核对象{count}人,排在本人之前的拟优秀{given.ranked_ahead}人"
                )
            places = count * params.excellent_quota_pct // 100
            within = rank <= places
            grade = excellent if within else competent
            checks = [
                *checks,
                Check(
                    "excellent_quota",
                    "第三十二条",
                    subject,
                    str(year),
                    within,
                    {
                        "assessed": count,
                        "quota": places,
                        "rank": rank,
                        **evidence,
                        "quota_pct": params.excellent_quota_pct,
                    },
                    f"{stand},优秀名额{places}个({params.excellent_quota_pct}%向下取整),"
                    f"本人按总分排第{rank}名,"
                    + ("评为优秀" if within else f"超出名额,评为{competent}"),
                    WARNING,
                ),
            ]
        results.append(
            AssessmentResult(
                subject,
                year,
                True,
                grade,
                draft.by_score,
                draft.total,
                draft.components,
                (draft.eligibility, *checks),
                used,
            )
        )
    return results


@dataclass(frozen=True)
class AttendanceLogsProposal:
    """The suggested 考勤日志 score: `score` rounded half up to 0.01, `exact` as a fraction;
    both None when no day was due."""

    score: Decimal | None
    exact: Fraction | None
    evidence: dict[str, Any]


def attendance_logs_proposal(
    statuses: Mapping[date, DayStatus], logs: Mapping[date, str], *, params: ParamsOnDate
) -> AttendanceLogsProposal:
    """第三十条 names 考勤日志 as a content but gives no formula, so the system suggests one
    and the assessors confirm or amend it:

        100 × (w_days × present / (present + absent) + w_logs × on_time / due logs)
              / (w_days + w_logs)

    present = stationed or official-business days, absent = unjustified absence days
    (leave and rest days are neither, so they never lower the score); due logs =
    on time + late + missing (logs not yet due are left out; no due log counts as
    all on time). The weights are the parameters `attendance_logs_days_weight`
    and `attendance_logs_logs_weight` (default 50/50). Nothing due → no proposal.
    """
    weight_days = params.attendance_logs_days_weight
    weight_logs = params.attendance_logs_logs_weight
    if weight_days < 0 or weight_logs < 0 or weight_days + weight_logs == 0:
        raise PolicyError(
            "参数 attendance_logs_days_weight、attendance_logs_logs_weight:"
            f"应为非负数且不全为0,收到{weight_days}、{weight_logs}"
        )
    present = sum(1 for s in statuses.values() if s in STATIONED_STATUSES)
    absent = sum(1 for s in statuses.values() if s == DayStatus.ABSENT)
    on_time = sum(1 for s in logs.values() if s == ON_TIME)
    late_or_missing = sum(1 for s in logs.values() if s in (LATE, MISSING))
    evidence: dict[str, Any] = {
        "present_days": present,
        "unjustified_absence_days": absent,
        "logs_on_time": on_time,
        "logs_late_or_missing": late_or_missing,
        "formula": f"100×({weight_days}×出勤天数/应在岗天数 + {weight_logs}×按时日志/应记日志)"
        f"/{weight_days + weight_logs}",
    }
    if present + absent == 0:
        return AttendanceLogsProposal(None, None, evidence)
    attendance = Fraction(present, present + absent)
    due_logs = on_time + late_or_missing
    logs_share = Fraction(on_time, due_logs) if due_logs else Fraction(1)
    exact = (
        100 * (weight_days * attendance + weight_logs * logs_share) / (weight_days + weight_logs)
    )
    # Half up to the hundredth, exactly (the score is never negative).
    score = Decimal(math.floor(exact * 100 + Fraction(1, 2))).scaleb(-2)
    return AttendanceLogsProposal(score, exact, evidence)


def cohort_positions(results: Sequence[AssessmentResult]) -> dict[str, CohortPosition]:
    """Each assessed cadre's place in the cohort, for facts exported one cadre at a time, so that
    the CLI judges the quota as the whole cohort did: `ranked_ahead` counts the 优秀 candidates
    ordered before the cadre (by total, ties by subject), as `assess_cohort` orders them."""
    assessed = [result for result in results if result.eligible]
    candidates = sorted(
        (_rank_key(result) for result in assessed if _quota_check(result) is not None),
    )
    positions = {}
    for result in assessed:
        check = _quota_check(result)
        if check is not None:
            ahead = check.evidence["rank"] - 1
        else:
            key = _rank_key(result)
            ahead = sum(1 for other in candidates if other < key)
        positions[result.subject] = CohortPosition(len(assessed), ahead)
    return positions


def _quota_check(result: AssessmentResult) -> Check | None:
    return next((c for c in result.checks if c.rule == "excellent_quota"), None)


def _rank_key(result: AssessmentResult) -> tuple:
    # No total sorts after every total.
    total = result.total
    return (total is None, -(total or 0), _subject_key(result.subject))
