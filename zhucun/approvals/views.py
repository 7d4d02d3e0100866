from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from zhucun.accounts.access import BUSINESS_ROLES, allow
from zhucun.accounts.scope import scope_for
from zhucun.approvals import selectors, services
from zhucun.approvals.authorities import authorities_for, authority_of
from zhucun.approvals.forms import BulkApproveForm, DecideForm, DelegationForm
from zhucun.approvals.models import Delegation, Step, StepState
from zhucun.errors import ErrorCode, ServiceError

# The user's own overdue steps are few (they are their pending list); bounded anyway.
OVERDUE_LIMIT = 200


def _address(request):
    return request.META.get("REMOTE_ADDR")


@allow(BUSINESS_ROLES)
def pending(request):
    steps = list(selectors.pending_steps(request.user))
    form = BulkApproveForm(step_ids=[s.pk for s in steps])
    status = 200
    if request.method == "POST":
        form = BulkApproveForm(request.POST, step_ids=[s.pk for s in steps])
        if form.is_valid():
            result = services.steps_bulk_approve(
                user=request.user,
                step_ids=form.cleaned_data["steps"],
                comment=form.cleaned_data["comment"],
                address=_address(request),
            )
            if result.decided:
                messages.success(request, f"已同意{len(result.decided)}项。")
            for step_id, error in result.refused:
                messages.error(request, f"第{step_id}号步骤未处理:{error.message}")
            return redirect("approvals:pending")
        status = 422
    scope = scope_for(request.user)
    copies = selectors.copies_to_units(scope.unit_ids) if scope.unit_ids else []
    return render(
        request,
        "approvals/pending.html",
        {
            "steps": steps,
            "form": form,
            "copies": copies,
            "has_authority": bool(authorities_for(request.user)),
        },
        status=status,
    )


def _detail_context(request, approval):
    steps = selectors.steps_of(approval)
    authorities = authorities_for(request.user)
    decidable = [
        s for s in steps if s.state == StepState.PENDING and authority_of(s) in authorities
    ]
    return {
        "approval": approval,
        "steps": steps,
        "decidable": decidable,
        "form": DecideForm(),
        "can_withdraw": approval.requester_id == request.user.pk
        and approval.state == "pending"
        and all(s.state in (StepState.PENDING, StepState.WAITING) for s in steps),
    }


@allow(BUSINESS_ROLES)
def detail(request, pk):
    approval = selectors.request_for(request.user, pk)
    return render(request, "approvals/detail.html", _detail_context(request, approval))


@require_POST
@allow(BUSINESS_ROLES)
def decide(request, pk):
    step = get_object_or_404(Step.objects.select_related("request__cadre"), pk=pk)
    form = DecideForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.step_decide(
                user=request.user,
                step=step,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
                address=_address(request),
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, "审批意见已保存。")
            return redirect("approvals:detail", step.request_id)
    else:
        error = ServiceError(ErrorCode.INVALID, "请选择同意或不同意。", field="decision")
    if error.code in (ErrorCode.FORBIDDEN, ErrorCode.SELF_APPROVAL):
        # Someone without the authority learns nothing about the request.
        return render(request, "approvals/refused.html", {"error": error}, status=403)
    approval = selectors.request_for(request.user, step.request_id)
    context = _detail_context(request, approval)
    context.update(error=error, form=form)
    return render(request, "approvals/detail.html", context, status=error.http_status)


@require_POST
@allow(BUSINESS_ROLES)
def withdraw(request, pk):
    approval = selectors.request_for(request.user, pk)
    try:
        services.request_withdraw(user=request.user, request=approval, address=_address(request))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "申请已撤回。")
    return redirect("approvals:detail", approval.pk)


@allow(BUSINESS_ROLES)
def delegations(request):
    form = DelegationForm()
    status = 200
    if request.method == "POST":
        form = DelegationForm(request.POST)
        if form.is_valid():
            try:
                services.delegation_create(
                    user=request.user, address=_address(request), **form.cleaned_data
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, "已设置代理审批人。")
                return redirect("approvals:delegations")
        else:
            status = 422
    return render(
        request,
        "approvals/delegations.html",
        {
            "form": form,
            "given": selectors.delegations_given(request.user),
            "held": selectors.delegations_held(request.user),
            "has_authority": bool(authorities_for(request.user)),
        },
        status=status,
    )


@require_POST
@allow(BUSINESS_ROLES)
def delegation_revoke(request, pk):
    delegation = get_object_or_404(Delegation, pk=pk, principal=request.user)
    services.delegation_revoke(user=request.user, delegation=delegation, address=_address(request))
    messages.success(request, "代理已撤销。")
    return redirect("approvals:delegations")


def _with_evidence(steps, rule):
    """(step, days it has waited, the deadline that applies to it)."""
    return [(s, selectors.days_pending(s, rule.today), rule.days_for(s.step_county)) for s in steps]


@allow(BUSINESS_ROLES)
def overdue(request):
    """Overdue steps: the user's own (a reminder) and, for offices, the level below (督办)."""
    rule = selectors.overdue_rule()
    mine = selectors.overdue_pending_steps(request.user, rule)[:OVERDUE_LIMIT]
    page = Paginator(selectors.escalated_steps(request.user, rule), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "approvals/overdue.html",
        {
            "mine": _with_evidence(mine, rule),
            "below": _with_evidence(page, rule),
            "page": page,
            "rule": rule,
        },
    )
