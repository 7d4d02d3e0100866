"""Recall and its sanctions (第三十六、三十七条).

A 不称职 result lets the county propose a recall; the proposal goes through
the approval engine to the dispatching unit, which records the recall (its
approval, with the recall date). The cadre may not be promoted until two years
after that date. A unit with two recalls in a year is listed for 通报批评; a
unit with any recall that year may not be rated 优秀 in its own assessment.
The replacement is a personnel change (第二十二条), applied for by the unit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from zhucun.accounts.scope import scope_for
from zhucun.approvals.models import Action, ApproverKind, Step, StepState
from zhucun.approvals.services import StepSpec, on_final, request_open, step_decide
from zhucun.assessment.models import FinalResult, Recall, RecallState
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError

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
    *, actor, recall: Recall, recalled_on: date, replacement_note: str = "", today: date
) -> Recall:
    """单位召回: the unit approves the proposal with the recall date (its approval step)."""
    if recalled_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "召回日期不能晚于今天", field="recalled_on")
    if recalled_on < timezone.localtime(recall.proposed_at).date():
        raise ServiceError(
            ErrorCode.INVALID, "召回日期不能早于区县提出召回的日期", field="recalled_on"
        )
    step = Step.objects.filter(request=recall.approval, state=StepState.PENDING).first()
    if recall.state != RecallState.PROPOSED or step is None:
        raise ServiceError(ErrorCode.ALREADY_DECIDED, "该召回已登记")
    with transaction.atomic():
        recall.recalled_on = recalled_on
        recall.replacement_note = (replacement_note or "").strip()[:200]
        recall.save(update_fields=["recalled_on", "replacement_note"])
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
