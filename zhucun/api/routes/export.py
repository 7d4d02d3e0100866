"""Bulk export of one county for one period, as JSON lines (for provincial platforms).

The first line describes the export; then one line per record, each
`{"kind": ..., "data": {...}}` with `data` shaped exactly as the API's
single-record answers. Rows stream from the database in chunks, so a
county's year never sits in memory at once.
"""

from datetime import date, timedelta
from typing import Annotated, Literal

from django.db.models import Prefetch, Q
from django.utils import timezone
from ninja import Field, Query, Router
from ninja.streaming import JSONL

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for, scoped
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.listing import overlapping
from zhucun.api.routes.attendance import CheckInOut, OfficialOut, check_in_out, official_out
from zhucun.api.routes.fieldwork import ContactOut, WorkLogOut, contact_out, log_out
from zhucun.api.routes.leave import LeaveOut, leave_out
from zhucun.api.schemas import (
    AssignmentOut,
    CadreOut,
    HouseholdOut,
    PairingOut,
    Record,
    TeamOut,
    assignment_out,
    cadre_out,
    household_out,
    pairing_out,
    team_out,
)
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households.models import Contact, Household, Pairing
from zhucun.org.models import Cadre, Level, Region
from zhucun.stationing.models import Assignment, CheckIn, Leave, OfficialBusiness, Team
from zhucun.worklogs.models import WorkLog

router = Router(tags=["数据交换"])
MAX_DAYS = 366
CHUNK = 2000


class ExportQuery(Record):
    county: str = Field(..., pattern=r"^\d{12}$", description="区县的统计用区划代码(12位)")
    period_start: date = Field(..., description="期间起(含)")
    period_end: date = Field(..., description="期间止(含),期间最长366天")


class ExportHeader(Record):
    county_code: str
    county_name: str
    period_start: date
    period_end: date
    generated_at: str
    generated_by: str


class HeaderLine(Record):
    kind: Literal["export"]
    data: ExportHeader


class TeamLine(Record):
    kind: Literal["team"]
    data: TeamOut


class AssignmentLine(Record):
    kind: Literal["assignment"]
    team_id: int
    data: AssignmentOut


class CadreLine(Record):
    kind: Literal["cadre"]
    data: CadreOut


class HouseholdLine(Record):
    kind: Literal["household"]
    data: HouseholdOut


class PairingLine(Record):
    kind: Literal["pairing"]
    data: PairingOut


class CheckInLine(Record):
    kind: Literal["checkin"]
    data: CheckInOut


class OfficialLine(Record):
    kind: Literal["official_business"]
    data: OfficialOut


class LeaveLine(Record):
    kind: Literal["leave"]
    data: LeaveOut


class WorkLogLine(Record):
    kind: Literal["worklog"]
    data: WorkLogOut


class ContactLine(Record):
    kind: Literal["contact"]
    data: ContactOut


ExportLine = Annotated[
    HeaderLine
    | TeamLine
    | AssignmentLine
    | CadreLine
    | HouseholdLine
    | PairingLine
    | CheckInLine
    | OfficialLine
    | LeaveLine
    | WorkLogLine
    | ContactLine,
    Field(discriminator="kind"),
]


def _county(user, code: str) -> Region:
    county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    scope = scope_for(user)
    visible = county is not None and (
        scope.everything or county.pk in scope.county_ids or county.city_id in scope.city_ids
    )
    if not visible:
        raise ServiceError(
            ErrorCode.NOT_FOUND, "区县代码不存在或不在您的管辖范围内。", field="county"
        )
    return county


def _lines(user, county: Region, start: date, end: date):
    yield {
        "kind": "export",
        "data": {
            "county_code": county.code,
            "county_name": county.name,
            "period_start": start,
            "period_end": end,
            "generated_at": timezone.now().isoformat(),
            "generated_by": user.username,
        },
    }
    teams = (
        scoped(user, Team.objects.filter(village__county=county))
        .filter(overlapping("formed_on", "withdrawn_on", start, end))
        .select_related("village__town", "village__county", "lead_unit")
        .order_by("pk")
    )
    for team in teams.iterator(chunk_size=CHUNK):
        yield {"kind": "team", "data": team_out(team)}
    assignments = (
        scoped(user, Assignment.objects.filter(team__village__county=county))
        .filter(overlapping("start", "end", start, end))
        .select_related("cadre")
        .order_by("team_id", "start", "pk")
    )
    for a in assignments.iterator(chunk_size=CHUNK):
        yield {"kind": "assignment", "team_id": a.team_id, "data": assignment_out(a)}
    posted = Assignment.objects.filter(team__village__county=county).filter(
        overlapping("start", "end", start, end)
    )
    paired = Pairing.objects.filter(household__village__county=county).filter(
        overlapping("start", "end", start, end)
    )
    cadres = (
        scoped(user, Cadre.objects.all())
        .filter(Q(pk__in=posted.values("cadre_id")) | Q(pk__in=paired.values("cadre_id")))
        .select_related("unit")
        .order_by("pk")
    )
    for cadre in cadres.iterator(chunk_size=CHUNK):
        yield {"kind": "cadre", "data": cadre_out(cadre)}
    households = (
        scoped(user, Household.objects.filter(village__county=county))
        .select_related("village")
        .prefetch_related(
            Prefetch(
                "pairings",
                queryset=Pairing.objects.filter(end__isnull=True).select_related("cadre"),
                to_attr="active_pairings",
            )
        )
        .order_by("pk")
    )
    for h in households.iterator(chunk_size=CHUNK):
        active = h.active_pairings
        yield {"kind": "household", "data": household_out(h, active[0].cadre if active else None)}
    pairings = (
        scoped(user, paired).select_related("household", "cadre").order_by("household_id", "pk")
    )
    for p in pairings.iterator(chunk_size=CHUNK):
        yield {"kind": "pairing", "data": pairing_out(p)}
    yield from _events(user, county, start, end)


def _events(user, county: Region, start: date, end: date):
    """What happened in the period: every record the calendar and the record book are made of."""
    at_county = {"assignment__team__village__county": county}
    sections = (
        (
            "checkin",
            CheckIn.objects.filter(**at_county, day__range=(start, end)).select_related("cadre"),
            check_in_out,
        ),
        (
            "official_business",
            OfficialBusiness.objects.filter(
                **at_county, start__lte=end, end__gte=start
            ).select_related("cadre"),
            official_out,
        ),
        (
            "leave",
            Leave.objects.filter(**at_county, start__lte=end, end__gte=start)
            .select_related("cadre", "approval")
            .prefetch_related("approval__steps"),
            leave_out,
        ),
        (
            "worklog",
            WorkLog.objects.filter(
                cadre__in=Assignment.objects.filter(team__village__county=county).values(
                    "cadre_id"
                ),
                day__range=(start, end),
            ).select_related("cadre"),
            log_out,
        ),
        (
            "contact",
            Contact.objects.filter(
                household__village__county=county, day__range=(start, end)
            ).select_related("household", "cadre"),
            contact_out,
        ),
    )
    for kind, rows, serialize in sections:
        for row in scoped(user, rows).order_by("pk").iterator(chunk_size=CHUNK):
            yield {"kind": kind, "data": serialize(row)}


_ERRORS = {
    str(status): {
        "description": "拒绝",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    for status in READ_ERRORS
}


@router.get(
    "/export",
    response=JSONL[ExportLine],
    summary="区县一个期间的全部数据,JSON Lines(每行一条记录)",
    openapi_extra={"responses": _ERRORS},
)
@allow_api(Role.COUNTY, Role.CITY)
def export_county(request, query: Query[ExportQuery]):
    # Checked before the first byte goes out: a refusal is still a proper 4xx.
    if query.period_end < query.period_start:
        raise ServiceError(ErrorCode.INVALID, "期间止不能早于期间起。", field="period_end")
    if query.period_end - query.period_start > timedelta(days=MAX_DAYS - 1):
        raise ServiceError(
            ErrorCode.INVALID, f"一次最多导出{MAX_DAYS}天,请分段导出。", field="period_end"
        )
    county = _county(request.user, query.county)
    return _lines(request.user, county, query.period_start, query.period_end)
