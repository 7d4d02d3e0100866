"""Writes on work logs, 民情日记 and rectification notices: one transaction each, audited."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from zhucun import fixed_sql
from zhucun.accounts.scope import scope_for, scoped
from zhucun.assessment.stale import mark_cohorts_stale
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.households.models import Household
from zhucun.policy.worklogs import LATE, MISSING
from zhucun.stationing.models import Assignment
from zhucun.uploads import checked_upload
from zhucun.worklogs.models import (
    DiaryNote,
    Issuer,
    LogAttachment,
    LogRevision,
    NoticeStatus,
    RectificationNotice,
    WorkLog,
)
from zhucun.worklogs.tasks import Task


def _own_cadre(actor) -> int:
    cadre_id = scope_for(actor).cadre_id
    if cadre_id is None:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有驻村干部本人可以填写")
    return cadre_id


OUTSIDE_ASSIGNMENT = "日期:不在您的驻村任职期间"

# 第十条's task numbers (Task.values builds its list again on each read).
_TASKS = frozenset(Task.values)


def _assignments_on(cadre_id: int, day: date):
    return Assignment.objects.filter(cadre_id=cadre_id, start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gte=day)
    )


def _assignment_on(cadre_id: int, day: date) -> Assignment:
    assignment = _assignments_on(cadre_id, day).select_related("team").first()
    if assignment is None:
        raise ServiceError(ErrorCode.OUTSIDE_ASSIGNMENT, OUTSIDE_ASSIGNMENT, field="day")
    return assignment


_AMENDED = ("tasks", "content", "off_site", "projects", "updated_at", "revisions")


@lru_cache(maxsize=2)
def log_of_day_sql(lock: bool = True) -> str:
    """The cadre's log of a day, locked (`lock`), with the households it names (ids,
    comma-joined): one statement for what a log's save reads before it writes. Its
    parameters: the cadre's id and the day (the API reads it ahead unlocked,
    api/read_ahead.py)."""
    w, through = WorkLog, WorkLog.households.through
    field = WorkLog._meta.get_field("households")
    household, log_ = field.m2m_reverse_field_name(), field.m2m_field_name()
    household_col = fixed_sql.column(through, household)
    if connection.vendor == "postgresql":
        joined = f"string_agg(CAST(h.{household_col} AS TEXT), ',')"
    else:
        joined = f"group_concat(h.{household_col}, ',')"
    lock = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    return (
        f"SELECT {fixed_sql.columns(w, 'w')}, (SELECT {joined} FROM {fixed_sql.table(through)} h "
        f"WHERE h.{fixed_sql.column(through, log_)} = w.{fixed_sql.column(w, 'id')}) "
        f"FROM {fixed_sql.table(w)} w "
        f"WHERE w.{fixed_sql.column(w, 'cadre')} = %s AND w.{fixed_sql.column(w, 'day')} = %s{lock}"
    )


def log_of_day(rows) -> tuple[WorkLog | None, set[int]]:
    """The log and the ids of the households it names, from the rows of `log_of_day_sql`."""
    if not rows:
        return None, set()
    joined = rows[0][fixed_sql.width(WorkLog)]
    households = {int(h) for h in joined.split(",")} if joined else set()
    return fixed_sql.instance(WorkLog, rows[0]), households


def _log_locked(cadre_id: int, day: date) -> tuple[WorkLog | None, set[int]]:
    """`WorkLog.objects.select_for_update().filter(cadre_id=…, day=…).first()` (one at most:
    a unique constraint) and the ids of the households it names."""
    day_value = connection.ops.adapt_datefield_value(day)
    return log_of_day(fixed_sql.fetch(log_of_day_sql(), [cadre_id, day_value]))


def _set_households(entry: WorkLog, current: set[int], wanted: set[int]) -> None:
    """`entry.households.set(wanted)` for a log naming `current`: the rows of the link
    table that differ, and nothing more when none does (a log amended with the same
    households, the usual case)."""
    field = WorkLog._meta.get_field("households")
    through = field.remote_field.through
    log_column, household_column = field.m2m_field_name(), field.m2m_reverse_field_name()
    if current - wanted:
        through.objects.filter(
            **{log_column: entry.pk, f"{household_column}__in": current - wanted}
        ).delete()
    if wanted - current:
        through.objects.bulk_create(
            [
                through(**{f"{log_column}_id": entry.pk, f"{household_column}_id": h})
                for h in sorted(wanted - current)
            ]
        )


def log_save(
    *,
    actor,
    day: date | None,
    tasks,
    content: str,
    off_site: bool = False,
    household_ids=(),
    projects: str = "",
    now=None,
    found: tuple[WorkLog, set[int]] | None = None,
) -> WorkLog:
    """Write or amend the cadre's log of a day (第十条(十一), 第十二条(四), 第十六条).

    An amendment keeps every earlier version as a LogRevision, and the log's
    timeliness stays that of its first save.

    `found`: the log of `day` and its households, read before without a lock (by the
    API with its token, api/read_ahead.py): amended from it without reading it again.
    An amendment saved meanwhile took its revision number, and the revision's unique
    constraint refuses this one (IntegrityError): the caller runs the save again.
    """
    now = now or timezone.now()
    cadre_id = _own_cadre(actor)
    if day is None:
        raise ServiceError(ErrorCode.INVALID, "日期:必填,格式为YYYY-MM-DD", field="day")
    if day > timezone.localtime(now).date():
        raise ServiceError(ErrorCode.FUTURE_DATE, "日期:不能填写未来日期的日志", field="day")
    # Only whether the day is in an assignment matters here, not which one; for
    # the day the scope was read for (a phone's log of today), the scope holds it.
    scope = scope_for(actor)
    covered = day == scope.day and bool(scope.led_team_ids or scope.member_team_ids)
    if not covered and not _assignments_on(cadre_id, day).exists():
        raise ServiceError(ErrorCode.OUTSIDE_ASSIGNMENT, OUTSIDE_ASSIGNMENT, field="day")
    try:
        tasks = sorted({int(t) for t in tasks})
    except (TypeError, ValueError):
        raise ServiceError(
            ErrorCode.INVALID, "工作任务:请从第十条(一)至(十二)中选择", field="tasks"
        ) from None
    if not tasks or not set(tasks) <= _TASKS:
        raise ServiceError(
            ErrorCode.INVALID,
            "工作任务:至少选择一项第十条(一)至(十二)的任务",
            field="tasks",
            article="第十条",
        )
    content = (content or "").strip()
    if len(content) < 5:
        raise ServiceError(
            ErrorCode.INVALID,
            "工作内容:请详实记录当天工作(至少5个字)",
            field="content",
            article="第十二条(四)",
        )
    if len(content) > 4000:
        raise ServiceError(ErrorCode.INVALID, "工作内容:不能超过4000字", field="content")
    projects = (projects or "").strip()
    if len(projects) > 200:
        raise ServiceError(ErrorCode.INVALID, "涉及项目:不能超过200字", field="projects")
    wanted = {int(h) for h in household_ids if str(h).isdigit()}
    households = (
        list(scoped(actor, Household.objects.filter(pk__in=wanted)).values_list("pk", flat=True))
        if wanted
        else []
    )
    if len(households) != len(wanted):
        raise ServiceError(ErrorCode.NOT_FOUND, "涉及贫困户:含有您无权查看的户", field="households")
    # No savepoint when called inside a caller's transaction (the API's
    # exactly-once ledger): nothing here is caught and retried.
    # The statements below are written once per process (zhucun/fixed_sql.py): a
    # phone saves its log many times a day, and compiling them cost more than running them.
    with transaction.atomic(savepoint=False):
        if found is not None and found[0].cadre_id == cadre_id and found[0].day == day:
            entry, current = found
        else:
            entry, current = _log_locked(cadre_id, day)
        if entry is None:
            entry = fixed_sql.insert(
                WorkLog(
                    cadre_id=cadre_id,
                    day=day,
                    tasks=tasks,
                    content=content,
                    off_site=off_site,
                    projects=projects,
                    first_saved_at=now,
                    updated_at=now,
                    revisions=1,
                )
            )
            event = "worklog.create"
        else:
            entry.tasks, entry.content, entry.off_site, entry.projects = (
                tasks,
                content,
                off_site,
                projects,
            )
            entry.updated_at = now
            entry.revisions += 1
            # Nothing reads the row before the commit (the answer is `entry`): updated
            # with the audit record (in its statement on PostgreSQL) in the API's block.
            log.update_with_chain(entry, _AMENDED)
            event = "worklog.amend"
        _set_households(entry, current, set(households))
        # Nothing reads it before the commit: saved with the audit record (in its
        # statement on PostgreSQL) when called inside a chained_at_end() block (the API).
        log.save_with_chain(
            LogRevision(
                log=entry,
                number=entry.revisions,
                tasks=tasks,
                content=content,
                off_site=off_site,
                household_ids=sorted(households),
                projects=projects,
                saved_at=now,
                saved_by=actor,
            )
        )
        if day < timezone.localtime(now).date():
            # A back-dated log changes the timeliness the assessment lists read (第三十五条(五)).
            mark_cohorts_stale(day=day, cadres=[cadre_id])
        log.record(
            actor=actor,
            event=event,
            obj=entry,
            detail={"day": day.isoformat(), "revision": entry.revisions},
        )
    return entry


def diary_note_add(*, actor, day: date | None, content: str, household_id=None, today) -> DiaryNote:
    """A 民情日记 note (第十二条(四)) for the cadre's team."""
    cadre_id = _own_cadre(actor)
    if day is None:
        raise ServiceError(ErrorCode.INVALID, "日期:必填", field="day")
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "日期:不能填写未来日期", field="day")
    assignment = _assignment_on(cadre_id, day)
    content = (content or "").strip()
    if not content:
        raise ServiceError(ErrorCode.INVALID, "民情记录:必填", field="content")
    household = None
    if household_id:
        household = scoped(actor, Household.objects.filter(pk=household_id)).first()
        if household is None:
            raise ServiceError(ErrorCode.NOT_FOUND, "相关贫困户:无权查看该户", field="household")
    with transaction.atomic():
        note = DiaryNote.objects.create(
            cadre_id=cadre_id,
            team=assignment.team,
            day=day,
            household=household,
            content=content[:4000],
        )
        log.record(actor=actor, event="diary.add", obj=note, detail={"day": day.isoformat()})
    return note


def _issuer_of(actor, cadre_id: int, today: date) -> str:
    """第十二条 etc.: the town or the cadre's team leader issues notices; never oneself."""
    scope = scope_for(actor)
    if scope.cadre_id == cadre_id:
        raise ServiceError(ErrorCode.SELF_APPROVAL, "不能给自己下发整改通知")
    teams = Assignment.objects.filter(cadre_id=cadre_id, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)
    )
    if teams.filter(team_id__in=scope.led_team_ids).exists():
        return Issuer.TEAM_LEADER
    if teams.filter(team__village__town_id__in=scope.town_ids).exists():
        return Issuer.TOWN
    raise ServiceError(ErrorCode.FORBIDDEN, "只有所在镇(街办)或驻村工作队长可以下发日志整改通知")


def notice_issue(
    *, actor, cadre_id: int, log_days, reason: str, today: date
) -> RectificationNotice:
    """A rectification notice for late or missing logs; every day named must be one."""
    from zhucun.worklogs.timeliness import log_timeliness

    issuer = _issuer_of(actor, cadre_id, today)
    days = sorted(set(log_days))
    if not days:
        raise ServiceError(ErrorCode.INVALID, "涉及日志日期:至少选择一天", field="log_days")
    statuses = log_timeliness([cadre_id], days[0], days[-1], today=today)[cadre_id]
    wrong = [d for d in days if statuses.get(d) not in (LATE, MISSING)]
    if wrong:
        raise ServiceError(
            ErrorCode.INVALID,
            f"涉及日志日期:{'、'.join(d.isoformat() for d in wrong)}的日志并未迟报或缺报",
            field="log_days",
        )
    reason = (reason or "").strip() or "请按规定及时准确记录工作日志并补报"
    with transaction.atomic():
        notice = RectificationNotice.objects.create(
            cadre_id=cadre_id,
            issued_on=today,
            issuer=issuer,
            issued_by=actor,
            log_days=[d.isoformat() for d in days],
            reason=reason[:1000],
        )
        mark_cohorts_stale(year=today.year, cadres=[cadre_id])  # 第三十五条(五) reads notices
        log.record(
            actor=actor,
            event="worklog.notice.issue",
            obj=notice,
            detail={"cadre": cadre_id, "days": notice.log_days},
        )
    return notice


def notice_rectify(
    *, actor, notice: RectificationNotice, response: str, now=None
) -> RectificationNotice:
    """The cadre reports the rectification; missing logs must have been written first."""
    if scope_for(actor).cadre_id != notice.cadre_id:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有被通知的干部本人可以报告整改")
    written = set(
        WorkLog.objects.filter(cadre_id=notice.cadre_id, day__in=notice.log_days).values_list(
            "day", flat=True
        )
    )
    missing = [d for d in notice.log_days if date.fromisoformat(d) not in written]
    if missing:
        raise ServiceError(
            ErrorCode.INVALID, f"请先补写{'、'.join(missing)}的工作日志", field="response"
        )
    return _close(actor, notice, NoticeStatus.RECTIFIED, response or "已补报", now)


def notice_refuse(
    *, actor, notice: RectificationNotice, response: str, now=None
) -> RectificationNotice:
    """The issuer records that the cadre refused to rectify (第三十五条(五))."""
    issuer = _issuer_of(actor, notice.cadre_id, notice.issued_on)
    del issuer  # any town or team leader of the cadre may record it, not only the first issuer
    response = (response or "").strip()
    if not response:
        raise ServiceError(
            ErrorCode.INVALID, "拒绝说明:必填,请写明拒绝整改的情况", field="response"
        )
    return _close(actor, notice, NoticeStatus.REFUSED, response, now)


def _close(actor, notice, status, response, now):
    with transaction.atomic():
        updated = RectificationNotice.objects.filter(pk=notice.pk, status=NoticeStatus.OPEN).update(
            status=status,
            response=response[:1000],
            closed_at=now or timezone.now(),
            closed_by=actor,
        )
        if not updated:
            raise ServiceError(ErrorCode.ALREADY_DECIDED, "该通知已办结,不能再更改")
        notice.refresh_from_db()
        mark_cohorts_stale(year=notice.issued_on.year, cadres=[notice.cadre_id])
        log.record(
            actor=actor,
            event=f"worklog.notice.{status}",
            obj=notice,
            detail={"cadre": notice.cadre_id},
        )
    return notice


MAX_ATTACHMENTS = 10


def log_attachment_add(
    *, actor, work_log: WorkLog, upload, address: str | None = None
) -> LogAttachment:
    """Keep a scan or photo with one's own log; the file is checked by zhucun/uploads.py.

    Refusals use the upload rules' own Chinese messages (size, type read from the
    content, extension), as a page's UploadField shows them, under BAD_UPLOAD.
    """
    if scope_for(actor).cadre_id != work_log.cadre_id:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有日志本人可以添加附件。")
    kind = checked_upload(upload, field="file", missing="请选择要上传的文件。")
    with transaction.atomic():
        # The log row's lock makes the count below hold under concurrent uploads.
        locked = WorkLog.objects.select_for_update().get(pk=work_log.pk)
        if locked.attachments.count() >= MAX_ATTACHMENTS:
            raise ServiceError(
                ErrorCode.INVALID, f"每篇日志最多{MAX_ATTACHMENTS}个附件。", field="file"
            )
        attachment = LogAttachment(
            log=locked,
            kind=kind,
            name=(upload.name or "附件").replace("\\", "/").rsplit("/", 1)[-1][-200:],
            size=upload.size,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        attachment.file.save(upload.name or "附件", upload, save=False)
        attachment.save()
        log.record(
            actor=actor,
            event="worklog.attachment_add",
            obj=attachment,
            address=address,
            detail={"log": locked.pk, "kind": kind, "size": upload.size},
        )
    return attachment
