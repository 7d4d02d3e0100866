"""Pages of 第二十七条 for the dispatching unit: rates, the monthly sheet, yearly cover."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scope_for, scoped
from zhucun.allowances import services
from zhucun.allowances.cover import cover_due
from zhucun.allowances.forms import CoverForm, InjuryForm, MedicalClaimForm, RatesForm
from zhucun.allowances.models import AllowanceRate, CoverRecord, Injury, MedicalClaim
from zhucun.allowances.sheet import ARTICLE, monthly_sheet, own_year
from zhucun.errors import ServiceError
from zhucun.exports.xlsx import exporter_unit, xlsx_response
from zhucun.funds.money import fen_to_yuan
from zhucun.org.models import Cadre, Unit
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment


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


SHEET_HEADERS = [
    "姓名",
    "实际驻村天数",
    "生活补助(元)",
    "驻村周数",
    "交通补助(元)",
    "通信补贴(元)",
    "合计(元)",
]


def _sheet_rows(data):
    for line in data.lines:
        yield [
            line.cadre.name,
            line.stationed_days,
            fen_to_yuan(line.living_fen),
            line.weeks,
            fen_to_yuan(line.transport_fen),
            fen_to_yuan(line.communication_fen),
            fen_to_yuan(line.total_fen),
        ]
    yield ["合计", "", "", "", "", "", fen_to_yuan(data.total_fen)]
    rates = data.rates
    yield [
        "说明",
        "标准:"
        + (
            f"生活补助{fen_to_yuan(rates.living_fen_per_day)}元/天,"
            f"交通补助{fen_to_yuan(rates.transport_fen_per_week)}元/周,"
            f"通信补贴{fen_to_yuan(rates.communication_fen_per_month)}元/月;"
            f"天数取自驻村日历({ARTICLE})"
            if rates
            else "未设置"
        ),
    ]


@allow(Role.UNIT)
def sheet_xlsx(request, pk, year, month):
    data = _sheet(request, pk, year, month)
    # Names with their pay: personal data, audited as such.
    return xlsx_response(
        request=request,
        title=sheet_title(data.unit, year, month),
        headers=SHEET_HEADERS,
        rows=_sheet_rows(data),
        filters={"unit": data.unit.pk, "year": year, "month": month},
        personal=True,
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


# Medical costs and injuries (第二十七条): health data, so the unit that pays and cares for
# its cadres and the county that manages the stationing see them; each cadre sees their own.
HEALTH_READERS = (Role.UNIT, Role.COUNTY, Role.TEAM_LEADER, Role.MEMBER)


def _list_year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _enterable_cadres(user, *, county_too: bool) -> list:
    """Stationed cadres the user may record for: the unit's own, and (if allowed) the county's."""
    scope = scope_for(user)
    stationed = Assignment.objects.exclude(role__in=NON_COUNTED_ROLES)
    q = Cadre.objects.none()
    if scope.unit_ids:
        q = q | Cadre.objects.filter(
            unit_id__in=scope.unit_ids, pk__in=stationed.values("cadre_id")
        )
    if county_too and scope.county_ids:
        q = q | Cadre.objects.filter(
            pk__in=stationed.filter(team__village__county_id__in=scope.county_ids).values(
                "cadre_id"
            )
        )
    return list(q.select_related("unit").order_by("name", "pk")[:500])


def _health_page(request, *, model, form_class, date_field, record, template, done, county_too):
    # No year asked: every year, newest first (a cadre's few records should not hide behind a filter).
    year = _list_year(request) if request.GET.get("year") else None
    cadres = _enterable_cadres(request.user, county_too=county_too)
    by_pk = {c.pk: c for c in cadres}
    form = form_class(cadres=cadres) if cadres else None
    status = 200
    if request.method == "POST" and cadres:
        form = form_class(request.POST, cadres=cadres)
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                record(request.user, by_pk[data.pop("cadre")], data, _address(request))
            except ServiceError as error:
                _form_error(form, error)
                status = error.http_status
            else:
                messages.success(request, done)
                return redirect(request.path)
    rows = (
        scoped(
            request.user,
            model.objects.filter(**{f"{date_field}__year": year}) if year else model.objects.all(),
        )
        .select_related("cadre__unit", "recorded_by")
        .order_by(f"-{date_field}", "-pk")
    )
    return render(
        request,
        template,
        {
            "page": Paginator(rows, 50).get_page(request.GET.get("page")),
            "form": form,
            "year": year,
            "own_only": not (
                scope_for(request.user).unit_ids or scope_for(request.user).county_ids
            ),
        },
        status=status,
    )


@allow(*HEALTH_READERS)
def medical(request):
    """医疗费报销 (第二十七条): the unit reimburses by the staff medical insurance rules."""

    def record(user, cadre, data, address):
        services.medical_claim_record(
            user=user,
            cadre=cadre,
            incurred_on=data["incurred_on"],
            description=data["description"],
            amount_fen=data["amount"],
            reimbursed_fen=data["reimbursed"],
            reimbursed_on=data["reimbursed_on"],
            address=address,
        )

    return _health_page(
        request,
        model=MedicalClaim,
        form_class=MedicalClaimForm,
        date_field="incurred_on",
        record=record,
        template="allowances/medical.html",
        done="医疗费报销已登记。",
        county_too=False,
    )


@allow(*HEALTH_READERS)
def injuries(request):
    """因公负伤的救治康复 and who follows up (第二十七条)."""

    def record(user, cadre, data, address):
        services.injury_record(user=user, cadre=cadre, address=address, **data)

    return _health_page(
        request,
        model=Injury,
        form_class=InjuryForm,
        date_field="happened_on",
        record=record,
        template="allowances/injuries.html",
        done="负伤记录已登记。",
        county_too=True,
    )


@allow(Role.TEAM_LEADER, Role.MEMBER)
def mine(request):
    """The stationed cadre's own allowances for a year, month by month (第二十七条)."""
    cadre = Cadre.objects.select_related("unit").get(pk=scope_for(request.user).cadre_id)
    year = _list_year(request)
    months = own_year(cadre, year, today=timezone.localdate())
    lines = [m.line for m in months if m.line is not None]
    totals = {
        key: sum(getattr(line, key) for line in lines)
        for key in ("stationed_days", "living_fen", "weeks", "transport_fen", "communication_fen")
    }
    totals["total_fen"] = sum(line.total_fen for line in lines)
    return render(
        request,
        "allowances/mine.html",
        {"cadre": cadre, "year": year, "months": months, "totals": totals},
    )
