"""Supervision and recognition (第十七、三十三、三十四、三十七条).

The county inspects and comments on each team's on-duty status every quarter
(检查点评); the city makes random spot checks (抽查); violations found can be
circulated (通报). A unit with two recalls in a year is criticised in a
circular (第三十七条). Cadres graded 优秀 are candidates for commendation
(第三十三条); those stationed a year or more with 优秀 results may be promoted
while stationed (第三十四条).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.scope import scope_for, scoped
from zhucun.assessment.models import (
    Circular,
    CircularKind,
    FinalResult,
    Inspection,
    InspectionFinding,
    InspectionKind,
    Recall,
    RecallState,
)
from zhucun.assessment.recalls import recall_units
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.policy.periods import add_years
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _inspecting_region(actor, kind: str, team):
    scope = scope_for(actor)
    village = team.village
    if kind == InspectionKind.COUNTY_QUARTERLY:
        if scope.everything or village.county_id in scope.county_ids:
            return village.county
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "季度在岗检查点评由工作队所在区县组织(第十七条)",
            article="第十七条",
        )
    if kind == InspectionKind.CITY_SPOT_CHECK:
        if scope.everything or village.city_id in scope.city_ids:
            return village.city
        raise ServiceError(ErrorCode.FORBIDDEN, "随机抽查由市级组织(第十七条)", article="第十七条")
    raise ServiceError(ErrorCode.INVALID, "检查类别不正确", field="kind")


def inspection_record(
    *,
    actor,
    kind: str,
    team,
    held_on: date,
    summary: str,
    findings: Iterable[Mapping],
    today: date,
) -> Inspection:
    """Record an inspection with its findings (第十七条); a finding may name a team member."""
    region = _inspecting_region(actor, kind, team)
    if held_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "检查日期不能晚于今天", field="held_on")
    summary = (summary or "").strip()
    if len(summary) < 4:
        raise ServiceError(ErrorCode.INVALID, "检查点评:至少4个字", field="summary")
    members = set(
        Assignment.objects.filter(team=team)
        .exclude(role__in=NON_COUNTED_ROLES)
        .values_list("cadre_id", flat=True)
    )
    rows = []
    for index, item in enumerate(findings):
        description = (item.get("description") or "").strip()
        if not description:
            continue
        article = (item.get("article") or "第十七条").strip()
        cadre_id = item.get("cadre_id") or None
        if cadre_id is not None and int(cadre_id) not in members:
            raise ServiceError(
                ErrorCode.INVALID,
                f"第{index + 1}条问题:所指干部不是该工作队成员",
                field=f"findings[{index}].cadre_id",
            )
        rows.append(
            InspectionFinding(
                cadre_id=cadre_id,
                article=article[:20],
                description=description[:500],
                violation=bool(item.get("violation", True)),
            )
        )
    with transaction.atomic():
        inspection = Inspection.objects.create(
            kind=kind,
            region=region,
            team=team,
            held_on=held_on,
            period=quarter_of(held_on),
            summary=summary,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        for row in rows:
            row.inspection = inspection
        InspectionFinding.objects.bulk_create(rows)
        log.record(
            actor=actor,
            event="inspection.record",
            obj=inspection,
            detail={"kind": kind, "team": team.pk, "findings": len(rows)},
        )
    return inspection


def _office_of(actor, region) -> None:
    scope = scope_for(actor)
    ids = scope.county_ids if region.level == "county" else scope.city_ids
    if not (scope.everything or region.pk in ids):
        raise ServiceError(ErrorCode.FORBIDDEN, "只有检查机关可以通报检查发现的问题")


def violations_circulate(*, actor, inspection: Inspection, title: str, today: date) -> Circular:
    """通报 the violations an inspection found (第十七条)."""
    _office_of(actor, inspection.region)
    violations = list(inspection.findings.filter(violation=True))
    if not violations:
        raise ServiceError(ErrorCode.INVALID, "本次检查没有违规问题,无需通报", article="第十七条")
    if Circular.objects.filter(findings__inspection=inspection).exists():
        raise ServiceError(ErrorCode.CONFLICT, "本次检查的问题已通报")
    title = (title or "").strip() or f"关于{inspection.team.name}违规问题的通报"
    body = "\n".join(
        f"{i}. {f.description}({f.article})" for i, f in enumerate(violations, start=1)
    )
    with transaction.atomic():
        circular = Circular.objects.create(
            kind=CircularKind.VIOLATION,
            region=inspection.region,
            issued_on=today,
            title=title[:120],
            body=f"{inspection.get_kind_display()}({inspection.held_on})发现:\n{body}",
            issued_by=actor,
        )
        circular.findings.set(violations)
        log.record(
            actor=actor,
            event="circular.violations",
            obj=circular,
            detail={"inspection": inspection.pk, "findings": [f.pk for f in violations]},
        )
    return circular


def unit_criticism_circulate(*, actor, region, unit, year: int, today: date) -> Circular:
    """第三十七条: a unit with two recalls in a year is criticised in a circular."""
    _office_of(actor, region)
    scope_filter = {"county": region} if region.level == "county" else {"city_id": region.pk}
    counts = {u.unit_id: u for u in recall_units(year, **scope_filter)}
    found = counts.get(unit.pk)
    if found is None or not found.criticised:
        raise ServiceError(
            ErrorCode.INVALID,
            f"{unit.name}{year}年召回{found.recalls if found else 0}人,未达到通报批评的2人",
            article="第三十七条",
        )
    with transaction.atomic():
        circular = Circular.objects.create(
            kind=CircularKind.UNIT_CRITICISM,
            region=region,
            issued_on=today,
            title=f"关于对{unit.name}的通报批评",
            body=f"{unit.name}{year}年有{found.recalls}名驻村干部因年度考核不称职被召回,"
            "依据第三十七条予以通报批评,该单位当年不得评为优秀。",
            unit=unit,
            year=year,
            issued_by=actor,
        )
        log.record(
            actor=actor, event="circular.unit_criticism", obj=circular, detail={"year": year}
        )
    return circular


@dataclass
class PromotionCandidate:
    result: FinalResult
    assignment: Assignment
    stationed_since: date


def commendation_candidates(user, year: int):
    """第三十三条: the year's 优秀 results the user may see (one query)."""
    return scoped(
        user,
        FinalResult.objects.filter(year=year, grade="优秀").select_related(
            "cadre", "unit", "team__village__town", "assessment_year__county"
        ),
    ).order_by("-total", "cadre_id")


def promotion_candidates(user, year: int, *, today: date) -> list[PromotionCandidate]:
    """第三十四条: stationed ≥1 year on `today`, still stationed, 优秀 in the year, and not barred
    by a recall (三十六条) — three queries."""
    results = list(commendation_candidates(user, year))
    ids = [r.cadre_id for r in results]
    active = {}
    for a in (
        Assignment.objects.filter(cadre_id__in=ids, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exclude(role__in=NON_COUNTED_ROLES)
        .order_by("start")
    ):
        active.setdefault(a.cadre_id, a)
    barred = {
        r.cadre_id
        for r in Recall.objects.filter(cadre_id__in=ids, state=RecallState.RECALLED)
        if r.promotable_from > today
    }
    found = []
    for result in results:
        assignment = active.get(result.cadre_id)
        if assignment is None or result.cadre_id in barred:
            continue
        if add_years(assignment.start, 1) <= today:
            found.append(PromotionCandidate(result, assignment, assignment.start))
    return found
