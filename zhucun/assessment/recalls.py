"""Recall and its sanctions (第三十六、三十七条).

A 不称职 result lets the county propose a recall; the proposal goes through
the approval engine to the dispatching unit, which records the recall (its
approval, with the recall date). The cadre may not be promoted until two years
after that date. A unit with two recalls in a year is listed for 通报批评; a
unit with any recall that year may not be rated 优秀 in its own assessment.
The replacement is a personnel change (第二十二条 flow, reason 第三十六条) that recording the
recall starts in the unit's name; its approval posts the successor (named at the recall or
afterwards) to the team.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.scope import scope_for
from zhucun.approvals.models import Action, ApproverKind, Step, StepState
from zhucun.approvals.services import StepSpec, on_final, request_open, step_decide
from zhucun.assessment.models import FinalResult, Recall, RecallState
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, ReplacementStatus
from zhucun.stationing.team_services import (
    replacement_after_recall_apply,
    replacement_assign,
    successor_check,
)

RECALL_KIND = "recall"
# 第三十七条: two recalls in one year → the unit is criticised in a circular.
CRITICISM_RECALLS = 2


def recall_propose(*, actor, result: FinalResult, reason: str) -> Recall:
    """区县提出召回 (第三十六条): only after a finalised 不称职 result."""
    county = result.assessment_year.county
    scope = scope_for(actor)
    if not (scope.everything or county.pk in scope.county_ids):
        raise ServiceError(
            ErrorCode.FORBIDDEN, "召回由干部考核所在区县提出(第三十六条)", article="第三十六条"
        )
    if result.grade != "不称职":
        raise ServiceError(
            ErrorCode.INVALID,
            f"考核等次为{result.grade or '未评定'},只有不称职的驻村干部才能提出召回",
            article="第三十六条",
        )
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ServiceError(ErrorCode.INVALID, "召回理由:至少4个字", field="reason")
    if Recall.objects.filter(result=result).exists():
        raise ServiceError(ErrorCode.CONFLICT, "已对该考核结果提出召回", field="reason")
    with transaction.atomic():
        recall = Recall.objects.create(
            result=result,
            cadre=result.cadre,
            unit=result.unit,
            county=county,
            state=RecallState.PROPOSED,
            reason=reason,
            proposed_by=actor,
            proposed_at=timezone.now(),
        )
        request = request_open(
            kind=RECALL_KIND,
            title=f"召回驻村干部{result.cadre.name}",
            requester=actor,
            summary=f"{result.year}年度考核不称职。{reason}",
            route=[StepSpec(ApproverKind.UNIT, Action.APPROVE, result.unit)],
            cadre=result.cadre,
            team=result.team,
            subject=recall,
            article="第三十六条",
            explanation="年度考核不称职的驻村干部,由区县提出召回,派出单位召回",
            copy_units=[result.unit],
        )
        recall.approval = request
        recall.save(update_fields=["approval"])
        log.record(
            actor=actor,
            event="recall.propose",
            obj=recall,
            detail={"cadre": result.cadre_id, "year": result.year, "request": request.pk},
        )
    return recall


def recall_record(
    *,
    actor,
    recall: Recall,
    recalled_on: date,
    replacement_note: str = "",
    successor=None,
    today: date,
) -> Recall:
    """单位召回: the unit approves the proposal with the recall date (its approval step), and may
    name the successor; recording it starts the replacement's personnel change."""
    if recalled_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "召回日期不能晚于今天", field="recalled_on")
    if recalled_on < timezone.localtime(recall.proposed_at).date():
        raise ServiceError(
            ErrorCode.INVALID, "召回日期不能早于区县提出召回的日期", field="recalled_on"
        )
    step = Step.objects.filter(request=recall.approval, state=StepState.PENDING).first()
    if recall.state != RecallState.PROPOSED or step is None:
        raise ServiceError(ErrorCode.ALREADY_DECIDED, "该召回已登记")
    post = recalled_assignment(recall)
    if successor is not None and post is not None:
        successor_check(post, successor, today)
    with transaction.atomic():
        recall.recalled_on = recalled_on
        recall.replacement_note = (replacement_note or "").strip()[:200]
        recall.successor = successor
        recall.save(update_fields=["recalled_on", "replacement_note", "successor"])
        step_decide(
            user=actor,
            step=step,
            approve=True,
            comment=f"已于{recalled_on.isoformat()}召回",
            today=today,
        )
    recall.refresh_from_db()
    return recall


@on_final(RECALL_KIND)
def _recalled(request, user) -> None:
    """The unit's decision ends the proposal: approved = recalled (on the given or today's date)."""
    recall = Recall.objects.select_for_update().get(approval=request)
    if request.state != "approved":
        return
    recall.state = RecallState.RECALLED
    recall.recalled_on = recall.recalled_on or timezone.localdate()
    recall.recorded_by = user
    recall.recorded_at = timezone.now()
    recall.save(update_fields=["state", "recalled_on", "recorded_by", "recorded_at"])
    log.record(
        actor=user,
        event="recall.record",
        obj=recall,
        detail={"cadre": recall.cadre_id, "on": recall.recalled_on.isoformat()},
    )
    _replacement_start(recall, user)


def recalled_assignment(recall: Recall) -> Assignment | None:
    """The post the recalled cadre leaves: the open counted assignment, the assessed team's first."""
    posts = [
        a
        for a in Assignment.objects.filter(cadre_id=recall.cadre_id, end__isnull=True)
        .select_related("team__village", "cadre__unit__region")
        .order_by("-start")
        if a.role not in NON_COUNTED_ROLES
    ]
    posts.sort(key=lambda a: a.team_id != recall.result.team_id)
    return posts[0] if posts else None


def _replacement_start(recall: Recall, user, *, strict: bool = False) -> None:
    """第三十六条: the dispatching unit sends a replacement, through the personnel change.

    Called when the recall is recorded, however it was approved: a refusal there (say, a
    change already pending for the post) must not undo the recall, so it is logged and the
    recall page offers to start the replacement again (`strict` raises instead)."""
    assignment = recalled_assignment(recall)
    if assignment is None:
        return  # no longer stationed: nobody to replace
    detail = (
        f"{recall.result.year}年度考核不称职,{recall.recalled_on.isoformat()}召回。{recall.reason}"
    )
    if recall.replacement_note:
        detail += f"(单位说明:{recall.replacement_note})"
    try:
        with transaction.atomic():
            change = replacement_after_recall_apply(
                user=user, assignment=assignment, detail=detail, successor=recall.successor
            )
    except ServiceError as error:
        if strict:
            raise
        log.record(
            actor=user,
            event="recall.replacement_start",
            obj=recall,
            outcome="refused",
            detail={"message": error.message},
        )
        return
    recall.replacement = change
    recall.save(update_fields=["replacement"])
    log.record(
        actor=user,
        event="recall.replacement_start",
        obj=recall,
        detail={"personnel_change": change.pk, "successor": recall.successor_id},
    )


def recall_replacement_send(*, actor, recall: Recall, successor, today: date) -> Recall:
    """The unit names the successor: on an approved change that named none it posts them from
    today; when the change was refused (or none could be started) it applies again."""
    if recall.state != RecallState.RECALLED:
        raise ServiceError(ErrorCode.INVALID, "单位登记召回后才能办理接替", article="第三十六条")
    change = recall.replacement
    with transaction.atomic():
        if change is not None and change.status == ReplacementStatus.APPROVED:
            replacement_assign(user=actor, change=change, successor=successor, on=today)
        elif change is None or change.status == ReplacementStatus.REJECTED:
            if successor is None:
                raise ServiceError(
                    ErrorCode.INVALID, "接替人员:请选择一名干部。", field="successor"
                )
            recall.successor = successor
            recall.save(update_fields=["successor"])
            if recalled_assignment(recall) is None:
                raise ServiceError(
                    ErrorCode.INVALID, "被召回干部已不在驻村岗位,无需接替", field="successor"
                )
            _replacement_start(recall, actor, strict=True)
        else:
            raise ServiceError(ErrorCode.CONFLICT, f"接替人员调整{change.status.label}")
    recall.refresh_from_db()
    return recall


@dataclass(frozen=True)
class Replacement:
    """What the recall page says about the replacement: state, who and when."""

    state: str  # "waiting" (recall not recorded), "none", or a ReplacementStatus value
    label: str
    who: str = ""
    when: datetime | None = None
    successor: str = ""
    start: date | None = None
    comment: str = ""
    approved_by: str = ""
    approved_at: datetime | None = None


def replacement_of(recall: Recall) -> Replacement:
    """Reads recall.replacement with its approval, steps and posting (prefetched by the list)."""
    if recall.state != RecallState.RECALLED:
        return Replacement("waiting", "待单位登记召回后办理")
    change = recall.replacement
    if change is None:
        return Replacement("none", "尚未启动接替(被召回干部已不在岗的无需接替)")
    status = change.status
    approval = change.approval
    decided = [s for s in approval.steps.all() if s.decided_at is not None]
    step = decided[-1] if decided else None
    successor = change.successor.name if change.successor_id else ""
    if status == ReplacementStatus.PENDING:
        waiting = next((s for s in approval.steps.all() if s.state == StepState.PENDING), None)
        office = waiting.region.name if waiting is not None and waiting.region else "本级"
        return Replacement(
            status,
            f"待{office}扶贫办审批",
            who=str(approval.requester),
            when=approval.submitted_at,
            successor=successor,
        )
    if status == ReplacementStatus.REJECTED:
        return Replacement(
            status,
            status.label,
            who=str(step.actor) if step else "",
            when=approval.decided_at,
            comment=step.comment if step else "",
        )
    if status == ReplacementStatus.APPROVED:
        return Replacement(
            status, status.label, who=str(step.actor) if step else "", when=approval.decided_at
        )
    return Replacement(
        status,
        status.label,
        who=str(change.assigned_by),
        when=change.assigned_at,
        successor=successor,
        start=change.successor_assignment.start,
        approved_by=str(step.actor) if step else "",
        approved_at=approval.decided_at,
    )


@dataclass
class UnitRecalls:
    unit_id: int
    unit_name: str
    recalls: int

    @property
    def criticised(self) -> bool:
        """第三十七条: 一年内被召回2人的单位予以通报批评."""
        return self.recalls >= CRITICISM_RECALLS

    @property
    def excellent_barred(self) -> bool:
        """第三十七条: 有召回的单位当年不得评为优秀."""
        return self.recalls >= 1


def recall_units(year: int, *, county=None, city_id=None) -> list[UnitRecalls]:
    """Units with recalls dated in the year (one query), most recalls first."""
    rows = Recall.objects.filter(state=RecallState.RECALLED, recalled_on__year=year)
    if county is not None:
        rows = rows.filter(county=county)
    if city_id is not None:
        rows = rows.filter(county__city_id=city_id)
    counts = Counter(rows.values_list("unit_id", "unit__name"))
    return sorted(
        (UnitRecalls(uid, name, n) for (uid, name), n in counts.items()),
        key=lambda u: (-u.recalls, u.unit_name),
    )


def recall_year_units(county, year: int) -> list[UnitRecalls]:
    return recall_units(year, county=county)


def promotion_block(cadre, today: date) -> Recall | None:
    """The recall that still bars promotion on `today` (第三十六条: 两年内不得提拔使用)."""
    for recall in Recall.objects.filter(cadre=cadre, state=RecallState.RECALLED).order_by(
        "-recalled_on"
    ):
        if recall.promotable_from > today:
            return recall
    return None


def successor_candidates(unit, today: date):
    """The unit's cadres free to be sent: not stationed anywhere today."""
    from zhucun.org.models import Cadre

    stationed = Assignment.objects.filter(start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    return (
        Cadre.objects.filter(unit=unit)
        .exclude(pk__in=stationed.values("cadre_id"))
        .order_by("name", "pk")[:200]
    )
