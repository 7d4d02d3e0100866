"""Dashboards per role, the records behind each figure, and the printable registers."""

from datetime import date

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for, scoped
from zhucun.approvals.selectors import pending_steps
from zhucun.assessment.selectors import VIEWERS, cadre_year, own_only
from zhucun.exports.xlsx import exporter_unit, xlsx_response
from zhucun.org.models import Level, Region, Unit
from zhucun.reports.periods import LATE
from zhucun.reports.selectors import meeting_quarters, report_rows
from zhucun.stationing.models import Team
from zhucun.stationing.month import month_from, neighbours
from zhucun.stationing.selectors import team_roster

from . import charts
from .assessment_form import HEADERS as FORM_HEADERS
from .assessment_form import registration_form
from .records import ASSESSMENT_FIGURES, FIGURES, records
from .reports import BUILDERS, REPORTS
from .snapshots import snapshot_board

REGION_ROLES = (Role.CITY, Role.COUNTY, Role.TOWN)
BOARD_LEVELS = (Level.CITY, Level.COUNTY, Level.TOWN, Level.VILLAGE)
REPORTS_SHOWN = 5  # the latest submitted reports on the team board
LEVEL_NAMES = {"county": "区县", "town": "镇(街办)", "team": "工作队"}


@allow(*REGION_ROLES, Role.TEAM_LEADER)
def home(request):
    """The user's own dashboard: the widest region they hold, else the team they lead."""
    scope = scope_for(request.user)
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    for ids in (scope.city_ids, scope.county_ids, scope.town_ids):
        if ids:
            return redirect(reverse("dashboards:region", args=[min(ids)]) + query)
    if scope.led_team_ids:
        return redirect(reverse("dashboards:team", args=[min(scope.led_team_ids)]) + query)
    raise Http404


def _region(request, pk) -> Region:
    # The ancestors come along: the breadcrumbs read them (no lazy load per crumb).
    region = _scoped_get(request.user, Region.objects.select_related("city", "county", "town"), pk)
    if region.level not in BOARD_LEVELS:
        raise Http404
    return region


def _team(request, pk) -> Team:
    # The board, its rows and the page read the village, its town and county.
    return _scoped_get(
        request.user, Team.objects.select_related("village__town", "village__county"), pk
    )


def _scoped_get(user, queryset, pk):
    """As get_scoped_or_404, with the related rows the page reads."""
    try:
        return scoped(user, queryset).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _charts(b):
    return {
        "trend": charts.bar_chart(
            "各月驻村天数达标率",
            "%",
            [(f"{int(m[5:])}月", share) for m, share, _n in b.trend],
            top=100,
        ),
        "missed": charts.bar_chart(
            "各月联户未落实次数", "次", [(f"{int(m[5:])}月", n) for m, _s, n in b.trend]
        ),
        "histogram": charts.bar_chart("本月驻村天数分布(人数)", "人", b.histogram),
        "matrix": charts.matrix("未整改问题:镇(街办)× 条款", b.matrix_towns, b.articles, b.matrix),
    }


def _breadcrumbs(region: Region, team=None):
    crumbs = []
    for ancestor in (region.city, region.county, region.town):
        if ancestor is not None and ancestor.pk != region.pk and ancestor not in crumbs:
            crumbs.append(ancestor)
    return crumbs


@allow(*REGION_ROLES)
def region_board(request, pk):
    region = _region(request, pk)
    first, _last = month_from(request)
    b = snapshot_board(request.user, region=region, first=first)
    previous, following = neighbours(first)
    todo = list(pending_steps(request.user)[:8])
    at_risk = [(f.subject, b.team_names.get(f.team_id, ""), f.message) for f in b.at_risk]
    return render(
        request,
        "dashboards/region.html",
        {
            "b": b,
            "region": region,
            "month": f"{first:%Y-%m}",
            "previous": previous,
            "following": following,
            "row_level": LEVEL_NAMES[b.level],
            "crumbs": [c for c in _breadcrumbs(region) if _visible(request.user, c)],
            "todo": todo,
            "at_risk": at_risk,
            "reports": REPORTS,
            **_charts(b),
        },
    )


def _visible(user, region) -> bool:
    s = scope_for(user)
    return s.everything or region.pk in (s.city_ids | s.county_ids | s.town_ids)


@allow(*REGION_ROLES, Role.TEAM_LEADER)
def team_board(request, pk):
    team = _team(request, pk)
    first, last = month_from(request)
    today = timezone.localdate()
    b = snapshot_board(request.user, region=team.village, first=first, team=team)
    roster = team_roster(team, first, last)
    previous, following = neighbours(first)
    missing = records(b, "missing")
    owed, submitted = _reports_due(team, today)
    return render(
        request,
        "dashboards/team.html",
        {
            "b": b,
            "team": team,
            "month": f"{first:%Y-%m}",
            "previous": previous,
            "following": following,
            "roster": roster,
            "uncovered": [
                day for day, c in zip(roster.off_days, roster.checks, strict=True) if c.fired
            ],
            "missing": list(zip(missing.rows, missing.links, strict=True)),
            "owed": owed,
            "overdue": sum(1 for r in owed if r.status == LATE),
            "submitted": submitted,
            "meetings": meeting_quarters([team.village.county_id], today.year, today=today),
            **_charts(b),
        },
    )


def _reports_due(team, today):
    """The team's reports not yet submitted (this and last year), and the latest submitted."""
    rows = report_rows([team], date(today.year - 1, 1, 1), today, today=today)[team.pk]
    # The latest deadlines first: what is due now, then the most recent gaps.
    owed = sorted((r for r in rows if r.report is None), key=lambda r: r.period.due, reverse=True)
    return owed, [r for r in rows if r.report is not None][:REPORTS_SHOWN]


def _listing(request, b, figure, back):
    if figure not in FIGURES or (figure in ASSESSMENT_FIGURES and b.assessment_year is None):
        raise Http404
    listing = records(b, figure, request.GET.get("article") or None)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request=request,
            title=listing.title,
            headers=listing.headers,
            rows=listing.rows,
            filters={"figure": figure, "month": f"{b.first:%Y-%m}", "scope": b.total.name},
            personal=figure
            in ("households", "missing", "cadres", "on_track", "off_track", *ASSESSMENT_FIGURES),
        )
    return render(
        request,
        "dashboards/records.html",
        {
            "listing": listing,
            "rows": [
                (list(zip(listing.headers, row, strict=True)), link)
                for row, link in zip(listing.rows, listing.links, strict=True)
            ],
            "back": back,
            "month": f"{b.first:%Y-%m}",
            "unit": exporter_unit(request.user),
            "today": b.today,
        },
    )


@allow(*REGION_ROLES)
def region_records(request, pk, figure):
    region = _region(request, pk)
    first, _last = month_from(request)
    b = snapshot_board(request.user, region=region, first=first, findings=figure == "findings")
    return _listing(request, b, figure, reverse("dashboards:region", args=[pk]))


@allow(*REGION_ROLES, Role.TEAM_LEADER)
def team_records(request, pk, figure):
    team = _team(request, pk)
    first, _last = month_from(request)
    b = snapshot_board(
        request.user, region=team.village, first=first, team=team, findings=figure == "findings"
    )
    return _listing(request, b, figure, reverse("dashboards:team", args=[pk]))


@allow(*REGION_ROLES)
def report(request, pk, name):
    region = _region(request, pk)
    if name not in BUILDERS:
        raise Http404
    first, _last = month_from(request)
    today = timezone.localdate()
    data = BUILDERS[name](request.user, region, first, today)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request=request,
            title=data.title,
            headers=data.headers,
            rows=data.rows,
            filters={"report": name, "region": region.name, "month": f"{first:%Y-%m}"},
            personal=data.personal,
        )
    previous, following = neighbours(first)
    return render(
        request,
        "dashboards/report.html",
        {
            "report": data,
            "region": region,
            "month": f"{first:%Y-%m}",
            "previous": previous,
            "following": following,
            "unit": exporter_unit(request.user),
            "today": today,
            "reports": REPORTS,
        },
    )


@allow(*VIEWERS)
def assessment_form(request, year, cadre_id):
    """考核登记表: one cadre's year as the assessment selector gives it, printable and .xlsx."""
    own_only(request.user, cadre_id)  # a plain member reads only their own form
    today = timezone.localdate()
    found = cadre_year(request.user, cadre_id, year, today=today)
    form = registration_form(found)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request=request,
            title=form.title,
            headers=FORM_HEADERS,
            rows=form.rows,
            filters={"report": "assessment_form", "cadre": cadre_id, "year": year},
            personal=True,
        )
    return render(
        request,
        "dashboards/assessment_form.html",
        {
            "form": form,
            "found": found,
            "year": year,
            "unit": exporter_unit(request.user),
            "today": today,
        },
    )


@allow(*REGION_ROLES, Role.UNIT, Role.TEAM_LEADER)
def reports_index(request):
    """Every register and form the user may print or export, and where each one is."""
    scope = scope_for(request.user)
    today = timezone.localdate()
    regions = list(
        Region.objects.filter(pk__in=scope.city_ids | scope.county_ids | scope.town_ids).order_by(
            "code"
        )
    )
    if scope.everything:
        regions = list(Region.objects.filter(level=Level.CITY).order_by("code"))
    teams = list(
        Team.objects.filter(pk__in=scope.led_team_ids).select_related("village").order_by("pk")
    )
    return render(
        request,
        "dashboards/reports_index.html",
        {
            "regions": regions,
            "registers": REPORTS,
            "teams": teams,
            "units": list(Unit.objects.filter(pk__in=scope.unit_ids).order_by("name")),
            "assessors": bool(scope.roles & {Role.CITY, Role.COUNTY}),
            "own_cadre": scope.cadre_id,
            "year": today.year,
            "last_year": today.year - 1,
            "month": f"{today:%Y-%m}",
            "today": today,
        },
    )
