"""Check-ins, official business and the month calendar (第十六条, 第三十五条)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router

from zhucun import fixed_sql
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.api import read_ahead
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS, WRITE_ERRORS
from zhucun.api.idempotency import IdempotencyKey, idempotent
from zhucun.api.listing import ListFilters, Page, paginate
from zhucun.api.schemas import CadreRef, Record
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Cadre
from zhucun.stationing import services
from zhucun.stationing.attendance import cadre_months
from zhucun.stationing.calendar_views import MANAGERS
from zhucun.stationing.models import CheckIn, OfficialBusiness, OfficialKind

router = Router(tags=["在村签到与日历"])
STATIONED = (Role.TEAM_LEADER, Role.MEMBER)
VIEWERS = (*MANAGERS, Role.MEMBER)


def own_cadre(request) -> Cadre:
    cadre = getattr(request.user, "cadre", None)
    if cadre is None:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有驻村干部本人可以填报。")
    return cadre


def address(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class CheckInIn(Record):
    recorded_at: datetime | None = Field(
        None,
        description="手机记录签到的时间(离线签到联网后补传时填写);不填即为现在",
    )
    latitude: float | None = Field(None, ge=-90, le=90, description="纬度(可不填)")
    longitude: float | None = Field(None, ge=-180, le=180, description="经度(可不填)")


class CheckInOut(Record):
    id: int
    cadre: CadreRef
    day: date
    at: datetime
    backfilled: bool
    reason: str
    has_location: bool


def check_in_out(c: CheckIn) -> dict:
    return {
        "id": c.pk,
        "cadre": {"id": c.cadre_id, "name": c.cadre.name},
        "day": c.day,
        "at": c.at,
        "backfilled": c.backfilled,
        "reason": c.reason,
        "has_location": c.latitude is not None,
    }


@router.post(
    "/checkins",
    response={201: CheckInOut, 200: CheckInOut, **WRITE_ERRORS},
    summary="在村签到(一次点击;当天重复签到不会重复记录)",
    description=(
        "当天签到以服务器时间为准。手机离线时记下的签到在之后联网补传时,"
        "按手机记录的日期登记为补签并注明是离线补传,供审核时辨别。"
    ),
)
@allow_api(*STATIONED, read_ahead=services.check_in_of_day_sql)
@idempotent(CheckInOut)
def check_in_create(request, payload: CheckInIn, idempotency_key: IdempotencyKey = None):
    cadre = own_cadre(request)
    today = timezone.localdate()
    day = timezone.localdate(payload.recorded_at) if payload.recorded_at else today
    if payload.recorded_at and timezone.is_naive(payload.recorded_at):
        raise ServiceError(ErrorCode.INVALID, "签到时间须带时区。", field="recorded_at")
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, field="recorded_at", article="第十六条")
    if day == today:
        ahead = read_ahead.take(request, today)
        record, created = services.check_in(
            user=request.user,
            cadre=cadre,
            latitude=payload.latitude,
            longitude=payload.longitude,
            address=address(request),
            found=fixed_sql.instance(CheckIn, ahead[0]) if ahead else None,
        )
        return (201 if created else 200), check_in_out(record)
    recorded = timezone.localtime(payload.recorded_at)
    record = services.check_in_backfill(
        user=request.user,
        cadre=cadre,
        day=day,
        reason=f"离线签到,手机记录时间{recorded:%Y-%m-%d %H:%M},联网后补传",
        address=address(request),
    )
    return 201, check_in_out(record)


@router.get(
    "/checkins",
    response={200: Page[CheckInOut], **READ_ERRORS},
    summary="签到记录(按期间、区划筛选)",
)
@allow_api(*VIEWERS)
def check_in_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    rows = scoped(request.user, CheckIn.objects.all()).filter(
        filters.region_q("assignment__team__village")
    )
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    rows = rows.select_related("cadre").order_by("-day", "pk")
    return paginate(rows, filters, check_in_out)


class OfficialIn(Record):
    kind: OfficialKind = Field(..., description="trip 因公出差 / meeting 开会 / training 培训")
    start: date
    end: date
    what: str = Field(..., max_length=200)
    where: str = Field(..., max_length=100)


class OfficialOut(Record):
    id: int
    cadre: CadreRef
    kind: str
    kind_label: str
    start: date
    end: date
    days: int
    what: str
    where: str


def official_out(o: OfficialBusiness) -> dict:
    return {
        "id": o.pk,
        "cadre": {"id": o.cadre_id, "name": o.cadre.name},
        "kind": o.kind,
        "kind_label": o.get_kind_display(),
        "start": o.start,
        "end": o.end,
        "days": o.days,
        "what": o.what,
        "where": o.where,
    }


@router.post(
    "/official-business",
    response={201: OfficialOut, **WRITE_ERRORS},
    summary="登记因公外出(出差、开会、培训计为驻村天数,第十六条)",
)
@allow_api(*STATIONED)
@idempotent(OfficialOut)
def official_create(request, payload: OfficialIn, idempotency_key: IdempotencyKey = None):
    record = services.official_business_record(
        user=request.user,
        cadre=own_cadre(request),
        kind=payload.kind,
        start=payload.start,
        end=payload.end,
        what=payload.what,
        where=payload.where,
        address=address(request),
    )
    return 201, official_out(record)


@router.get(
    "/official-business",
    response={200: Page[OfficialOut], **READ_ERRORS},
    summary="因公外出记录(期间内有交集的)",
)
@allow_api(*VIEWERS)
def official_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    rows = scoped(request.user, OfficialBusiness.objects.all()).filter(
        filters.region_q("assignment__team__village")
    )
    if end:
        rows = rows.filter(start__lte=end)
    if start:
        rows = rows.filter(end__gte=start)
    rows = rows.select_related("cadre").order_by("-start", "pk")
    return paginate(rows, filters, official_out)


class DayOut(Record):
    day: date
    status: str = Field(
        ..., description="stationed/official/leave/rest/absent/unknown;空为不在任职期"
    )
    label: str


class CheckOut(Record):
    rule: str
    article: str
    period: str
    passed: bool | None
    severity: str
    message: str
    evidence: list[list[str]]


class CalendarOut(Record):
    cadre: CadreRef
    month: str
    days: list[DayOut]
    month_stationed: int
    month_absent: int
    year_stationed: int
    unjustified_total: int
    checks: list[CheckOut]


class MonthQuery(Record):
    month: str | None = Field(
        None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM,默认本月"
    )


def month_bounds(month: str | None) -> tuple[date, date]:
    from zhucun.policy.periods import month_end

    if month:
        first = date(int(month[:4]), int(month[5:7]), 1)
        if not date(2017, 1, 1) <= first <= date(2100, 12, 1):
            raise ServiceError(ErrorCode.INVALID, "月份超出范围(2017–2100)。", field="month")
    else:
        first = timezone.localdate().replace(day=1)
    return first, month_end(first)


@router.get(
    "/cadres/{cadre_id}/calendar",
    response={200: CalendarOut, **READ_ERRORS},
    summary="干部一个月的日历:每天的状态,以及全年考勤检查的依据(第十六条、第三十五条)",
)
@allow_api(*VIEWERS)
def cadre_calendar(request, cadre_id: int, query: Query[MonthQuery]):
    # Team mates see each other's month, as on the page: the data scope decides.
    cadre = get_scoped_or_404(request.user, Cadre, cadre_id)
    first, last = month_bounds(query.month)
    (month,) = cadre_months([cadre], first, last, today=timezone.localdate())
    return {
        "cadre": {"id": cadre.pk, "name": cadre.name},
        "month": f"{first:%Y-%m}",
        "days": [{"day": c.day, "status": c.status, "label": c.label} for c in month.days],
        "month_stationed": month.month_stationed,
        "month_absent": month.month_absent,
        "year_stationed": month.year_stationed,
        "unjustified_total": month.unjustified_total,
        "checks": [
            {
                "rule": s.check.rule,
                "article": s.check.article,
                "period": s.check.period,
                "passed": s.check.passed,
                "severity": str(s.check.severity),
                "message": s.check.message,
                "evidence": [list(line) for line in s.lines],
            }
            for s in month.checks
        ],
    }
