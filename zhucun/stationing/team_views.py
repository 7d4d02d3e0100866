"""Team pages beyond the roster: handovers (第六条) and personnel changes (第二十二条)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404
from zhucun.errors import ServiceError
from zhucun.org.models import Cadre
from zhucun.stationing import team_services
from zhucun.stationing.leave_views import address_of
from zhucun.stationing.models import Assignment, Handover, Team


def _back(team):
    return redirect("stationing:team_detail", team.pk)


@allow(Role.TEAM_LEADER)
def handover_create(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    if request.method == "POST":
        try:
            team_services.handover_create(
                user=request.user,
                predecessor=get_object_or_404(
                    Assignment, pk=request.POST.get("predecessor") or 0, team=team
                ),
                successor=get_object_or_404(
                    Assignment, pk=request.POST.get("successor") or 0, team=team
                ),
                content=request.POST.get("content", ""),
                address=address_of(request),
            )
        except ServiceError as error:
            messages.error(request, f"交接未登记:{error.message}")
        else:
            messages.success(request, "交接已登记,请交出方、接收方和队长签字。")
    return _back(team)


@allow(Role.TEAM_LEADER, Role.MEMBER)
def handover_sign(request, pk):
    handover = get_scoped_or_404(request.user, Handover, pk)
    if request.method == "POST":
        try:
            team_services.handover_sign(
                user=request.user, handover=handover, address=address_of(request)
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "已签字。")
    return _back(handover.team)


@allow(Role.UNIT)
def personnel_change_apply(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    if request.method == "POST":
        assignment = get_object_or_404(
            Assignment.objects.select_related("cadre__unit__region", "team__village"),
            pk=request.POST.get("assignment") or 0,
            team=team,
        )
        successor_id = request.POST.get("successor") or None
        successor = (
            get_object_or_404(Cadre, pk=successor_id, unit=assignment.cadre.unit)
            if successor_id
            else None
        )
        try:
            change = team_services.personnel_change_apply(
                user=request.user,
                assignment=assignment,
                reason=request.POST.get("reason", ""),
                detail=request.POST.get("detail", ""),
                successor=successor,
                address=address_of(request),
            )
        except ServiceError as error:
            messages.error(request, f"调整申请未提交:{error.message}")
        else:
            messages.success(request, "调整申请已提交本级扶贫办审批(第二十二条)。")
            return redirect("approvals:detail", change.approval_id)
    return _back(team)
