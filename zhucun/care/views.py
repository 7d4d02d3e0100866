"""Pages of 第二十八条、第二十九条: talks, the unit head's visits and report hearings, cases."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for, scoped
from zhucun.care import services
from zhucun.care.forms import CaseForm, HearingForm, TalkForm, VisitForm
from zhucun.care.models import ExemplaryCase, ReportHearing, Talk, UnitHeadVisit
from zhucun.care.visits import visit_checks
from zhucun.errors import ServiceError
from zhucun.org.models import Cadre
from zhucun.stationing.models import Team

OFFICES = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT)
EVERYONE = frozenset(Role)


def _address(request):
    return request.META.get("REMOTE_ADDR")


def _post(request, form, call, done, redirect_to):
    """Validate, call the service, show its error on the form; (response or None, status)."""
    if not form.is_valid():
        return None, 422
    try:
        call(form.cleaned_data)
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None, error.http_status
    messages.success(request, done)
    return redirect(redirect_to), 302


def _year(request):
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@allow(*OFFICES)
def talks(request):
    cadres = list(
        scoped(request.user, Cadre.objects.filter(assignments__isnull=False).distinct()).order_by(
            "name"
        )[:500]
    )
    by_pk = {c.pk: c for c in cadres}
    form = TalkForm(cadres=cadres)
    status = 200
    if request.method == "POST":
        form = TalkForm(request.POST, cadres=cadres)

        def call(data):
            services.talk_record(
                user=request.user, cadre=by_pk[data.pop("cadre")], address=_address(request), **data
            )

        response, status = _post(request, form, call, "谈话已记录。", "care:talks")
        if response:
            return response
    page = Paginator(
        scoped(request.user, Talk.objects.all()).select_related("cadre__unit"), 50
    ).get_page(request.GET.get("page"))
    can_talk = Role.TOWN in scope_for(request.user).roles or bool(
        scope_for(request.user).unit_ids or scope_for(request.user).county_ids
    )
    return render(
        request,
        "care/talks.html",
        {"page": page, "form": form if can_talk else None},
        status=status,
    )


def _unit_teams(user):
    scope = scope_for(user)
    if not scope.unit_ids:
        return []
    return list(
        Team.objects.filter(units__in=scope.unit_ids, withdrawn_on__isnull=True)
        .distinct()
        .select_related("village")
    )


@allow(*OFFICES)
def visits(request):
    year = _year(request)
    teams = _unit_teams(request.user)
    visit_form, hearing_form = VisitForm(teams=teams), HearingForm(teams=teams)
    by_pk = {t.pk: t for t in teams}
    status = 200
    if request.method == "POST" and teams:
        if request.POST.get("what") == "hearing":
            hearing_form = HearingForm(request.POST, teams=teams)

            def call(data):
                services.hearing_record(
                    user=request.user,
                    team=by_pk[data.pop("team")],
                    address=_address(request),
                    **data,
                )

            response, status = _post(request, hearing_form, call, "已记录听取汇报。", "care:visits")
        else:
            visit_form = VisitForm(request.POST, teams=teams)

            def call(data):
                services.visit_record(
                    user=request.user,
                    team=by_pk[data.pop("team")],
                    address=_address(request),
                    **data,
                )

            response, status = _post(request, visit_form, call, "已记录到村指导。", "care:visits")
        if response:
            return response
    checks = visit_checks(
        scoped(request.user, Team.objects.all()), year, today=timezone.localdate()
    )
    missing = [c for c in checks if c.check.fired]
    context = {
        "year": year,
        "missing": missing[:200],
        "missing_count": len(missing),
        "checked": len(checks),
        "visits": scoped(request.user, UnitHeadVisit.objects.all()).select_related(
            "unit", "team__village"
        )[:50],
        "hearings": scoped(request.user, ReportHearing.objects.all()).select_related(
            "unit", "team__village"
        )[:50],
        "visit_form": visit_form if teams else None,
        "hearing_form": hearing_form if teams else None,
    }
    return render(request, "care/visits.html", context, status=status)


def _writable_teams(user):
    return list(
        scoped(user, Team.objects.filter(withdrawn_on__isnull=True)).select_related("village")[:300]
    )


@allow(EVERYONE)
def cases(request):
    """第二十九条: published cases, readable by every logged-in user whatever their scope."""
    scope = scope_for(request.user)
    can_write = bool(scope.led_team_ids or scope.town_ids or scope.county_ids or scope.unit_ids)
    teams = _writable_teams(request.user) if can_write else []
    form = CaseForm(teams=teams)
    status = 200
    if request.method == "POST" and teams:
        form = CaseForm(request.POST, teams=teams)
        by_pk = {t.pk: t for t in teams}

        def call(data):
            services.case_submit(
                user=request.user, team=by_pk[data.pop("team")], address=_address(request), **data
            )

        response, status = _post(
            request, form, call, "案例已提交区县审核,通过后发布。", "care:cases"
        )
        if response:
            return response
    published = ExemplaryCase.objects.filter(published_at__isnull=False).select_related(
        "team__village__county"
    )
    page = Paginator(published, 20).get_page(request.GET.get("page"))
    drafts = (
        scoped(
            request.user, ExemplaryCase.objects.filter(published_at__isnull=True)
        ).select_related("approval")[:20]
        if can_write
        else []
    )
    return render(
        request,
        "care/cases.html",
        {"page": page, "form": form if teams else None, "drafts": drafts},
        status=status,
    )


@allow(EVERYONE)
def case_detail(request, pk):
    case = (
        ExemplaryCase.objects.select_related("team__village__county", "approval")
        .filter(pk=pk)
        .first()
    )
    if case is None or (
        case.published_at is None
        and not scoped(request.user, ExemplaryCase.objects.filter(pk=pk)).exists()
    ):
        raise Http404
    return render(request, "care/case_detail.html", {"case": case})
