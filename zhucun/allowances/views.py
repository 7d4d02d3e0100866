"""Pages of 第二十七条 for the dispatching unit: rates, the monthly sheet, yearly cover."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.allowances import services
from zhucun.allowances.cover import cover_due
from zhucun.allowances.forms import CoverForm, RatesForm
from zhucun.allowances.models import AllowanceRate, CoverRecord
from zhucun.allowances.sheet import monthly_sheet
from zhucun.errors import ServiceError
from zhucun.exports.xlsx import exporter_unit, xlsx_response
from zhucun.funds.money import fen_to_yuan
from zhucun.org.models import Cadre, Unit


def _address(request):
    return request.META.get("REMOTE_ADDR")


def _own_unit(request, pk) -> Unit:
    """Only the unit's own office works with its allowances (other units: 404)."""
    unit = get_scoped_or_404(request.user, Unit, pk)
    if unit.pk not in scope_for(request.user).unit_ids:
        raise Http404
    return unit


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@allow(Role.UNIT)
def index(request):
    today = timezone.localdate()
    units = Unit.objects.filter(pk__in=scope_for(request.user).unit_ids).order_by("name")
    return render(request, "allowances/index.html", {"units": units, "today": today})


def _sheet(request, pk, year, month):
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    unit = _own_unit(request, pk)
    cadres = scoped(request.user, Cadre.objects.all())
    return monthly_sheet(unit, year, month, today=timezone.localdate(), cadres=cadres)


def sheet_title(unit, year: int, month: int) -> str:
    return f"{unit.name}{year}年{month}月驻村干部补助表(第二十七条)"


@allow(Role.UNIT)
def sheet(request, pk, year, month):
    data = _sheet(request, pk, year, month)
    prev = data.first.replace(day=1)
    prev = (
        prev.replace(year=prev.year - 1, month=12)
        if prev.month == 1
        else prev.replace(month=prev.month - 1)
    )
    nxt = (
        data.first.replace(year=year + 1, month=1)
        if month == 12
        else data.first.replace(month=month + 1)
    )
    return render(
        request,
        "allowances/sheet.html",
        {
            "sheet": data,
            "prev": prev,
            "next": nxt,
            "year": year,
            "month": month,
            "title": sheet_title(data.unit, year, month),
            "unit": exporter_unit(request.user),
            "today": timezone.localdate(),
        },
    )


@allow(Role.UNIT)
def sheet_xlsx(request, pk, year, month):
    data = _sheet(request, pk, year, month)
    rows = [
        [
            line.cadre.name,
            line.stationed_days,
            fen_to_yuan(line.living_fen),
            line.weeks,
            fen_to_yuan(line.transport_fen),
            fen_to_yuan(line.communication_fen),
            fen_to_yuan(line.total_fen),
        ]
        for line in data.lines
    ]
    rows.append(["合计", "", "", "", "", "", fen_to_yuan(data.total_fen)])
    rates = data.rates
    rows.append(
        [
            "说明",
            "标准:"
            + (
                f"生活补助{fen_to_yuan(rates.living_fen_per_day)}元/天,"
                f"交通补助{fen_to_yuan(rates.transport_fen_per_week)}元/周,"
                f"通信补贴{fen_to_yuan(rates.communication_fen_per_month)}元/月;天数取自驻村日历"
                if rates
                else "未设置"
            ),
        ]
    )
    # The shared exporter: title, exporting unit and date, frozen header, widths, audit.
    return xlsx_response(
        request=request,
        title=sheet_title(data.unit, year, month),
        headers=[
            "姓名",
            "实际驻村天数",
            "生活补助(元)",
            "驻村周数",
            "交通补助(元)",
            "通信补贴(元)",
            "合计(元)",
        ],
        rows=rows,
        filters={"unit": data.unit.pk, "year": year, "month": month},
    )


@allow(Role.UNIT)
def rates(request, pk):
    unit = _own_unit(request, pk)
    form = RatesForm()
    status = 200
    if request.method == "POST":
        form = RatesForm(request.POST)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rates_set(
                    user=request.user,
                    unit=unit,
                    effective_from=data["effective_from"],
                    living_fen_per_day=data["living"],
                    transport_fen_per_week=data["transport"],
                    communication_fen_per_month=data["communication"],
                    basis=data["basis"],
                    address=_address(request),
                )
            except ServiceError as error:
                _form_error(form, error)
                status = error.http_status
            else:
                messages.success(request, "补助标准已保存。")
                return redirect("allowances:rates", unit.pk)
    history = AllowanceRate.objects.filter(unit=unit).select_related("set_by")
    return render(
        request,
        "allowances/rates.html",
        {"unit": unit, "form": form, "history": history},
        status=status,
    )


@allow(Role.UNIT)
def cover(request, pk):
    unit = _own_unit(request, pk)
    today = timezone.localdate()
    cadres = list(Cadre.objects.filter(unit=unit).order_by("name"))
    form = CoverForm(cadres=cadres, initial={"year": today.year})
    status = 200
    if request.method == "POST":
        form = CoverForm(request.POST, cadres=cadres)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            cadre = next(c for c in cadres if c.pk == data.pop("cadre"))
            try:
                services.cover_record(
                    user=request.user, cadre=cadre, address=_address(request), **data
                )
            except ServiceError as error:
                _form_error(form, error)
                status = error.http_status
            else:
                messages.success(request, "已登记。")
                return redirect("allowances:cover", unit.pk)
    records = CoverRecord.objects.filter(cadre__unit=unit, year=today.year).select_related("cadre")
    return render(
        request,
        "allowances/cover.html",
        {
            "unit": unit,
            "form": form,
            "due": cover_due([unit.pk], today),
            "records": records,
            "today": today,
        },
        status=status,
    )
