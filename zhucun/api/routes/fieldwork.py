"""Work logs (第十条, 第十二条(四)) and household contacts (第二十条, 第二十一条)."""

from datetime import date, datetime

from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Query, Router
from ninja.files import UploadedFile

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scoped
from zhucun.api import read_ahead
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS, WRITE_ERRORS
from zhucun.api.idempotency import IdempotencyKey, idempotent
from zhucun.api.listing import ListFilters, Page, paginate
from zhucun.api.schemas import CadreRef, HouseholdRef, Record
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households.models import Channel, Contact, ContactKind, Household
from zhucun.households.services import contact_record
from zhucun.uploads import CONTENT_TYPES, attachment_response
from zhucun.worklogs.models import LogAttachment, WorkLog
from zhucun.worklogs.services import log_attachment_add, log_of_day, log_of_day_sql, log_save

router = Router(tags=["工作日志与联户"])
STATIONED = (Role.TEAM_LEADER, Role.MEMBER)
OFFICES = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT)


class WorkLogIn(Record):
    day: date
    tasks: list[int] = Field(..., max_length=12, description="第十条(一)至(十二)的任务编号 1–12")
    content: str = Field(..., max_length=4000)
    off_site: bool = False
    household_ids: list[int] = Field([], max_length=200)
    projects: str = Field("", max_length=200)


class WorkLogOut(Record):
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
@allow_api(*STATIONED, read_ahead=lambda: log_of_day_sql(lock=False))
@idempotent(WorkLogOut)
def worklog_save(request, payload: WorkLogIn, idempotency_key: IdempotencyKey = None):
    # Today's log, read with the token: amended without reading it again.
    ahead = read_ahead.take(request, payload.day)
    entry = log_save(
        actor=request.user,
        day=payload.day,
        tasks=payload.tasks,
        content=payload.content,
        off_site=payload.off_site,
        household_ids=payload.household_ids,
        projects=payload.projects,
        found=log_of_day(ahead) if ahead else None,
    )
    # The log is the caller's own (log_save writes only the caller's): its cadre
    # is the one the request already loaded, no need to read the log again.
    entry.cadre = request.user.cadre
    return 200, log_out(entry)


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


class AttachmentOut(Record):
    id: int
    log_id: int
    kind: str
    kind_label: str
    name: str
    size: int
    uploaded_at: datetime


def attachment_out(a: LogAttachment) -> dict:
    return {
        "id": a.pk,
        "log_id": a.log_id,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "name": a.name,
        "size": a.size,
        "uploaded_at": a.uploaded_at,
    }


def _scoped_log(request, log_id: int) -> WorkLog:
    entry = scoped(request.user, WorkLog.objects.filter(pk=log_id)).first()
    if entry is None:
        raise Http404
    return entry


@router.post(
    "/worklogs/{log_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="为本人的日志上传附件(会议签到表、现场照片等):PDF、JPG、PNG 或 .xlsx",
    description=(
        "multipart/form-data,文件字段 file。类型按文件内容识别;"
        "过大、类型不符或扩展名与内容不符答 422(code=bad_upload,field=file),"
        "提示与页面上传时相同。"
    ),
)
@allow_api(*STATIONED)
@idempotent(AttachmentOut)
def attachment_create(
    request,
    log_id: int,
    file: File[UploadedFile] = None,
    idempotency_key: IdempotencyKey = None,
):
    attachment = log_attachment_add(
        actor=request.user,
        work_log=_scoped_log(request, log_id),
        upload=file,
        address=request.META.get("REMOTE_ADDR"),
    )
    return 201, attachment_out(attachment)


@router.get(
    "/worklogs/{log_id}/attachments",
    response={200: list[AttachmentOut], **READ_ERRORS},
    summary="日志的附件",
)
@allow_api(*OFFICES, *STATIONED)
def attachment_list(request, log_id: int):
    entry = _scoped_log(request, log_id)
    return [attachment_out(a) for a in entry.attachments.all()]


@router.get(
    "/worklogs/{log_id}/attachments/{attachment_id}",
    response={**READ_ERRORS},
    summary="下载日志附件(只作为下载,不在浏览器中打开)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "附件文件",
                "content": {t: {} for t in CONTENT_TYPES.values()},
            }
        }
    },
)
@allow_api(*OFFICES, *STATIONED)
def attachment_download(request, log_id: int, attachment_id: int):
    entry = _scoped_log(request, log_id)
    attachment = entry.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment.file, download_name=attachment.name)


class ContactIn(Record):
    household_id: int
    day: date
    kind: ContactKind = Field(..., description="inquiry 询问了解 / visit 入户帮扶")
    channel: Channel = Field(..., description="phone / in_person(询问);home(入户帮扶)")
    learned: str = Field(..., max_length=2000)
    problems: str = Field("", max_length=2000)
    help_given: str = Field("", max_length=2000)
    escalated: str = Field("", max_length=2000)


class ContactOut(Record):
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
