"""Reads of stationing that pages and exports share; each applies the user's data scope."""

from django.db.models import QuerySet

from zhucun.accounts.scope import scoped
from zhucun.approvals.authorities import authorities_for, decidable_q
from zhucun.approvals.models import Step
from zhucun.stationing.models import Leave


def leaves_of(cadre) -> QuerySet[Leave]:
    return (
        Leave.objects.filter(cadre=cadre)
        .select_related("approval", "assignment__team__village")
        .order_by("-start")
    )


def leave_register(user) -> QuerySet[Leave]:
    """The leave register of the bodies the user approves for (第十六条: 准假单位记录请销假)."""
    on_route = Step.objects.filter(decidable_q(authorities_for(user))).values("request_id")
    return (
        Leave.objects.filter(approval_id__in=on_route)
        .select_related("cadre__unit", "approval", "assignment__team__village__town")
        .order_by("-start", "pk")
    )


def leaves_in_scope(user) -> QuerySet[Leave]:
    return scoped(user, Leave.objects.all())
