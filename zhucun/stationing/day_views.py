"""A cadre's own day: one-tap check-in, backfill with a reason, official business."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhucun.accounts.access import allow
from zhucun.errors import ServiceError
from zhucun.stationing import selectors, services
from zhucun.stationing.forms import BackfillForm, CheckInForm, OfficialBusinessForm
from zhucun.stationing.leave_views import CADRES, address_of, form_error, own_cadre
from zhucun.stationing.models import CheckIn


def _render(request, cadre, *, backfill=None, business=None, status=200):
    today = timezone.localdate()
    return render(
        request,
        "stationing/my_day.html",
        {
            "cadre": cadre,
            "today": today,
            "assignment": services.assignment_covering(cadre, today, today),
            "checked_in": CheckIn.objects.filter(cadre=cadre, day=today).first(),
            "backfill_form": backfill or BackfillForm(),
            "business_form": business or OfficialBusinessForm(),
            "check_ins": selectors.recent_check_ins(cadre),
            "business": selectors.recent_official_business(cadre),
        },
        status=status,
    )


@allow(*CADRES)
def my_day(request):
    return _render(request, own_cadre(request))


@require_POST
@allow(*CADRES)
def check_in(request):
    cadre = own_cadre(request)
    form = CheckInForm(request.POST)
    location = form.cleaned_data if form.is_valid() else {}
    try:
        record, created = services.check_in(
            user=request.user,
            cadre=cadre,
            latitude=location.get("latitude"),
            longitude=location.get("longitude"),
            address=address_of(request),
        )
    except ServiceError as error:
        messages.error(request, f"签到未成功:{error.message}")
    else:
        local = timezone.localtime(record.at)
        if created:
            messages.success(request, f"已签到:{local:%m月%d日 %H:%M}(服务器时间)。")
        else:
            messages.info(request, f"今天已于{local:%H:%M}签到,无需重复签到。")
    return redirect("stationing:my_day")


@require_POST
@allow(*CADRES)
def backfill(request):
    cadre = own_cadre(request)
    form = BackfillForm(request.POST)
    if form.is_valid():
        try:
            services.check_in_backfill(
                user=request.user, cadre=cadre, address=address_of(request), **form.cleaned_data
            )
        except ServiceError as error:
            form_error(form, error)
            return _render(request, cadre, backfill=form, status=error.http_status)
        messages.success(request, f"已补签 {form.cleaned_data['day']}(标记为补签)。")
        return redirect("stationing:my_day")
    return _render(request, cadre, backfill=form, status=422)


@require_POST
@allow(*CADRES)
def official_business(request):
    cadre = own_cadre(request)
    form = OfficialBusinessForm(request.POST)
    if form.is_valid():
        try:
            services.official_business_record(
                user=request.user, cadre=cadre, address=address_of(request), **form.cleaned_data
            )
        except ServiceError as error:
            form_error(form, error)
            return _render(request, cadre, business=form, status=error.http_status)
        messages.success(request, "因公外出已登记,计入驻村天数(第十六条)。")
        return redirect("stationing:my_day")
    return _render(request, cadre, business=form, status=422)
