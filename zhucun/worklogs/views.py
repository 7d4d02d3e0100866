from calendar import monthrange
from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.errors import ServiceError
from zhucun.households.models import Household
from zhucun.org.models import Cadre
from zhucun.policy.worklogs import LATE, MISSING, NOT_DUE, ON_TIME, monthly_log_checks
from zhucun.stationing.models import Assignment
from zhucun.worklogs import selectors, services
from zhucun.worklogs.models import DiaryNote, NoticeStatus, RectificationNotice, WorkLog
from zhucun.worklogs.tasks import Task
from zhucun.worklogs.timeliness import log_timeliness

WRITERS = (Role.MEMBER, Role.TEAM_LEADER)
SUPERVISORS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER)
STATUS_LABELS = {ON_TIME: "按时", LATE: "迟报", MISSING: "缺报", NOT_DUE: "未到期"}


def _month(request, today):
    try:
        first = date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        first = today.replace(day=1)
    last = first.replace(day=monthrange(first.year, first.month)[1])
    return first, last


def _parse_day(text):
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@allow(*WRITERS)
def my_logs(request):
    today = timezone.localdate()
    first, last = _month(request, today)
    cadre_id = scope_for(request.user).cadre_id
    statuses = log_timeliness([cadre_id], first, min(last, today), today=today)[cadre_id]
    logs = {
        entry.day: entry
        for entry in WorkLog.objects.filter(cadre_id=cadre_id, day__range=(first, last))
    }
    days = sorted(set(statuses) | set(logs), reverse=True)
    rows = [
        (
            day,
            STATUS_LABELS.get(statuses.get(day), "非工作日"),
            statuses.get(day, ""),
            logs.get(day),
        )
        for day in days
    ]
    notices = RectificationNotice.objects.filter(cadre_id=cadre_id, status=NoticeStatus.OPEN)
    return render(
        request,
        "worklogs/my_logs.html",
        {
            "rows": rows,
            "month": first.strftime("%Y-%m"),
            "today": today,
            "notices": notices,
            "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
            "written_today": today in logs,
        },
    )


@allow(*WRITERS)
@require_http_methods(["GET", "POST"])
def log_write(request):
    today = timezone.localdate()
    cadre_id = scope_for(request.user).cadre_id
    day = _parse_day(request.POST.get("day") or request.GET.get("day")) or today
    existing = WorkLog.objects.filter(cadre_id=cadre_id, day=day).first()
    error = None
    if request.method == "POST":
        try:
            services.log_save(
                actor=request.user,
                day=_parse_day(request.POST.get("day")),
                tasks=request.POST.getlist("tasks"),
                content=request.POST.get("content", ""),
                off_site=request.POST.get("off_site") == "on",
                household_ids=request.POST.getlist("households"),
                projects=request.POST.get("projects", ""),
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, f"{day:%Y-%m-%d} 的工作日志已保存。")
            return redirect("worklogs:my_logs")
    values = request.POST if request.method == "POST" else None
    chosen_tasks = (
        {int(t) for t in values.getlist("tasks") if t.isdigit()}
        if values
        else set(existing.tasks if existing else [])
    )
    chosen_households = (
        {int(h) for h in values.getlist("households") if h.isdigit()}
        if values
        else set(existing.households.values_list("pk", flat=True))
        if existing
        else set()
    )
    paired = Household.objects.filter(
        pairings__cadre_id=cadre_id, pairings__end__isnull=True
    ).order_by("code")
    return render(
        request,
        "worklogs/log_write.html",
        {
            "day": day,
            "today": today,
            "existing": existing,
            "error": error,
            "tasks": [(value, label, value in chosen_tasks) for value, label in Task.choices],
            "households": [(h, h.pk in chosen_households) for h in paired],
            "content": values.get("content", "")
            if values
            else (existing.content if existing else ""),
            "projects": values.get("projects", "")
            if values
            else (existing.projects if existing else ""),
            "off_site": (values.get("off_site") == "on")
            if values
            else (existing.off_site if existing else False),
        },
    )


@allow(*WRITERS, *SUPERVISORS)
def log_detail(request, pk):
    entry = get_scoped_or_404(request.user, WorkLog, pk)
    revisions = entry.history.select_related("saved_by").order_by("-number")
    labels = dict(Task.choices)
    return render(
        request,
        "worklogs/log_detail.html",
        {
            "log": entry,
            "revisions": [(r, [labels[t] for t in r.tasks]) for r in revisions],
            "task_labels": [labels[t] for t in entry.tasks],
            "households": entry.households.all(),
        },
    )


@allow(*SUPERVISORS)
def team_logs(request):
    """Timeliness of the logs of the cadres in scope for a month: late and missing as findings."""
    today = timezone.localdate()
    first, last = _month(request, today)
    assignments = scoped(request.user, Assignment.objects.filter(start__lte=last)).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )
    cadre_ids = sorted(set(assignments.values_list("cadre_id", flat=True)))
    page = Paginator(cadre_ids, 100).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    statuses = log_timeliness(ids, first, min(last, today), today=today) if ids else {}
    names = dict(Cadre.objects.filter(pk__in=ids).values_list("pk", "name"))
    refused = selectors.refused_notices_by_cadre(first.year, ids)
    rows = []
    for cadre_id in ids:
        [check] = monthly_log_checks(statuses[cadre_id], subject=f"cadre:{cadre_id}") or [None]
        rows.append(
            {
                "cadre_id": cadre_id,
                "name": names.get(cadre_id, ""),
                "check": check,
                "refused": refused.get(cadre_id, 0),
                "bad_days": sorted(
                    d for d, s in statuses[cadre_id].items() if s in (LATE, MISSING)
                ),
            }
        )
    open_notices = scoped(
        request.user, RectificationNotice.objects.filter(status=NoticeStatus.OPEN)
    ).select_related("cadre")[:200]
    return render(
        request,
        "worklogs/team_logs.html",
        {
            "rows": rows,
            "page": page,
            "month": first.strftime("%Y-%m"),
            "open_notices": open_notices,
            "previous": (first - timedelta(days=1)).strftime("%Y-%m"),
        },
    )


@allow(Role.TOWN, Role.TEAM_LEADER)
@require_POST
def notice_issue(request, cadre_id):
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    days = [d for d in (_parse_day(x) for x in request.POST.getlist("log_days")) if d]
    try:
        services.notice_issue(
            actor=request.user,
            cadre_id=cadre.pk,
            log_days=days,
            reason=request.POST.get("reason", ""),
            today=timezone.localdate(),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已向{cadre.name}下发工作日志整改通知。")
    return redirect(request.POST.get("next") or "worklogs:team_logs")


@allow(*WRITERS, Role.TOWN)
@require_POST
def notice_close(request, pk):
    notice = get_scoped_or_404(request.user, RectificationNotice, pk)
    action = request.POST.get("action")
    try:
        if action == "rectify":
            services.notice_rectify(
                actor=request.user, notice=notice, response=request.POST.get("response", "")
            )
            messages.success(request, "整改情况已报告。")
        else:
            services.notice_refuse(
                actor=request.user, notice=notice, response=request.POST.get("response", "")
            )
            messages.success(request, "已登记拒绝整改(第三十五条(五))。")
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("worklogs:my_logs" if action == "rectify" else "worklogs:team_logs")


@allow(*WRITERS, *SUPERVISORS)
@require_http_methods(["GET", "POST"])
def diary(request):
    """民情日记 of the teams in scope (第十二条(四)); cadres add notes for their team."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    error = None
    if request.method == "POST":
        try:
            services.diary_note_add(
                actor=request.user,
                day=_parse_day(request.POST.get("day")),
                content=request.POST.get("content", ""),
                household_id=request.POST.get("household") or None,
                today=today,
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, "民情日记已保存,工作队成员可见。")
            return redirect("worklogs:diary")
    notes = scoped(request.user, DiaryNote.objects.all()).select_related(
        "cadre", "team", "household"
    )
    page = Paginator(notes.order_by("-day", "-pk"), 50).get_page(request.GET.get("page"))
    may_write = bool(scope.roles & set(WRITERS))
    return render(
        request,
        "worklogs/diary.html",
        {"page": page, "error": error, "today": today, "may_write": may_write},
    )
