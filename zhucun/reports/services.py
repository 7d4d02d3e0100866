"""Writes: a team leader confirms a report; the county records a team-leader meeting."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhucun.accounts.scope import scope_for
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.reports.draft import draft_for
from zhucun.reports.models import LeaderMeeting, TeamReport
from zhucun.reports.periods import Period
from zhucun.stationing.models import LEADER_ROLES, Assignment

TEXT_LIMITS = {"work_done": 8000, "problems": 4000, "next_plan": 4000}
TEXT_LABELS = {"work_done": "工作开展情况", "problems": "存在问题", "next_plan": "下步工作安排"}


def report_submit(
    *, actor, team, period: Period, work_done: str, problems: str, next_plan: str, now=None
) -> TeamReport:
    """The team leader confirms the pre-filled draft, amended or not (第十一条(一), 第十五、十九条).

    The recorded figures are recomputed at submission and frozen with the
    report; a submitted report is read-only.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if team.pk not in scope_for(actor).led_team_ids:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有本队队长可以提交工作队报告")
    if period.end > today:
        raise ServiceError(
            ErrorCode.FUTURE_DATE, f"报告期间:{period.label}尚未结束,不能提交", field="period"
        )
    texts = {"work_done": work_done, "problems": problems, "next_plan": next_plan}
    for name, text in texts.items():
        if len(text) > TEXT_LIMITS[name]:
            raise ServiceError(
                ErrorCode.INVALID,
                f"{TEXT_LABELS[name]}:不能超过{TEXT_LIMITS[name]}字",
                field=name,
            )
    if not work_done.strip():
        raise ServiceError(ErrorCode.INVALID, "工作开展情况:不能为空", field="work_done")
    draft = draft_for(actor, team, period, today=today)
    try:
        with transaction.atomic():
            report = TeamReport.objects.create(
                team=team,
                kind=period.kind,
                period_start=period.start,
                period_end=period.end,
                due_on=period.due,
                work_done=work_done.strip(),
                problems=problems.strip(),
                next_plan=next_plan.strip(),
                facts=draft.facts,
                submitted_at=now,
                submitted_by=actor,
            )
            log.record(
                actor=actor,
                event="reports.report_submit",
                obj=report,
                detail={"kind": period.kind, "period": period.start.isoformat()},
            )
    except IntegrityError:
        raise ServiceError(
            ErrorCode.CONFLICT, f"{period.label}的报告已提交,不能重复提交", field="period"
        ) from None
    return report


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def leaders_in_quarter(county_ids, year: int, quarter: int):
    """Team leaders in post at any time in the quarter, in the given counties."""
    start, end = quarter_bounds(year, quarter)
    return (
        Assignment.objects.filter(
            team__village__county_id__in=county_ids, role__in=LEADER_ROLES, start__lte=end
        )
        .exclude(end__lt=start)
        .select_related("cadre", "team")
        .order_by("team__village__code", "start")
    )


def meeting_record(
    *, actor, county, year: int, quarter: int, held_on, minutes: str, attendee_ids
) -> LeaderMeeting:
    """The county records its quarterly team-leader meeting (第十五条)."""
    if county.pk not in scope_for(actor).county_ids:
        raise ServiceError(ErrorCode.FORBIDDEN, "只有本区县驻村工作领导小组可以登记队长会议")
    if quarter not in (1, 2, 3, 4):
        raise ServiceError(ErrorCode.INVALID, "季度:应为1至4", field="quarter")
    start, end = quarter_bounds(year, quarter)
    if held_on is None:
        raise ServiceError(ErrorCode.INVALID, "召开日期:请填写有效日期", field="held_on")
    if not start <= held_on <= end:
        raise ServiceError(
            ErrorCode.INVALID,
            f"召开日期:应在{year}年第{quarter}季度内({start}至{end})",
            field="held_on",
        )
    if held_on > timezone.localdate():
        raise ServiceError(
            ErrorCode.FUTURE_DATE, "召开日期:不能登记尚未召开的会议", field="held_on"
        )
    if not minutes.strip():
        raise ServiceError(ErrorCode.INVALID, "会议纪要:不能为空", field="minutes")
    if len(minutes) > 8000:
        raise ServiceError(ErrorCode.INVALID, "会议纪要:不能超过8000字", field="minutes")
    eligible = set(
        leaders_in_quarter([county.pk], year, quarter).values_list("cadre_id", flat=True)
    )
    chosen = {int(i) for i in attendee_ids if str(i).isdigit()}
    if chosen - eligible:
        raise ServiceError(
            ErrorCode.INVALID, "参会队长:只能选择本县该季度在任的工作队队长", field="attendees"
        )
    try:
        with transaction.atomic():
            meeting = LeaderMeeting.objects.create(
                county=county,
                year=year,
                quarter=quarter,
                held_on=held_on,
                minutes=minutes.strip(),
                recorded_by=actor,
            )
            meeting.attendees.set(chosen)
            log.record(
                actor=actor,
                event="reports.meeting_record",
                obj=meeting,
                detail={"year": year, "quarter": quarter, "attendees": len(chosen)},
            )
    except IntegrityError:
        raise ServiceError(
            ErrorCode.CONFLICT, f"{year}年第{quarter}季度的队长会议已登记", field="quarter"
        ) from None
    return meeting
