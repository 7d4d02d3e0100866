"""Assessment pages: the county's year, one cadre's explanation, score entry, finalising, filing."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for
from zhucun.assessment import filing, selectors, services
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.facts_export import document
from zhucun.assessment.models import ConductKind
from zhucun.assessment.snapshots import cohort_list
from zhucun.errors import ServiceError
from zhucun.org.models import Cadre, Region
from zhucun.policy.assessment import CONTENTS

VIEWERS, OVERSEERS = selectors.VIEWERS, selectors.OVERSEERS


def _last_year(today: date) -> int:
    return today.year - 1


@allow(*VIEWERS)
def index(request):
    today = timezone.localdate()
    scope = scope_for(request.user)
    year = _last_year(today)
    if scope.cadre_id and not (scope.roles & {Role.CITY, Role.COUNTY}):
        if not (scope.roles & {Role.TOWN, Role.UNIT}):
            return redirect("assessment:explain", year=year, cadre_id=scope.cadre_id)
    counties = list(selectors.counties_in_scope(request.user).order_by("code"))
    if len(counties) == 1:
        return redirect("assessment:county_year", year=year, county_id=counties[0].pk)
    return render(
        request,
        "assessment/index.html",
        {"counties": counties, "year": year, "years": range(year, year - 4, -1)},
    )


@allow(Role.CITY, Role.COUNTY)
def county_year(request, year: int, county_id: int):
    today = timezone.localdate()
    county, assessment_year = selectors.county_year_in_scope(request.user, county_id, year)
    finals = selectors.final_results(request.user, county, year)
    context = {
        "county": county,
        "year": year,
        "today": today,
        "assessment_year": assessment_year,
        "can_finalise": county.pk in scope_for(request.user).county_ids,
    }
    if assessment_year and assessment_year.finalised:
        rows = list(finals)
        context.update(
            finalised=True,
            finals=rows,
            units=sorted({(r.unit_id, r.unit.name) for r in rows}, key=lambda u: u[1]),
            quota=assessment_year.excellent_quota,
            assessed=assessment_year.assessed,
            excellent_count=sum(1 for r in rows if r.grade == "优秀"),
        )
    else:
        # The stored list of the year, computed again only after a recorded change (or a day).
        listed = cohort_list(
            county,
            year,
            today=today,
            assessment_year=assessment_year,
            stored=getattr(county, "year_list", None),
        )
        context.update(
            finalised=False,
            computed_at=listed.computed_at,
            ranked=listed.data["ranked"],
            not_assessed=listed.data["not_assessed"],
            incomplete=listed.data["incomplete"],
            quota=listed.data["quota"],
            assessed=listed.data["assessed"],
            excellent_count=listed.data["excellent_count"],
            grades=listed.data["grades"],
        )
    from zhucun.assessment.recalls import recall_year_units

    context["recall_units"] = recall_year_units(county, year)
    return render(request, "assessment/county_year.html", context)


@allow(*VIEWERS)
def explain(request, year: int, cadre_id: int):
    selectors.own_only(request.user, cadre_id)
    found = selectors.cadre_year(request.user, cadre_id, year, today=timezone.localdate())
    scope = scope_for(request.user)
    return render(
        request,
        "assessment/explain.html",
        {
            "found": found,
            "d": found.data,
            "year": year,
            "county_officer": scope.everything or found.county.pk in scope.county_ids,
            "contents": CONTENTS,
            "grades": found.cohort.params.assessment_grades if found.cohort else (),
        },
    )


def _json_download(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@allow(*VIEWERS)
def cadre_facts(request, year: int, cadre_id: int):
    """下载事实JSON: the cadre-year in the input format of `python -m zhucun.policy evaluate`."""
    selectors.own_only(request.user, cadre_id)
    found = selectors.cadre_year(request.user, cadre_id, year, today=timezone.localdate())
    if found.final is not None:
        data = found.final.facts
    else:
        data = document(found.cohort, [found.cohort.member(cadre_id)], one_by_one=True)
    return _json_download(data, f"facts-{year}-cadre-{cadre_id}.json")


@allow(Role.CITY, Role.COUNTY)
def county_facts(request, year: int, county_id: int):
    """The whole county's year: the CLI reproduces every grade, the 优秀 quota included."""
    county = selectors.county_in_scope(request.user, county_id)
    cohort = county_cohort(county, year, today=timezone.localdate())
    return _json_download(document(cohort, cohort.members), f"facts-{year}-county-{county_id}.json")


@require_POST
@allow(Role.COUNTY)
def finalise(request, year: int, county_id: int):
    county = selectors.county_in_scope(request.user, county_id)
    try:
        services.assessment_finalise(
            actor=request.user, county=county, year=year, today=timezone.localdate()
        )
        messages.success(request, f"{county.name}{year}年度考核结果已定档并归档。")
    except ServiceError as error:
        messages.error(request, f"未能定档:{error.message}({error.article})")
    return redirect("assessment:county_year", year=year, county_id=county.pk)


@require_POST
@allow(Role.COUNTY)
def decide_grade(request, year: int, cadre_id: int):
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    found = selectors.cadre_year(request.user, cadre_id, year, today=timezone.localdate())
    try:
        services.grade_decide(
            actor=request.user,
            county=found.county,
            year=year,
            cadre=cadre,
            grade=request.POST.get("grade", ""),
            reason=request.POST.get("reason", ""),
            today=timezone.localdate(),
        )
        messages.success(request, "等次已确定。")
    except ServiceError as error:
        messages.error(request, f"未能调整等次:{error.message}")
    return redirect("assessment:explain", year=year, cadre_id=cadre_id)


@allow(Role.CITY, Role.COUNTY, Role.UNIT)
def filing_xlsx(request, year: int, county_id: int):
    """报省、市和派出单位备案 (第三十二条): ?to=province|city|unit&unit=<id>."""
    scope = scope_for(request.user)
    county = Region.objects.filter(pk=county_id, level="county").first()
    if county is None:
        raise Http404
    to = request.GET.get("to", "city")
    unit_id = request.GET.get("unit")
    unit_id = int(unit_id) if unit_id and unit_id.isdigit() else None
    if Role.UNIT in scope.roles and not (scope.roles & {Role.CITY, Role.COUNTY}):
        to = "unit"
        if unit_id not in scope.unit_ids:
            unit_id = min(scope.unit_ids)
    else:
        county = selectors.county_in_scope(request.user, county_id)
    rows = list(
        selectors.final_results(
            request.user, county, year, unit_id=unit_id if to == "unit" else None
        )
    )
    if not rows:
        raise Http404
    return filing.response(request, county, year, to, rows)


def _contents_from(post) -> dict:
    return {key: post.get(key, "") for key in CONTENTS}


@allow(Role.COUNTY, Role.TOWN)
def score_entry(request, year: int, cadre_id: int):
    """Annual scores (county) or an ordinary assessment (town) for one cadre (第三十条)."""
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    scope = scope_for(request.user)
    kind = "annual" if Role.COUNTY in scope.roles else "ordinary"
    today = timezone.localdate()
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            if kind == "annual":
                services.annual_assessment_record(
                    actor=request.user,
                    cadre=cadre,
                    year=year,
                    contents=_contents_from(request.POST),
                    today=today,
                )
            else:
                services.ordinary_assessment_record(
                    actor=request.user,
                    cadre=cadre,
                    held_on=date.fromisoformat(request.POST.get("held_on") or today.isoformat()),
                    title=request.POST.get("title", ""),
                    contents=_contents_from(request.POST),
                    today=today,
                )
            messages.success(request, "评分已保存。")
            return redirect("assessment:explain", year=year, cadre_id=cadre.pk)
        except ValueError:
            errors = {"held_on": "考核日期:格式应为YYYY-MM-DD"}
        except services.FieldErrors as error:
            errors = error.errors
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    from zhucun.assessment.proposal import attendance_logs_proposal

    proposed, evidence = attendance_logs_proposal(
        cadre, date(year, 1, 1), min(date(year, 12, 31), today), today=today
    )
    return render(
        request,
        "assessment/score_entry.html",
        {
            "cadre": cadre,
            "year": year,
            "kind": kind,
            "contents": CONTENTS,
            "values": values,
            "errors": errors,
            "proposed": proposed,
            "evidence": evidence,
        },
    )


@allow(Role.TEAM_LEADER, Role.TOWN)
def opinion_entry(request, year: int, cadre_id: int):
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    errors = {}
    if request.method == "POST":
        try:
            services.team_opinion_sign(
                actor=request.user, cadre=cadre, year=year, text=request.POST.get("text", "")
            )
            messages.success(request, "书面意见已签署。")
            return redirect("assessment:explain", year=year, cadre_id=cadre.pk)
        except services.FieldErrors as error:
            errors = error.errors
        except ServiceError as error:
            errors = {"general": error.message}
    return render(
        request,
        "assessment/opinion_entry.html",
        {"cadre": cadre, "year": year, "errors": errors, "text": request.POST.get("text", "")},
    )


@allow(Role.COUNTY)
def conduct_entry(request, cadre_id: int):
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    errors = {}
    if request.method == "POST":
        try:
            fact = services.conduct_fact_record(
                actor=request.user,
                cadre=cadre,
                kind=request.POST.get("kind", ""),
                occurred_on=date.fromisoformat(request.POST.get("occurred_on", "")),
                document=request.POST.get("document", ""),
                description=request.POST.get("description", ""),
                today=timezone.localdate(),
            )
            messages.success(request, "已登记。")
            return redirect("assessment:explain", year=fact.occurred_on.year, cadre_id=cadre.pk)
        except ValueError:
            errors = {"occurred_on": "认定日期:格式应为YYYY-MM-DD"}
        except services.FieldErrors as error:
            errors = error.errors
        except ServiceError as error:
            errors = {"general": error.message}
    return render(
        request,
        "assessment/conduct_entry.html",
        {"cadre": cadre, "errors": errors, "kinds": ConductKind.choices, "values": request.POST},
    )


@allow(Role.COUNTY)
def poverty_task_entry(request, year: int, village_id: int):
    village = get_scoped_or_404(request.user, Region, village_id)
    errors = {}
    if request.method == "POST":
        try:
            services.poverty_task_record(
                actor=request.user,
                village=village,
                year=year,
                completed=request.POST.get("completed") == "yes",
                note=request.POST.get("note", ""),
                today=timezone.localdate(),
            )
            messages.success(request, "已登记村减贫任务完成情况。")
            return redirect(reverse("assessment:county_year", args=[year, village.county_id]))
        except ServiceError as error:
            errors = {error.field or "general": error.message}
    return render(
        request,
        "assessment/poverty_task_entry.html",
        {"village": village, "year": year, "errors": errors},
    )
