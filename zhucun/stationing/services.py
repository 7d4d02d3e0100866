"""Writes of stationing: leave (请销假), check-ins, official business, duty roster, teams.

Each function takes keyword arguments, runs in one transaction, writes its
audit record inside it and raises ServiceError (with the field and the
article) for anything the 细则 or the system refuses; nothing is half-saved.
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.approvals.models import Action, ApproverKind, RequestState
from zhucun.approvals.services import StepSpec, attach_subject, request_open
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Cadre
from zhucun.policy.leave import leave_route
from zhucun.rulebook.book import book_for
from zhucun.stationing.models import LEADER_ROLES, Assignment, Leave

LEAVE_ARTICLE = "第十六条"
# The states of a leave request that hold the dates (a rejected or withdrawn one frees them).
LIVE_LEAVE_STATES = (RequestState.PENDING, RequestState.APPROVED)


def _own_cadre(user, cadre: Cadre) -> None:
    if cadre.user_id is None or cadre.user_id != user.pk:
        raise ServiceError(ErrorCode.FORBIDDEN, "只能为本人办理。")


def _lock_cadre(cadre: Cadre) -> Cadre:
    """Serialise writes about one cadre (two leave requests at once cannot both pass the overlap check)."""
    return Cadre.objects.select_for_update().get(pk=cadre.pk)


def assignment_covering(cadre: Cadre, start: date, end: date) -> Assignment | None:
    return (
        Assignment.objects.filter(cadre=cadre, start__lte=start)
        .filter(Q(end__isnull=True) | Q(end__gte=end))
        .select_related("team__village__town", "team__village__county")
        .order_by("-start")
        .first()
    )


def _leave_steps(assignment: Assignment, route) -> list[StepSpec]:
    village = assignment.team.village
    bodies = {
        "team_leader": (ApproverKind.TEAM_LEADER, assignment.team),
        "town": (ApproverKind.TOWN, village.town),
        "county": (ApproverKind.COUNTY, village.county),
    }
    return [
        StepSpec(bodies[s.approver][0], Action(s.action), bodies[s.approver][1])
        for s in route.steps
    ]


def leave_request_submit(
    *,
    user,
    cadre: Cadre,
    start: date,
    end: date,
    reason: str,
    today: date | None = None,
    address: str | None = None,
) -> Leave:
    """Request leave; the route follows from the role and the calendar days (第十六条)."""
    today = today or timezone.localdate()
    _own_cadre(user, cadre)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(ErrorCode.INVALID, "请填写请假事由。", field="reason")
    if len(reason) > 300:
        raise ServiceError(ErrorCode.INVALID, "请假事由不能超过300字。", field="reason")
    if end < start:
        raise ServiceError(
            ErrorCode.INVALID,
            "返村前最后一天不能早于离村日期。",
            field="end",
            article=LEAVE_ARTICLE,
        )
    if start < today:
        raise ServiceError(
            ErrorCode.INVALID,
            "请假须在离村前申请,离村日期不能早于今天(第十六条 请销假)。",
            field="start",
            article=LEAVE_ARTICLE,
        )
    assignment = assignment_covering(cadre, start, end)
    if assignment is None:
        raise ServiceError(
            ErrorCode.OUTSIDE_ASSIGNMENT, "请假日期须在您的驻村任职期间内。", field="start"
        )
    role = "leader" if assignment.role in LEADER_ROLES else "member"
    route = leave_route(
        role=role, start=start, end=end, params=book_for(assignment.team.village.county).on(start)
    )
    with transaction.atomic():
        _lock_cadre(cadre)
        clash = (
            Leave.objects.filter(
                cadre=cadre,
                approval__state__in=LIVE_LEAVE_STATES,
                start__lte=end,
                end__gte=start,
            )
            .order_by("start")
            .first()
        )
        if clash is not None:
            raise ServiceError(
                ErrorCode.OVERLAP,
                f"与已有请假({clash.start}至{clash.end},{clash.approval.get_state_display()})"
                "时间重叠。",
                field="start",
            )
        approval = request_open(
            kind="leave",
            title=f"{cadre.name}请假{route.days}天({start:%m月%d日}至{end:%m月%d日})",
            summary=f"事由:{reason}",
            requester=user,
            cadre=cadre,
            team=assignment.team,
            route=_leave_steps(assignment, route),
            article=route.article,
            explanation=route.explanation,
            copy_units=[cadre.unit],
            address=address,
        )
        leave = Leave.objects.create(
            cadre=cadre,
            assignment=assignment,
            start=start,
            end=end,
            reason=reason,
            approval=approval,
            created_at=timezone.now(),
        )
        attach_subject(approval, leave)
        log.record(
            actor=user,
            event="leave.request",
            obj=leave,
            address=address,
            detail={"start": str(start), "end": str(end), "days": route.days, "role": role},
        )
    return leave


def leave_report_back(
    *, user, leave: Leave, returned_on: date, today: date | None = None, address=None
) -> Leave:
    """销假: the cadre records the day they were back in the village."""
    today = today or timezone.localdate()
    _own_cadre(user, leave.cadre)
    leave = Leave.objects.select_related("approval").get(pk=leave.pk)
    if leave.approval.state != RequestState.APPROVED:
        raise ServiceError(ErrorCode.INVALID, "只有已批准的请假才能销假。", field="returned_on")
    if leave.returned_on is not None:
        raise ServiceError(ErrorCode.ALREADY_DECIDED, "该请假已销假。", field="returned_on")
    if returned_on < leave.start:
        raise ServiceError(ErrorCode.INVALID, "返村日期不能早于离村日期。", field="returned_on")
    if returned_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "返村日期不能晚于今天。", field="returned_on")
    with transaction.atomic():
        updated = Leave.objects.filter(pk=leave.pk, returned_on__isnull=True).update(
            returned_on=returned_on, reported_back_at=timezone.now()
        )
        if updated != 1:
            raise ServiceError(ErrorCode.ALREADY_DECIDED, "该请假已销假。", field="returned_on")
        late = (returned_on - leave.end - timedelta(days=1)).days
        log.record(
            actor=user,
            event="leave.report_back",
            obj=leave,
            address=address,
            detail={"returned_on": str(returned_on), "days_late": max(late, 0)},
        )
    leave.refresh_from_db()
    return leave
