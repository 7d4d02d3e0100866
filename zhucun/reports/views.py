from datetime import date, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Region
from zhucun.reports import selectors, services
from zhucun.reports.draft import draft_for
from zhucun.reports.models import TeamReport
from zhucun.reports.periods import (
    RECIPIENTS,
    STATUS_LABELS,
    ReportKind,
    period_of,
    report_status,
)
from zhucun.stationing.models import Team

READERS = (Role.TEAM_LEADER, Role.MEMBER, Role.TOWN, Role.COUNTY, Role.CITY, Role.UNIT)
MEETING_READERS = (Role.COUNTY, Role.CITY)


def _year(request, today) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2018 <= int(text) <= today.year + 1 else today.year


@allow(*READERS)
def index(request):
    """The teams in scope with their reports still owed; a leader of one team goes straight to it."""
    today = timezone.localdate()
    scope = scope_for(request.user)
    teams = scoped(request.user, Team.objects.all()).select_related("village__town")
    if len(scope.led_team_ids | scope.member_team_ids) == 1 and not (
        scope.roles & {Role.TOWN, Role.COUNTY, Role.CITY, Role.UNIT}
    ):
        (team_id,) = scope.led_team_ids | scope.member_team_ids
        return redirect("reports:team_reports", pk=team_id)
    page = Paginator(teams.order_by("village__code", "pk"), 50).get_page(request.GET.get("page"))
    pending = selectors.pending_reports(page.object_list, today=today)
    rows = [(team, *pending[team.pk]) for team in page.object_list]
    return render(request, "reports/index.html", {"rows": rows, "page": page})


@allow(*READERS)
def team_reports(request, pk):
    team = get_scoped_or_404(request.user, Team, pk)
    today = timezone.localdate()
    year = _year(request, today)
    rows = selectors.report_rows([team], date(year, 1, 1), date(year, 12, 31), today=today)
    return render(
        request,
        "reports/team_reports.html",
        {
            "team": team,
            "year": year,
            "rows": rows[team.pk],
            "labels": STATUS_LABELS,
            "is_leader": team.pk in scope_for(request.user).led_team_ids,
            "previous": year - 1,
            "next": year + 1 if year < today.year else None,
        },
    )


def _period(request, today):
    values = request.POST if request.method == "POST" else request.GET
    kind = values.get("kind", ReportKind.WEEKLY)
    if kind not in ReportKind.values:
        kind = ReportKind.WEEKLY
    try:
        start = date.fromisoformat(values.get("start", ""))
    except ValueError:
        # Without a period: the last one that has ended.
        start = period_of(kind, today).start - timedelta(days=1)
    return period_of(kind, start)


@allow(*READERS)
@require_http_methods(["GET", "POST"])
def team_report(request, pk):
    """One report: the pre-filled draft the leader confirms, or the submitted report, read-only."""
    team = get_scoped_or_404(request.user, Team, pk)
    now = timezone.now()
    today = timezone.localdate(now)
    period = _period(request, today)
    report = (
        TeamReport.objects.filter(team=team, kind=period.kind, period_start=period.start)
        .select_related("submitted_by")
        .first()
    )
    is_leader = team.pk in scope_for(request.user).led_team_ids
    error = None
    if request.method == "POST" and report is None:
        try:
            services.report_submit(
                actor=request.user,
                team=team,
                period=period,
                work_done=request.POST.get("work_done", ""),
                problems=request.POST.get("problems", ""),
                next_plan=request.POST.get("next_plan", ""),
                now=now,
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, f"{period.label}{ReportKind(period.kind).label}已提交。")
            url = reverse("reports:team_report", args=[team.pk])
            return redirect(f"{url}?kind={period.kind}&start={period.start:%Y-%m-%d}")
    elif request.method == "POST":
        error = ServiceError(ErrorCode.CONFLICT, f"{period.label}的报告已提交,不能修改")
    draft = None
    if report is None:
        draft = draft_for(request.user, team, period, today=today)
    facts = report.facts if report else draft.facts
    values = request.POST if request.method == "POST" else None
    status = report_status(
        period,
        submitted_on=timezone.localdate(report.submitted_at) if report else None,
        today=today,
    )
    return render(
        request,
        "reports/team_report.html",
        {
            "team": team,
            "period": period,
            "kind_label": ReportKind(period.kind).label,
            "recipients": RECIPIENTS[ReportKind(period.kind)],
            "report": report,
            "facts": facts,
            "status": status,
            "status_label": STATUS_LABELS[status],
            "can_submit": report is None and is_leader and period.end <= today,
            "error": error,
            "work_done": values.get("work_done") if values else (draft.work_done if draft else ""),
            "problems": values.get("problems") if values else (draft.problems if draft else ""),
            "next_plan": values.get("next_plan") if values else (draft.next_plan if draft else ""),
        },
        status=422 if error else 200,
    )


@allow(*MEETING_READERS)
@require_http_methods(["GET", "POST"])
def meetings(request):
    """The counties' quarterly team-leader meetings (第十五条); a missed quarter is a finding."""
    today = timezone.localdate()
    year = _year(request, today)
    counties = scoped(request.user, Region.objects.filter(level="county")).order_by("code")
    county_ids = set(counties.values_list("pk", flat=True))
    can_record = scope_for(request.user).county_ids
    error = None
    if request.method == "POST":
        try:
            county = Region.objects.get(pk=int(request.POST.get("county", "0")), level="county")
        except (Region.DoesNotExist, ValueError):
            county = None
        try:
            if county is None or county.pk not in can_record:
                raise ServiceError(
                    ErrorCode.FORBIDDEN, "区县:只能登记本区县的队长会议", field="county"
                )
            held_on = None
            try:
                held_on = date.fromisoformat(request.POST.get("held_on", ""))
            except ValueError:
                pass
            quarter = request.POST.get("quarter", "")
            services.meeting_record(
                actor=request.user,
                county=county,
                year=year,
                quarter=int(quarter) if quarter.isdigit() else 0,
                held_on=held_on,
                minutes=request.POST.get("minutes", ""),
                attendee_ids=request.POST.getlist("attendees"),
            )
        except ServiceError as exc:
            error = exc
        else:
            messages.success(request, "队长会议已登记。")
            return redirect(f"{reverse('reports:meetings')}?year={year}")
    rows = selectors.meeting_quarters(county_ids, year, today=today)
    names = dict(counties.values_list("pk", "name"))
    leaders = {}
    for row in rows:
        if row.meeting is None and row.county_id in can_record and row.bounds[0] <= today:
            leaders[(row.county_id, row.quarter)] = list(
                services.leaders_in_quarter([row.county_id], year, row.quarter)
            )
    return render(
        request,
        "reports/meetings.html",
        {
            "year": year,
            "rows": [
                (row, names[row.county_id], leaders.get((row.county_id, row.quarter)))
                for row in rows
            ],
            "error": error,
            "values": request.POST if request.method == "POST" else {},
            "previous": year - 1,
            "next": year + 1 if year < today.year else None,
        },
        status=422 if error else 200,
    )
