"""Team pages beyond the roster: handovers and leaving (第六条), party membership transfer and
withdrawal (第七条), personnel changes (第二十二条)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404
from zhucun.errors import ServiceError
from zhucun.org.models import Cadre
from zhucun.stationing import team_services
from zhucun.stationing.forms import AssignmentEndForm, PartyTransferForm, TeamWithdrawForm
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


# -- one record, one decision: party transfer, withdrawal, leaving ---------------------

_ASSIGNMENT = ("cadre__unit", "team__village__town", "team__village__county")


def _scoped_assignment(user, pk) -> Assignment:
    assignment = get_scoped_or_404(user, Assignment, pk)
    return Assignment.objects.select_related(*_ASSIGNMENT).get(pk=assignment.pk)


def _decide(request, form_class, service, *, context, done):
    """GET shows the form; POST calls the service: success goes back to the team page,
    a refusal is shown with its article and nothing is saved."""
    form = form_class()
    refusal = None
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                service(on=form.cleaned_data["on"])
            except ServiceError as error:
                refusal = error
                status = error.http_status
            else:
                messages.success(request, done)
                return _back(context["team"])
        else:
            status = 422
    context |= {"form": form, "refusal": refusal}
    return render(request, "stationing/team_action.html", context, status=status)


@allow(Role.UNIT, Role.TOWN)
def assignment_party_transfer(request, pk):
    assignment = _scoped_assignment(request.user, pk)
    return _decide(
        request,
        PartyTransferForm,
        lambda on: team_services.party_transfer_record(
            user=request.user, assignment=assignment, on=on, address=address_of(request)
        ),
        context={
            "team": assignment.team,
            "assignment": assignment,
            "title": f"登记党组织关系转接:{assignment.cadre.name}",
            "article": "第七条",
            "rule": "干部驻村期间人事关系保持不变,党员组织关系转接到所驻贫困村。"
            "由派出单位或所在镇(街办)登记转入日期。",
            "submit": "登记转接",
        },
        done=f"已登记{assignment.cadre.name}的党组织关系转入驻点村(第七条)。",
    )


@allow(Role.COUNTY)
def team_withdraw(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    team = Team.objects.select_related("village__town", "village__county", "lead_unit").get(
        pk=team.pk
    )
    return _decide(
        request,
        TeamWithdrawForm,
        lambda on: team_services.team_withdraw(
            user=request.user, team=team, on=on, address=address_of(request)
        ),
        context={
            "team": team,
            "title": f"撤离工作队:{team.name}",
            "article": "第七条",
            "rule": "2020年前,贫困村退出的,驻村工作队不得撤离(日期为政策参数)。"
            "工作队撤离由县级驻村工作领导小组决定。",
            "submit": "确认撤离",
        },
        done=f"{team.name}已登记撤离。",
    )


@allow(Role.UNIT, Role.COUNTY)
def assignment_end(request, pk):
    assignment = _scoped_assignment(request.user, pk)
    handover = (
        Handover.objects.filter(predecessor=assignment)
        .select_related("successor__cadre", "leader_signed_by")
        .first()
    )
    return _decide(
        request,
        AssignmentEndForm,
        lambda on: team_services.assignment_end(
            user=request.user, assignment=assignment, on=on, address=address_of(request)
        ),
        context={
            "team": assignment.team,
            "assignment": assignment,
            "handover": handover,
            "rotation": True,
            "handover_required": assignment.is_counted,
            "title": f"结束驻村任职:{assignment.cadre.name}",
            "article": "第六条",
            "rule": "期满压茬轮换:接替人先到岗,前期人员将驻村工作全部交接清楚"
            "(交接记录经交出方、接收方和队长签字)后方可撤离。",
            "submit": "结束任职",
        },
        done=f"{assignment.cadre.name}的驻村任职已结束。",
    )
