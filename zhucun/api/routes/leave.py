"""Leave requests (请销假, 第十六条) and the approval steps of whoever decides them."""

from datetime import date, datetime

from django.db.models import Q
from django.http import Http404
from ninja import Field, Query, Router

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scoped
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS, WRITE_ERRORS
from zhucun.api.idempotency import IdempotencyKey, idempotent
from zhucun.api.listing import ListFilters, Page, paginate
from zhucun.api.routes.attendance import address, own_cadre
from zhucun.api.schemas import CadreRef, Record
from zhucun.approvals import selectors as approvals
from zhucun.approvals.models import Step
from zhucun.approvals.services import step_decide
from zhucun.stationing import services
from zhucun.stationing.models import Leave
from zhucun.stationing.selectors import leave_register

router = Router(tags=["请销假与审批"])
STATIONED = (Role.TEAM_LEADER, Role.MEMBER)
APPROVERS = (Role.TEAM_LEADER, Role.TOWN, Role.COUNTY)
LEAVE_VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER)


class StepOut(Record):
    id: int
    position: int
    approver: str
    action: str
    state: str
    state_label: str
    decided_at: datetime | None
    comment: str


class LeaveIn(Record):
    start: date = Field(..., description="离村日期")
    end: date = Field(..., description="返村前最后一天")
    reason: str = Field(..., max_length=300)


class LeaveOut(Record):
    id: int
    cadre: CadreRef
    start: date
    end: date
    days: int
    reason: str
    state: str
    state_label: str
    article: str
    route: str
    steps: list[StepOut]
    returned_on: date | None


def step_out(s: Step) -> dict:
    return {
        "id": s.pk,
        "position": s.position,
        "approver": s.get_approver_kind_display(),
        "action": s.get_action_display(),
        "state": s.state,
        "state_label": s.get_state_display(),
        "decided_at": s.decided_at,
        "comment": s.comment,
    }


def leave_out(leave: Leave) -> dict:
    approval = leave.approval
    return {
        "id": leave.pk,
        "cadre": {"id": leave.cadre_id, "name": leave.cadre.name},
        "start": leave.start,
        "end": leave.end,
        "days": leave.days,
        "reason": leave.reason,
        "state": approval.state,
        "state_label": approval.get_state_display(),
        "article": approval.article,
        "route": approval.explanation,
        "steps": [step_out(s) for s in approval.steps.all()],
        "returned_on": leave.returned_on,
    }


def _leaves():
    return Leave.objects.select_related("cadre", "approval").prefetch_related("approval__steps")


@router.post(
    "/leave-requests",
    response={201: LeaveOut, **WRITE_ERRORS},
    summary="请假申请:审批路径按职务和天数由政策确定(第十六条)",
)
@allow_api(*STATIONED)
@idempotent(LeaveOut)
def leave_create(request, payload: LeaveIn, idempotency_key: IdempotencyKey = None):
    leave = services.leave_request_submit(
        user=request.user,
        cadre=own_cadre(request),
        start=payload.start,
        end=payload.end,
        reason=payload.reason,
        address=address(request),
    )
    return 201, leave_out(_leaves().get(pk=leave.pk))


@router.get(
    "/leave-requests",
    response={200: Page[LeaveOut], **READ_ERRORS},
    summary="请假记录:数据范围内的,以及本人有审批权的(期间内有交集的)",
)
@allow_api(*LEAVE_VIEWERS)
def leave_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    visible = scoped(request.user, Leave.objects.all()).values("pk")
    approving = leave_register(request.user).values("pk")
    rows = _leaves().filter(Q(pk__in=visible) | Q(pk__in=approving))
    rows = rows.filter(filters.region_q("assignment__team__village"))
    if end:
        rows = rows.filter(start__lte=end)
    if start:
        rows = rows.filter(end__gte=start)
    return paginate(rows.order_by("-start", "pk"), filters, leave_out)


class PendingOut(Record):
    step: StepOut
    request_id: int
    kind: str
    title: str
    cadre: CadreRef | None
    article: str


@router.get(
    "/approvals/pending",
    response={200: Page[PendingOut], **READ_ERRORS},
    summary="等待我审批的步骤(含代理审批)",
)
@allow_api(*APPROVERS, Role.UNIT, Role.CITY)
def pending_list(request, filters: Query[ListFilters]):
    steps = approvals.pending_steps(request.user)

    def out(s: Step) -> dict:
        r = s.request
        return {
            "step": step_out(s),
            "request_id": r.pk,
            "kind": r.kind,
            "title": r.title,
            "cadre": {"id": r.cadre_id, "name": r.cadre.name} if r.cadre_id else None,
            "article": r.article,
        }

    return paginate(steps, filters, out)


class DecisionIn(Record):
    approve: bool = Field(..., description="true 同意 / false 不同意")
    comment: str = Field("", max_length=500, description="不同意时必填")


@router.post(
    "/approvals/steps/{step_id}/decision",
    response={200: StepOut, **WRITE_ERRORS},
    summary="审批一个步骤(不能审批本人的申请;已处理的步骤不能更改)",
)
@allow_api(*APPROVERS, Role.UNIT, Role.CITY)
@idempotent(StepOut)
def step_decision(
    request, step_id: int, payload: DecisionIn, idempotency_key: IdempotencyKey = None
):
    step = (
        Step.objects.filter(request__in=approvals.visible_requests(request.user).values("pk"))
        .select_related("request")
        .filter(pk=step_id)
        .first()
    )
    if step is None:
        raise Http404
    decided = step_decide(
        user=request.user,
        step=step,
        approve=payload.approve,
        comment=payload.comment,
        address=address(request),
    )
    return 200, step_out(decided)
