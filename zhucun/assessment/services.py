"""Writes of the assessment app: one transaction each, audited inside it; refusals are
ServiceErrors naming the field, the rule and the article. Nothing is written to a county's
year once it is finalised (ErrorCode.LOCKED)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhucun.accounts.scope import scope_for
from zhucun.assessment.membership import Stint, stints
from zhucun.assessment.models import (
    AnnualAssessment,
    AssessmentYear,
    ConductFact,
    ConductKind,
    GradeDecision,
    OrdinaryAssessment,
    PovertyTask,
    TeamOpinion,
)
from zhucun.assessment.stale import mark_cohorts_stale
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.policy.assessment import CONTENTS, AssessmentInput, annual_score
from zhucun.rulebook.book import book_for

HUNDREDTH = Decimal("0.01")


class FieldErrors(ServiceError):
    """Several fields broke their rules; `errors` maps each field to its Chinese message."""

    def __init__(self, errors: Mapping[str, str], article: str = ""):
        self.errors = dict(errors)
        super().__init__(
            ErrorCode.INVALID,
            ";".join(errors.values()),
            field=next(iter(errors)),
            article=article,
        )


def clean_contents(contents: Mapping[str, object]) -> dict[str, Decimal]:
    """The five contents of 第三十条 as Decimals in 0–100 with at most two decimals."""
    clean, errors = {}, {}
    for key, label in CONTENTS.items():
        raw = contents.get(key)
        if raw is None or str(raw).strip() == "":
            errors[key] = f"{label}:必须填写(第三十条考核内容)"
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            errors[key] = f"{label}:应为数字,收到“{raw}”"
            continue
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            errors[key] = f"{label}:应在0至100分之间,收到{raw}"
        elif value != value.quantize(HUNDREDTH):
            errors[key] = f"{label}:最多两位小数,收到{raw}"
        else:
            clean[key] = value.quantize(HUNDREDTH)
    if errors:
        raise FieldErrors(errors, article="第三十条")
    return clean


def _ensure_open(county_id: int, year: int) -> None:
    if AssessmentYear.objects.filter(
        county_id=county_id, year=year, finalised_at__isnull=False
    ).exists():
        raise ServiceError(
            ErrorCode.LOCKED,
            f"{year}年度考核结果已定档,不能再修改",
            article="第三十二条",
        )


def _stint(cadre, year: int) -> Stint:
    stint = stints(year, cadre_ids=[cadre.pk]).get(cadre.pk)
    if stint is None:
        raise ServiceError(
            ErrorCode.OUTSIDE_ASSIGNMENT,
            f"{cadre.name}在{year}年没有驻村任职(包村干部、村干部不参加驻村干部考核)",
            field="cadre",
            article="第三十二条",
        )
    return stint


def _county_office(actor, county_id: int) -> None:
    scope = scope_for(actor)
    if not (scope.everything or county_id in scope.county_ids):
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "只有该干部所在区县的驻村工作领导小组可以办理(第三十条:年度考核由区县组织)",
            article="第三十条",
        )


def _not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, f"日期{day}晚于今天,不能登记", field=field)


def _proposal(cadre, first: date, last: date, *, today: date):
    """The attendance-and-logs score the recorded facts suggest; (None, {}) when not computable."""
    from zhucun.assessment.proposal import attendance_logs_proposal

    return attendance_logs_proposal(cadre, first, last, today=today)


def ordinary_assessment_record(
    *, actor, cadre, held_on: date, title: str, contents: Mapping[str, object], today: date
) -> OrdinaryAssessment:
    """平时考核 by the town where the cadre is stationed (第三十条); the score is weighted by the
    county's content weights in force on the day."""
    title = (title or "").strip()
    if not title:
        raise FieldErrors({"title": "名称:必须填写,如“第一季度平时考核”"}, article="第三十条")
    _not_future(held_on, today, "held_on")
    clean = clean_contents(contents)
    stint = _stint(cadre, held_on.year)
    scope = scope_for(actor)
    towns = {a.team.village.town_id for a in stint.assignments}
    town_ids = towns & scope.town_ids if not scope.everything else towns
    if not town_ids:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "平时考核由干部驻村所在的镇(街办)组织(第三十条)",
            article="第三十条",
        )
    _ensure_open(stint.county_id, held_on.year)
    county = stint.last.team.village.county
    params = book_for(county).on(held_on)
    weighted, components = annual_score(
        AssessmentInput(f"cadre:{cadre.pk}", (), annual_contents=clean), params
    )
    score = Decimal(weighted.numerator) / Decimal(weighted.denominator)
    first = date(held_on.year, 1, 1)
    proposed, evidence = _proposal(cadre, first, held_on, today=today)
    with transaction.atomic():
        record = OrdinaryAssessment.objects.create(
            cadre=cadre,
            year=held_on.year,
            town_id=min(town_ids),
            held_on=held_on,
            title=title,
            score=score.quantize(HUNDREDTH, rounding=ROUND_HALF_UP),
            weights=components["content_weights"],
            proposed_attendance_logs=proposed,
            proposal_evidence=evidence,
            recorded_by=actor,
            recorded_at=timezone.now(),
            **clean,
        )
        mark_cohorts_stale(year=held_on.year, counties=[stint.county_id])
        log.record(
            actor=actor,
            event="assessment.ordinary",
            obj=record,
            detail={"cadre": cadre.pk, "score": str(record.score), "held_on": str(held_on)},
        )
    return record


def annual_assessment_record(
    *, actor, cadre, year: int, contents: Mapping[str, object], today: date
) -> AnnualAssessment:
    """The county leading group's annual scores (第三十条); entering again replaces them."""
    if year > today.year:
        raise ServiceError(ErrorCode.FUTURE_DATE, f"{year}年尚未开始", field="year")
    clean = clean_contents(contents)
    stint = _stint(cadre, year)
    _county_office(actor, stint.county_id)
    _ensure_open(stint.county_id, year)
    last = min(date(year, 12, 31), today)
    proposed, evidence = _proposal(cadre, date(year, 1, 1), last, today=today)
    with transaction.atomic():
        record, created = AnnualAssessment.objects.update_or_create(
            cadre=cadre,
            year=year,
            defaults={
                **clean,
                "county_id": stint.county_id,
                "proposed_attendance_logs": proposed,
                "proposal_evidence": evidence,
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        mark_cohorts_stale(year=year, counties=[stint.county_id])
        log.record(
            actor=actor,
            event="assessment.annual",
            obj=record,
            detail={"cadre": cadre.pk, "year": year, "created": created},
        )
    return record


def team_opinion_sign(*, actor, cadre, year: int, text: str) -> TeamOpinion:
    """工作队对每名队员签署书面意见 (第三十条): the team leader signs for each member; the town
    signs for the leader (nobody signs their own)."""
    text = (text or "").strip()
    if len(text) < 10:
        raise FieldErrors({"text": "书面意见:至少10个字,写明表现与评价"}, article="第三十条")
    stint = _stint(cadre, year)
    scope = scope_for(actor)
    if scope.cadre_id == cadre.pk:
        raise ServiceError(ErrorCode.SELF_APPROVAL, "不能为自己签署书面意见", article="第三十条")
    team = next(
        (a.team for a in reversed(stint.assignments) if a.team_id in scope.led_team_ids), None
    )
    if team is None and (scope.everything or stint.last.team.village.town_id in scope.town_ids):
        team = stint.last.team
    if team is None:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "书面意见由干部所在工作队的队长签署(队长本人的由镇街签署)",
            article="第三十条",
        )
    _ensure_open(stint.county_id, year)
    with transaction.atomic():
        try:
            with transaction.atomic():
                opinion = TeamOpinion.objects.create(
                    cadre=cadre,
                    year=year,
                    team=team,
                    text=text,
                    signed_by=actor,
                    signed_at=timezone.now(),
                )
        except IntegrityError:
            raise ServiceError(
                ErrorCode.CONFLICT, "工作队已对该干部签署本年度意见,签署后不能更改", field="text"
            ) from None
        mark_cohorts_stale(year=year, counties=[stint.county_id])
        log.record(actor=actor, event="assessment.opinion", obj=opinion, detail={"year": year})
    return opinion


def conduct_fact_record(
    *,
    actor,
    cadre,
    kind: str,
    occurred_on: date,
    document: str,
    description: str,
    today: date,
) -> ConductFact:
    """A fact of 第三十五条(一)(二), recorded by the county with its document number."""
    errors = {}
    if kind not in ConductKind.values:
        errors["kind"] = "类别:应为党纪政纪处分或不服从管理造成严重不良影响"
    if not (document or "").strip():
        errors["document"] = "文号:必须填写处分决定或认定文件的文号"
    if len((description or "").strip()) < 5:
        errors["description"] = "事实:至少5个字"
    if errors:
        raise FieldErrors(errors, article="第三十五条")
    _not_future(occurred_on, today, "occurred_on")
    stint = _stint(cadre, occurred_on.year)
    _county_office(actor, stint.county_id)
    _ensure_open(stint.county_id, occurred_on.year)
    with transaction.atomic():
        fact = ConductFact.objects.create(
            cadre=cadre,
            kind=kind,
            occurred_on=occurred_on,
            document=document.strip(),
            description=description.strip(),
            county_id=stint.county_id,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        mark_cohorts_stale(year=occurred_on.year, counties=[stint.county_id])
        log.record(
            actor=actor,
            event="assessment.conduct",
            obj=fact,
            detail={"cadre": cadre.pk, "kind": kind, "on": str(occurred_on)},
        )
    return fact


def poverty_task_record(
    *, actor, village, year: int, completed: bool, note: str = "", today: date
) -> PovertyTask:
    """Whether the village met its poverty-reduction task (第三十一条); recorded by its county."""
    if village.level != "village":
        raise ServiceError(ErrorCode.INVALID, "只能登记村的减贫任务", field="village")
    if year > today.year:
        raise ServiceError(ErrorCode.FUTURE_DATE, f"{year}年尚未开始", field="year")
    _county_office(actor, village.county_id)
    _ensure_open(village.county_id, year)
    with transaction.atomic():
        task, _ = PovertyTask.objects.update_or_create(
            village=village,
            year=year,
            defaults={
                "completed": completed,
                "note": (note or "").strip(),
                "recorded_by": actor,
                "recorded_at": timezone.now(),
            },
        )
        mark_cohorts_stale(year=year, counties=[village.county_id])
        log.record(
            actor=actor,
            event="assessment.poverty_task",
            obj=task,
            detail={"village": village.pk, "year": year, "completed": completed},
        )
    return task


def _is_unfit(check) -> bool:
    return check.fired and check.severity == "violation" and check.article.startswith("第三十五条")


def grade_decide(*, actor, county, year: int, cadre, grade: str, reason: str, today: date):
    """The county departs from the proposed grade, with a reason — never against 第三十五条
    (automatic 不称职) or the 第三十一条 cap; choosing the proposal again removes the decision."""
    from zhucun.assessment.cohort import county_cohort

    _county_office(actor, county.pk)
    _ensure_open(county.pk, year)
    cohort = county_cohort(county, year, today=today)
    member = cohort.member(cadre.pk)
    if member is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"{cadre.name}不是本区县{year}年度的考核对象")
    if not member.result.eligible:
        raise ServiceError(
            ErrorCode.INVALID, "驻村不满半年,不参加年度考核,不评定等次", article="第三十二条"
        )
    params = cohort.params
    grades = list(params.assessment_grades)
    if grade not in grades:
        raise FieldErrors({"grade": f"等次:应为{'、'.join(grades)}之一"}, article="第三十二条")
    unfit = [c for c in member.result.checks if _is_unfit(c)]
    if unfit and grade != grades[-1]:
        raise ServiceError(
            ErrorCode.INVALID,
            f"符合{'、'.join(sorted({c.article for c in unfit}))},应评定为{grades[-1]},不得调整",
            field="grade",
            article=unfit[0].article,
        )
    cap = params.poverty_task_missed_grade_cap
    if member.facts.assessment.poverty_task_missed and grades.index(grade) < grades.index(cap):
        raise ServiceError(
            ErrorCode.INVALID,
            f"村减贫任务未完成,等次最高为{cap}",
            field="grade",
            article="第三十一条",
        )
    with transaction.atomic():
        assessment_year, _ = AssessmentYear.objects.get_or_create(county=county, year=year)
        if grade == member.result.grade:
            GradeDecision.objects.filter(assessment_year=assessment_year, cadre=cadre).delete()
            decision = None
        else:
            if len((reason or "").strip()) < 4:
                raise FieldErrors({"reason": "理由:调整系统拟定等次须写明理由(至少4个字)"})
            decision, _ = GradeDecision.objects.update_or_create(
                assessment_year=assessment_year,
                cadre=cadre,
                defaults={
                    "grade": grade,
                    "reason": reason.strip(),
                    "decided_by": actor,
                    "decided_at": timezone.now(),
                },
            )
        mark_cohorts_stale(year=year, counties=[county.pk])
        log.record(
            actor=actor,
            event="assessment.grade_decide",
            obj=assessment_year,
            detail={"cadre": cadre.pk, "grade": grade, "proposed": member.result.grade},
        )
    return decision


def assessment_finalise(*, actor, county, year: int, today: date):
    """定档 (第三十二条): check completeness and the 优秀 quota, archive every cadre's result with
    its explanation and facts, and lock the year."""
    from zhucun.assessment.cohort import county_cohort
    from zhucun.assessment.explanation import explanation_dict
    from zhucun.assessment.facts_export import cadre_document, document
    from zhucun.assessment.models import FinalResult

    _county_office(actor, county.pk)
    if today <= date(year, 12, 31):
        raise ServiceError(
            ErrorCode.INVALID, f"{year}年尚未结束,不能定档", field="year", article="第三十二条"
        )
    with transaction.atomic():
        assessment_year, _ = AssessmentYear.objects.select_for_update().get_or_create(
            county=county, year=year
        )
        if assessment_year.finalised:
            raise ServiceError(
                ErrorCode.LOCKED, f"{year}年度考核结果已定档,不能再次定档", article="第三十二条"
            )
        cohort = county_cohort(county, year, today=today)
        gaps = []
        for m in cohort.assessed:
            if m.grade is None:
                gaps.append(f"{m.cadre.name}(缺{'、'.join(m.missing) or '评分'})")
            elif m.opinion is None:
                gaps.append(f"{m.cadre.name}(缺工作队书面意见)")
        if gaps:
            raise ServiceError(
                ErrorCode.INVALID,
                f"还有{len(gaps)}名考核对象资料不全:{'、'.join(gaps[:10])}"
                + ("等" if len(gaps) > 10 else ""),
                article="第三十条",
            )
        if cohort.excellent_count > cohort.quota:
            raise ServiceError(
                ErrorCode.QUOTA_EXCEEDED,
                f"优秀{cohort.excellent_count}人,超过名额{cohort.quota}人"
                f"(考核对象{len(cohort.assessed)}人的{cohort.params.excellent_quota_pct}%,"
                "向下取整)",
                article="第三十二条",
            )
        shared = document(cohort, [])
        rows = []
        for m in cohort.members:
            total = m.result.total
            rows.append(
                FinalResult(
                    assessment_year=assessment_year,
                    year=year,
                    cadre=m.cadre,
                    unit=m.cadre.unit,
                    team=m.team,
                    eligible=m.result.eligible,
                    proposed_grade=m.result.grade or "",
                    grade=m.grade or "",
                    total=None
                    if total is None
                    else (Decimal(total.numerator) / Decimal(total.denominator)).quantize(
                        HUNDREDTH, rounding=ROUND_HALF_UP
                    ),
                    decision_reason=m.decision.reason if m.decision else "",
                    explanation=explanation_dict(cohort, m),
                    facts={**shared, "cadres": [cadre_document(m, cohort)]},
                )
            )
        FinalResult.objects.bulk_create(rows)
        assessment_year.finalised_at = timezone.now()
        assessment_year.finalised_by = actor
        assessment_year.assessed = len(cohort.assessed)
        assessment_year.excellent_quota = cohort.quota
        assessment_year.save(
            update_fields=["finalised_at", "finalised_by", "assessed", "excellent_quota"]
        )
        mark_cohorts_stale(year=year, counties=[county.pk])
        log.record(
            actor=actor,
            event="assessment.finalise",
            obj=assessment_year,
            detail={
                "year": year,
                "assessed": len(cohort.assessed),
                "quota": cohort.quota,
                "grades": {m.cadre.pk: m.grade for m in cohort.assessed},
            },
        )
    return assessment_year
