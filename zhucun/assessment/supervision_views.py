"""Inspection, circular and recognition pages (第十七、三十三、三十四、三十七条)."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.assessment import supervision
from zhucun.assessment.models import Circular, Inspection, InspectionKind
from zhucun.errors import ServiceError
from zhucun.org.models import Region
from zhucun.stationing.models import Team

FINDING_ROWS = 3


@allow(Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER)
def inspection_list(request):
    inspections = scoped(
        request.user,
        Inspection.objects.select_related("team__village__town", "region").prefetch_related(
            "findings__cadre", "findings__circulars"
        ),
    ).order_by("-held_on", "-pk")[:100]
    circulars = scoped(request.user, Circular.objects.select_related("unit", "region"))[:50]
    scope = scope_for(request.user)
    return render(
        request,
        "assessment/inspection_list.html",
        {
            "inspections": inspections,
            "circulars": circulars,
            "can_inspect": bool(scope.roles & {Role.CITY, Role.COUNTY}),
        },
    )


@allow(Role.CITY, Role.COUNTY)
def inspection_new(request):
    scope = scope_for(request.user)
    kind = (
        InspectionKind.COUNTY_QUARTERLY
        if Role.COUNTY in scope.roles
        else InspectionKind.CITY_SPOT_CHECK
    )
    teams = (
        scoped(request.user, Team.objects.filter(withdrawn_on__isnull=True))
        .select_related("village__town")
        .order_by("village__code")
    )
    errors = {}
    if request.method == "POST":
        try:
            team = get_scoped_or_404(request.user, Team, request.POST.get("team"))
            findings = [
                {
                    "description": request.POST.get(f"finding_{i}", ""),
                    "article": request.POST.get(f"article_{i}", "") or "第十七条",
                    "violation": request.POST.get(f"violation_{i}") == "on",
                }
                for i in range(FINDING_ROWS)
            ]
            supervision.inspection_record(
                actor=request.user,
                kind=kind,
                team=team,
                held_on=date.fromisoformat(request.POST.get("held_on", "")),
                summary=request.POST.get("summary", ""),
                findings=findings,
                today=timezone.localdate(),
            )
            messages.success(request, "检查已登记。")
            return redirect("assessment:inspection_list")
        except ValueError:
            errors = {"held_on": "检查日期:格式应为YYYY-MM-DD"}
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    return render(
        request,
        "assessment/inspection_new.html",
        {
            "teams": teams,
            "kind": InspectionKind(kind),
            "errors": errors,
            "rows": range(FINDING_ROWS),
            "today": timezone.localdate(),
        },
    )


@allow(Role.CITY, Role.COUNTY)
def circulate(request, pk: int):
    inspection = get_scoped_or_404(request.user, Inspection, pk)
    if request.method == "POST":
        try:
            supervision.violations_circulate(
                actor=request.user,
                inspection=inspection,
                title=request.POST.get("title", ""),
                today=timezone.localdate(),
            )
            messages.success(request, "已通报。")
        except ServiceError as error:
            messages.error(request, f"未能通报:{error.message}")
    return redirect("assessment:inspection_list")


@allow(Role.CITY, Role.COUNTY, Role.UNIT)
def recognition(request, year: int):
    today = timezone.localdate()
    scope = scope_for(request.user)
    regions = Region.objects.filter(pk__in=scope.county_ids | scope.city_ids)
    if request.method == "POST" and request.POST.get("criticise"):
        from zhucun.org.models import Unit

        try:
            region = get_scoped_or_404(request.user, Region, request.POST.get("region"))
            unit = Unit.objects.get(pk=request.POST.get("criticise"))
            supervision.unit_criticism_circulate(
                actor=request.user, region=region, unit=unit, year=year, today=today
            )
            messages.success(request, f"已对{unit.name}通报批评。")
        except (ServiceError, Unit.DoesNotExist, ValueError) as error:
            messages.error(request, f"未能通报:{getattr(error, 'message', '单位不存在')}")
        return redirect("assessment:recognition", year=year)
    recall_lists = []
    for region in regions:
        filters = {"county": region} if region.level == "county" else {"city_id": region.pk}
        recall_lists.append((region, supervision.recall_units(year, **filters)))
    return render(
        request,
        "assessment/recognition.html",
        {
            "year": year,
            "commendations": supervision.commendation_candidates(request.user, year),
            "promotions": supervision.promotion_candidates(request.user, year, today=today),
            "recall_lists": recall_lists,
            "can_circulate": bool(scope.roles & {Role.CITY, Role.COUNTY}),
            "today": today,
        },
    )
