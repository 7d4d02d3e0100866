"""Pages for leave (请销假, 第十六条): request, report back, the approver's register."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.errors import ServiceError
from zhucun.stationing import selectors, services
from zhucun.stationing.forms import LeaveForm, ReportBackForm
from zhucun.stationing.models import Leave

CADRES = (Role.TEAM_LEADER, Role.MEMBER)
APPROVERS = (Role.TEAM_LEADER, Role.TOWN, Role.COUNTY, Role.CITY)


def address_of(request):
    return request.META.get("REMOTE_ADDR")


def own_cadre(request):
    cadre = getattr(request.user, "cadre", None)
    if cadre is None:
        raise Http404
    return cadre


def form_error(form, error: ServiceError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@allow(*CADRES)
def my_leave(request):
    cadre = own_cadre(request)
    form = LeaveForm()
    status = 200
    if request.method == "POST":
        form = LeaveForm(request.POST)
        if form.is_valid():
            try:
                leave = services.leave_request_submit(
                    user=request.user, cadre=cadre, address=address_of(request), **form.cleaned_data
                )
            except ServiceError as error:
                form_error(form, error)
                status = error.http_status
            else:
                messages.success(request, f"请假申请已提交:{leave.approval.explanation}。")
                return redirect("stationing:my_leave")
        else:
            status = 422
    return render(
        request,
        "stationing/my_leave.html",
        {"form": form, "leaves": selectors.leaves_of(cadre), "back_form": ReportBackForm()},
        status=status,
    )


@allow(*CADRES)
def leave_back(request, pk):
    cadre = own_cadre(request)
    leave = get_object_or_404(Leave.objects.select_related("approval", "cadre"), pk=pk, cadre=cadre)
    if request.method != "POST":
        return redirect("stationing:my_leave")
    form = ReportBackForm(request.POST)
    if form.is_valid():
        try:
            services.leave_report_back(
                user=request.user,
                leave=leave,
                returned_on=form.cleaned_data["returned_on"],
                address=address_of(request),
            )
        except ServiceError as error:
            messages.error(request, f"销假未保存:{error.message}")
        else:
            messages.success(request, "已销假。")
    else:
        messages.error(request, "销假未保存:请填写实际返村日期。")
    return redirect("stationing:my_leave")


@allow(*APPROVERS)
def leave_register(request):
    leaves = selectors.leave_register(request.user)
    page = Paginator(leaves, 50).get_page(request.GET.get("page"))
    return render(request, "stationing/leave_register.html", {"page": page})
