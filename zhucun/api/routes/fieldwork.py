"""Work logs (第十条, 第十二条(四)) and household contacts (第二十条, 第二十一条)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scoped
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS, WRITE_ERRORS
from zhucun.api.idempotency import IdempotencyKey, idempotent
from zhucun.api.listing import ListFilters, Page, paginate
from zhucun.api.schemas import CadreRef, HouseholdRef
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households.models import Channel, Contact, ContactKind, Household
from zhucun.households.services import contact_record
from zhucun.worklogs.models import WorkLog
from zhucun.worklogs.services import log_save

router = Router(tags=["工作日志与联户"])
STATIONED = (Role.TEAM_LEADER, Role.MEMBER)
OFFICES = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT)


class WorkLogIn(Schema):
    day: date
    tasks: list[int] = Field(..., max_length=12, description="第十条(一)至(十二)的任务编号 1–12")
    content: str = Field(..., max_length=4000)
    off_site: bool = False
    household_ids: list[int] = Field([], max_length=200)
    projects: str = Field("", max_length=200)


class WorkLogOut(Schema):
    id: int
    cadre: CadreRef
    day: date
    tasks: list[int]
    content: str
    off_site: bool
    projects: str
    first_saved_at: datetime
    updated_at: datetime
    revisions: int


def log_out(entry: WorkLog) -> dict:
    return {
        "id": entry.pk,
        "cadre": {"id": entry.cadre_id, "name": entry.cadre.name},
        "day": entry.day,
        "tasks": list(entry.tasks),
        "content": entry.content,
        "off_site": entry.off_site,
        "projects": entry.projects,
        "first_saved_at": entry.first_saved_at,
        "updated_at": entry.updated_at,
        "revisions": entry.revisions,
    }


@router.post(
    "/worklogs",
    response={200: WorkLogOut, **WRITE_ERRORS},
    summary="写(或修改)某天的工作日志;不能写未来的日子,须在驻村任职期间",
)
@allow_api(*STATIONED)
@idempotent(WorkLogOut)
def worklog_save(request, payload: WorkLogIn, idempotency_key: IdempotencyKey = None):
    entry = log_save(
        actor=request.user,
        day=payload.day,
        tasks=payload.tasks,
        content=payload.content,
        off_site=payload.off_site,
        household_ids=payload.household_ids,
        projects=payload.projects,
    )
    return 200, log_out(WorkLog.objects.select_related("cadre").get(pk=entry.pk))


@router.get(
    "/worklogs", response={200: Page[WorkLogOut], **READ_ERRORS}, summary="工作日志(按期间、区划)"
)
@allow_api(*OFFICES, *STATIONED)
def worklog_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    rows = scoped(request.user, WorkLog.objects.all())
    if filters.region:
        # Through the cadre's assignments: a semi-join, so no log is listed twice.
        in_region = WorkLog.objects.filter(filters.region_q("cadre__assignments__team__village"))
        rows = rows.filter(pk__in=in_region.values("pk"))
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    rows = rows.select_related("cadre").order_by("-day", "pk")
    return paginate(rows, filters, log_out)


class ContactIn(Schema):
    household_id: int
    day: date
    kind: ContactKind = Field(..., description="inquiry 询问了解 / visit 入户帮扶")
    channel: Channel = Field(..., description="phone / in_person(询问);home(入户帮扶)")
    learned: str = Field(..., max_length=2000)
    problems: str = Field("", max_length=2000)
    help_given: str = Field("", max_length=2000)
    escalated: str = Field("", max_length=2000)


class ContactOut(Schema):
    id: int
    household: HouseholdRef
    cadre: CadreRef
    day: date
    kind: str
    channel: str
    learned: str
    problems: str
    help_given: str
    escalated: str


def contact_out(c: Contact) -> dict:
    return {
        "id": c.pk,
        "household": {
            "id": c.household_id,
            "code": c.household.code,
            "head_name": c.household.head_name,
        },
        "cadre": {"id": c.cadre_id, "name": c.cadre.name},
        "day": c.day,
        "kind": c.kind,
        "channel": c.channel,
        "learned": c.learned,
        "problems": c.problems,
        "help_given": c.help_given,
        "escalated": c.escalated,
    }


@router.post(
    "/contacts",
    response={201: ContactOut, **WRITE_ERRORS},
    summary="记录一次问询或入户帮扶(只能为本人的结对户,第二十条)",
)
@allow_api(Role.HOUSEHOLD_CADRE)
@idempotent(ContactOut)
def contact_create(request, payload: ContactIn, idempotency_key: IdempotencyKey = None):
    household = scoped(request.user, Household.objects.filter(pk=payload.household_id)).first()
    if household is None:
        raise ServiceError(ErrorCode.NOT_PAIRED, field="household_id", article="第二十条")
    contact = contact_record(
        actor=request.user,
        household=household,
        day=payload.day,
        kind=payload.kind,
        channel=payload.channel,
        learned=payload.learned,
        problems=payload.problems,
        help_given=payload.help_given,
        escalated=payload.escalated,
        today=timezone.localdate(),
    )
    return 201, contact_out(Contact.objects.select_related("household", "cadre").get(pk=contact.pk))


@router.get(
    "/contacts", response={200: Page[ContactOut], **READ_ERRORS}, summary="联户记录(按期间、区划)"
)
@allow_api(*OFFICES, Role.TEAM_LEADER, Role.HOUSEHOLD_CADRE)
def contact_list(request, filters: Query[ListFilters]):
    start, end = filters.period()
    rows = scoped(request.user, Contact.objects.all()).filter(
        filters.region_q("household__village")
    )
    if start:
        rows = rows.filter(day__gte=start)
    if end:
        rows = rows.filter(day__lte=end)
    rows = rows.select_related("household", "cadre").order_by("-day", "pk")
    return paginate(rows, filters, contact_out)
