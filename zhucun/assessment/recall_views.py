"""Recall pages (第三十六、三十七条): the county proposes, the unit records."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.assessment.models import FinalResult, Recall
from zhucun.assessment.recalls import (
    recall_propose,
    recall_record,
    recall_replacement_send,
    replacement_of,
    successor_candidates,
)
from zhucun.errors import ServiceError
from zhucun.org.models import Cadre


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
    recalls = list(
        scoped(
            request.user,
            Recall.objects.select_related(
                "cadre",
                "unit",
                "county",
                "result",
                "replacement__approval__requester",
                "replacement__successor",
                "replacement__successor_assignment",
                "replacement__assigned_by",
            ).prefetch_related(
                "replacement__approval__steps__actor", "replacement__approval__steps__region"
            ),
        ).order_by("-proposed_at")[:200]
    )
    rows = [(recall, replacement_of(recall)) for recall in recalls]
    return render(
        request,
        "assessment/recall_list.html",
        {"rows": rows, "today": timezone.localdate()},
    )


def _successor(request, unit) -> Cadre | None:
    """The chosen successor, only among the unit's own cadres (anything else: none chosen)."""
    chosen = request.POST.get("successor", "")
    if not chosen.isdigit():
        return None
    return Cadre.objects.filter(pk=int(chosen), unit=unit).first()


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
                successor=_successor(request, recall.unit),
                today=timezone.localdate(),
            )
            messages.success(
                request, "已登记召回,并已提交接替人员调整申请,待本级扶贫办审批(第二十二条)。"
            )
            return redirect("assessment:recall_list")
        except ValueError:
            errors = {"recalled_on": "召回日期:格式应为YYYY-MM-DD"}
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    return render(
        request,
        "assessment/recall_record.html",
        {
            "recall": recall,
            "errors": errors,
            "candidates": successor_candidates(recall.unit, timezone.localdate()),
        },
    )


@allow(Role.CITY, Role.COUNTY, Role.UNIT)
def replacement(request, pk: int):
    """The replacement of one recalled cadre: its status, and for the unit the successor form."""
    recall = get_scoped_or_404(request.user, Recall, pk)
    errors = {}
    if request.method == "POST":
        try:
            recall_replacement_send(
                actor=request.user,
                recall=recall,
                successor=_successor(request, recall.unit),
                today=timezone.localdate(),
            )
            messages.success(request, "接替人员已办理。")
            return redirect("assessment:recall_replacement", pk=recall.pk)
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    status = replacement_of(recall)
    return render(
        request,
        "assessment/recall_replacement.html",
        {
            "recall": recall,
            "status": status,
            "errors": errors,
            "can_send": status.state in ("none", "rejected", "approved"),
            "is_unit": Role.UNIT in scope_for(request.user).roles,
            "candidates": successor_candidates(recall.unit, timezone.localdate()),
        },
    )
