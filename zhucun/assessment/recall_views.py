"""Recall pages (第三十六、三十七条): the county proposes, the unit records."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.assessment.models import FinalResult, Recall
from zhucun.assessment.recalls import recall_propose, recall_record
from zhucun.errors import ServiceError


@allow(Role.COUNTY)
def propose(request, result_id: int):
    result = get_scoped_or_404(request.user, FinalResult, result_id)
    errors = {}
    if request.method == "POST":
        try:
            recall_propose(actor=request.user, result=result, reason=request.POST.get("reason", ""))
            messages.success(request, f"已提出召回{result.cadre.name},待派出单位召回。")
            return redirect("assessment:recall_list")
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    return render(request, "assessment/recall_propose.html", {"result": result, "errors": errors})


@allow(Role.CITY, Role.COUNTY, Role.UNIT)
def recall_list(request):
    recalls = scoped(
        request.user,
        Recall.objects.select_related("cadre", "unit", "county", "result"),
    ).order_by("-proposed_at")[:200]
    return render(
        request,
        "assessment/recall_list.html",
        {"recalls": recalls, "today": timezone.localdate()},
    )


@allow(Role.UNIT)
def record(request, pk: int):
    recall = get_scoped_or_404(request.user, Recall, pk)
    errors = {}
    if request.method == "POST":
        try:
            recall_record(
                actor=request.user,
                recall=recall,
                recalled_on=date.fromisoformat(request.POST.get("recalled_on", "")),
                replacement_note=request.POST.get("replacement_note", ""),
                today=timezone.localdate(),
            )
            messages.success(request, "已登记召回。接替人员请按人员调整程序(第二十二条)办理。")
            return redirect("assessment:recall_list")
        except ValueError:
            errors = {"recalled_on": "召回日期:格式应为YYYY-MM-DD"}
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    return render(request, "assessment/recall_record.html", {"recall": recall, "errors": errors})
