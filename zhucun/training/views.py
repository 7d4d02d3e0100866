"""Pages of 第十八条: training events, enrolment, attendance, and the yearly check."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.errors import ServiceError
from zhucun.org.models import Cadre, Region
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment
from zhucun.training import selectors, services
from zhucun.training.forms import CadresForm, EventForm
from zhucun.training.models import Level, Participant, TrainingEvent

VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER)
ORGANISERS = (Role.CITY, Role.COUNTY)


def _address(request):
    return request.META.get("REMOTE_ADDR")


def _year(request):
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _organiser_region(user, level):
    scope = scope_for(user)
    ids = scope.city_ids if level == Level.CITY else scope.county_ids
    return Region.objects.filter(pk__in=ids).order_by("pk").first()


@allow(*VIEWERS)
def event_list(request):
    scope = scope_for(request.user)
    can_organise = bool(scope.city_ids or scope.county_ids)
    form = EventForm(initial={"level": Level.CITY if scope.city_ids else Level.COUNTY})
    status = 200
    if request.method == "POST" and can_organise:
        form = EventForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = services.event_create(
                    user=request.user,
                    region=_organiser_region(request.user, data["level"]),
                    address=_address(request),
                    **data,
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                status = error.http_status
            else:
                messages.success(request, "培训已登记,请添加参训干部。")
                return redirect("training:event_detail", event.pk)
    page = Paginator(selectors.events_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "training/event_list.html",
        {"page": page, "form": form if can_organise else None},
        status=status,
    )


def _candidates(user, event):
    stationed = (
        Assignment.objects.filter(start__lte=event.end)
        .filter(Q(end__isnull=True) | Q(end__gte=event.start))
        .exclude(role__in=NON_COUNTED_ROLES)
        .values("cadre_id")
    )
    return (
        scoped(user, Cadre.objects.filter(pk__in=stationed))
        .select_related("unit")
        .order_by("name")[:500]
    )


@allow(*VIEWERS)
def event_detail(request, pk):
    event = get_scoped_or_404(request.user, TrainingEvent, pk)
    participants = list(
        scoped(request.user, Participant.objects.filter(event=event)).select_related("cadre__unit")
    )
    scope = scope_for(request.user)
    ids = scope.city_ids if event.level == Level.CITY else scope.county_ids
    is_organiser = event.region_id in ids
    enrolled = {p.cadre_id for p in participants}
    enrol_form = attend_form = None
    status = 200
    if is_organiser:
        enrol_form = CadresForm(
            choices=[
                (c.pk, f"{c.name}({c.unit})")
                for c in _candidates(request.user, event)
                if c.pk not in enrolled
            ]
        )
        attend_form = CadresForm(
            choices=[(p.cadre_id, p.cadre.name) for p in participants if p.attended_at is None]
        )
        if request.method == "POST":
            action = request.POST.get("action")
            form = enrol_form if action == "enrol" else attend_form
            form = CadresForm(request.POST, choices=form.fields["cadres"].choices)
            status = 422
            if form.is_valid():
                try:
                    if action == "enrol":
                        n = services.participants_add(
                            user=request.user,
                            event=event,
                            cadre_ids=form.cleaned_data["cadres"],
                            address=_address(request),
                        )
                        messages.success(request, f"已添加{n}名参训干部。")
                    else:
                        n = services.attendance_confirm(
                            user=request.user,
                            event=event,
                            cadre_ids=form.cleaned_data["cadres"],
                            address=_address(request),
                        )
                        messages.success(request, f"已确认{n}名干部参训,培训天数已计入其驻村日历。")
                    return redirect("training:event_detail", event.pk)
                except ServiceError as error:
                    form.add_error(None, error.message)
                    status = error.http_status
            if action == "enrol":
                enrol_form = form
            else:
                attend_form = form
    return render(
        request,
        "training/event_detail.html",
        {
            "event": event,
            "participants": participants,
            "enrol_form": enrol_form,
            "attend_form": attend_form,
        },
        status=status,
    )


@allow(*VIEWERS)
def checks(request):
    year = _year(request)
    rows = selectors.training_checks(request.user, year, today=timezone.localdate())
    only = request.GET.get("only") == "shortfall"
    if only:
        rows = [r for r in rows if r.check.fired]
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "training/checks.html",
        {"page": page, "year": year, "only": only, "fired": sum(1 for r in rows if r.check.fired)},
    )
