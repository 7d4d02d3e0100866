"""Reads of the approval engine that pages (and later the API and exports) share."""

from django.db.models import Q, QuerySet
from django.http import Http404

from zhucun.accounts.scope import scoped
from zhucun.approvals.authorities import authorities_for, decidable_q
from zhucun.approvals.models import Copy, Delegation, Request, Step, StepState


def pending_steps(user) -> QuerySet[Step]:
    """The steps waiting for this user (own or delegated authority), oldest first.

    The user's own requests are left out: nobody approves their own.
    """
    authorities = authorities_for(user)
    return (
        Step.objects.filter(decidable_q(authorities), state=StepState.PENDING)
        .exclude(request__requester=user)
        .exclude(request__cadre__user=user)
        .select_related(
            "request__cadre__unit",
            "request__team__village__town",
            "request__requester",
            "team",
            "region",
            "unit",
        )
        .order_by("request__submitted_at", "pk")
    )


def pending_count(user) -> int:
    if not authorities_for(user):
        return 0
    return pending_steps(user).count()


def visible_requests(user) -> QuerySet[Request]:
    """Requests in the user's data scope, plus those on which they hold a step's authority."""
    on_route = Step.objects.filter(decidable_q(authorities_for(user))).values("request_id")
    in_scope = scoped(user, Request.objects.all()).values("pk")
    return Request.objects.filter(Q(pk__in=in_scope) | Q(pk__in=on_route))


def request_for(user, pk) -> Request:
    try:
        return (
            visible_requests(user)
            .select_related("cadre__unit", "team__village__town", "requester")
            .get(pk=pk)
        )
    except (Request.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def steps_of(request: Request) -> list[Step]:
    return list(
        request.steps.select_related("team", "region", "unit", "actor", "acting_for").order_by(
            "position"
        )
    )


def copies_to_units(unit_ids, limit: int = 50) -> list[Copy]:
    return list(
        Copy.objects.filter(unit_id__in=unit_ids)
        .select_related("request__cadre", "unit")
        .order_by("-created_at")[:limit]
    )


def delegations_given(user) -> QuerySet[Delegation]:
    return Delegation.objects.filter(principal=user).select_related("deputy").order_by("-start")


def delegations_held(user) -> QuerySet[Delegation]:
    return Delegation.objects.filter(deputy=user, revoked=False).select_related("principal")
