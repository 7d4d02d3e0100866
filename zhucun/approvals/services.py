"""Writes of the approval engine: open a request, decide a step, delegate.

Every function runs in one transaction and writes its audit record inside it.
A step is decided with a conditional UPDATE ... WHERE state='pending', so two
simultaneous decisions on one step produce exactly one; the loser is told the
step was already decided (ErrorCode.ALREADY_DECIDED).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from zhucun.approvals.authorities import authorities_for, authority_of
from zhucun.approvals.models import (
    BODY_FIELD,
    Action,
    ApproverKind,
    Copy,
    CopyPurpose,
    Delegation,
    Request,
    RequestState,
    Step,
    StepState,
)
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError


@dataclass(frozen=True)
class StepSpec:
    """One step of a route as the policy computed it, bound to a concrete body."""

    kind: ApproverKind
    action: Action
    body: object  # a Team, a Region or a Unit, as BODY_FIELD says


# kind → called inside the deciding transaction once a request is finally decided.
_FINAL_HANDLERS: dict[str, Callable[[Request, object], None]] = {}


def on_final(kind: str):
    """Register what happens to the subject of `kind` requests when they are finally decided."""

    def register(handler):
        _FINAL_HANDLERS[kind] = handler
        return handler

    return register


def request_open(
    *,
    kind: str,
    title: str,
    requester,
    summary: str = "",
    route: Iterable[StepSpec],
    cadre=None,
    team=None,
    subject=None,
    article: str = "",
    explanation: str = "",
    copy_units: Iterable = (),
    address: str | None = None,
) -> Request:
    """Store a request with its route; the first step becomes pending."""
    route = list(route)
    if not route:
        raise ServiceError(ErrorCode.INVALID, "审批路径为空,无法提交。")
    now = timezone.now()
    with transaction.atomic():
        request = Request.objects.create(
            kind=kind,
            title=title,
            summary=summary,
            requester=requester,
            cadre=cadre,
            team=team,
            article=article,
            explanation=explanation,
            submitted_at=now,
        )
        if subject is not None:
            _attach(request, subject)
        Step.objects.bulk_create(
            [
                Step(
                    request=request,
                    position=i,
                    approver_kind=spec.kind,
                    action=spec.action,
                    state=StepState.PENDING if i == 0 else StepState.WAITING,
                    **{BODY_FIELD[spec.kind]: spec.body},
                )
                for i, spec in enumerate(route)
            ]
        )
        units = {u.pk: u for u in copy_units if u is not None}
        Copy.objects.bulk_create(
            [
                Copy(request=request, purpose=CopyPurpose.COPY, unit=u, created_at=now)
                for u in units.values()
            ]
        )
        log.record(
            actor=requester,
            event="approval.submit",
            obj=request,
            address=address,
            detail={
                "kind": kind,
                "route": [f"{s.kind}:{s.action}:{s.body.pk}" for s in route],
                "article": article,
                "copies": sorted(units),
            },
        )
    return request


def attach_subject(request: Request, subject) -> None:
    """Point a request at its subject, for subjects created after the request."""
    _attach(request, subject)
    request.save(update_fields=["subject_type", "subject_id"])


def _attach(request: Request, subject) -> None:
    request.subject_type = ContentType.objects.get_for_model(subject)
    request.subject_id = subject.pk


def _is_self(user, request: Request) -> bool:
    if request.requester_id == user.pk:
        return True
    cadre = request.cadre
    return cadre is not None and cadre.user_id is not None and cadre.user_id == user.pk


def step_decide(
    *,
    user,
    step: Step,
    approve: bool,
    comment: str = "",
    today: date | None = None,
    address: str | None = None,
) -> Step:
    """Approve (or consent) or reject one pending step.

    Refused: a user without the step's authority (FORBIDDEN), the person the
    request concerns (SELF_APPROVAL), a step whose predecessors are not yet
    decided (OUT_OF_ORDER), a step already decided (ALREADY_DECIDED).
    A rejection ends the request; the last approval completes it.
    """
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise ServiceError(ErrorCode.INVALID, "审批意见不能超过500字。", field="comment")
    if not approve and not comment:
        raise ServiceError(ErrorCode.INVALID, "不同意时请填写意见(理由)。", field="comment")
    authorities = authorities_for(user, today)
    authority = authority_of(step)
    if authority not in authorities:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            f"此步骤须由{step.get_approver_kind_display()}审批,您无此权限。",
            article=step.request.article,
        )
    principal = authorities[authority]
    request = step.request
    if _is_self(user, request) or (principal is not None and _is_self(principal, request)):
        raise ServiceError(ErrorCode.SELF_APPROVAL)
    if step.state == StepState.WAITING:
        raise ServiceError(
            ErrorCode.OUT_OF_ORDER,
            "前序步骤尚未完成,此步骤还不能审批。",
            article=step.request.article,
        )
    if step.state != StepState.PENDING:
        raise ServiceError(ErrorCode.ALREADY_DECIDED)
    now = timezone.now()
    new_state = StepState.APPROVED if approve else StepState.REJECTED
    with transaction.atomic():
        # The conditional update is the lock: of two concurrent deciders only
        # one sees state='pending'; the other updates no row.
        updated = Step.objects.filter(pk=step.pk, state=StepState.PENDING).update(
            state=new_state,
            actor=user,
            acting_for=principal,
            decided_at=now,
            comment=comment,
        )
        if updated != 1:
            raise ServiceError(ErrorCode.ALREADY_DECIDED)
        request = Request.objects.select_for_update().get(pk=step.request_id)
        later = Step.objects.filter(request=request, position__gt=step.position)
        final = False
        if not approve:
            later.update(state=StepState.CANCELLED)
            request.state = RequestState.REJECTED
            final = True
        else:
            following = later.order_by("position").first()
            if following is not None:
                following.state = StepState.PENDING
                following.save(update_fields=["state"])
            else:
                request.state = RequestState.APPROVED
                final = True
        if final:
            request.decided_at = now
            request.save(update_fields=["state", "decided_at"])
        log.record(
            actor=user,
            event="approval.decide",
            obj=request,
            address=address,
            detail={
                "step": step.pk,
                "position": step.position,
                "approver": step.approver_kind,
                "action": step.action,
                "decision": new_state,
                "acting_for": getattr(principal, "username", None),
                "comment": comment,
                "request_state": request.state,
            },
        )
        if final and request.kind in _FINAL_HANDLERS:
            _FINAL_HANDLERS[request.kind](request, user)
    step.refresh_from_db()
    return step


@dataclass
class BulkResult:
    decided: list[Step]
    refused: list[tuple[int, ServiceError]]


def steps_bulk_approve(
    *, user, step_ids: Iterable[int], comment: str = "", address: str | None = None
) -> BulkResult:
    """Approve many steps at once; each is its own decision, refusals are reported, not raised."""
    ids = sorted({int(i) for i in step_ids})
    steps = {s.pk: s for s in Step.objects.filter(pk__in=ids).select_related("request__cadre")}
    result = BulkResult([], [])
    for step_id in ids:
        step = steps.get(step_id)
        if step is None:
            result.refused.append((step_id, ServiceError(ErrorCode.NOT_FOUND)))
            continue
        try:
            result.decided.append(
                step_decide(user=user, step=step, approve=True, comment=comment, address=address)
            )
        except ServiceError as error:
            result.refused.append((step_id, error))
    return result


def request_withdraw(*, user, request: Request, address: str | None = None) -> Request:
    """The requester takes back a request nobody has decided yet."""
    if request.requester_id != user.pk:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有申请人本人可以撤回。")
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request.pk)
        if (
            request.state != RequestState.PENDING
            or request.steps.exclude(state__in=[StepState.PENDING, StepState.WAITING]).exists()
        ):
            raise ServiceError(ErrorCode.ALREADY_DECIDED, "已有审批意见,不能撤回。")
        request.steps.update(state=StepState.CANCELLED)
        request.state = RequestState.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at"])
        log.record(actor=user, event="approval.withdraw", obj=request, address=address)
    return request


def copies_file(*, request: Request, regions: Iterable = (), units: Iterable = ()) -> list[Copy]:
    """Record that bodies were notified of a request (备案); called inside a service."""
    now = timezone.now()
    copies = [
        Copy(request=request, purpose=CopyPurpose.FILING, region=r, created_at=now) for r in regions
    ] + [Copy(request=request, purpose=CopyPurpose.FILING, unit=u, created_at=now) for u in units]
    return Copy.objects.bulk_create(copies)


def delegation_create(
    *, user, deputy, start: date, end: date, reason: str = "", address: str | None = None
) -> Delegation:
    """Name an acting approver for [start, end]; only someone who approves can delegate."""
    from zhucun.approvals.authorities import own_authorities

    if not own_authorities(user):
        raise ServiceError(ErrorCode.FORBIDDEN, "您没有审批职责,无需设置代理审批人。")
    if deputy is None or not deputy.is_active:
        raise ServiceError(ErrorCode.INVALID, "代理人账号不存在或已停用。", field="deputy")
    if deputy.pk == user.pk:
        raise ServiceError(ErrorCode.INVALID, "代理人不能是本人。", field="deputy")
    if end < start:
        raise ServiceError(ErrorCode.INVALID, "结束日期不能早于开始日期。", field="end")
    if end < timezone.localdate():
        raise ServiceError(ErrorCode.INVALID, "代理期间已结束,无需设置。", field="end")
    with transaction.atomic():
        clash = Delegation.objects.filter(
            principal=user, revoked=False, start__lte=end, end__gte=start
        ).exists()
        if clash:
            raise ServiceError(ErrorCode.OVERLAP, "该期间已设置代理审批人。", field="start")
        delegation = Delegation.objects.create(
            principal=user,
            deputy=deputy,
            start=start,
            end=end,
            reason=reason.strip()[:200],
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="approval.delegate",
            obj=delegation,
            address=address,
            detail={"deputy": deputy.username, "start": str(start), "end": str(end)},
        )
    return delegation


def delegation_revoke(*, user, delegation: Delegation, address: str | None = None) -> Delegation:
    if delegation.principal_id != user.pk:
        raise ServiceError(ErrorCode.FORBIDDEN, "只能撤销本人设置的代理。")
    with transaction.atomic():
        delegation.revoked = True
        delegation.save(update_fields=["revoked"])
        log.record(actor=user, event="approval.delegate_revoke", obj=delegation, address=address)
    return delegation
