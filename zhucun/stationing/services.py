"""Writes of stationing: leave (请销假), check-ins, official business, duty roster, teams.

Each function takes keyword arguments, runs in one transaction, writes its
audit record inside it and raises ServiceError (with the field and the
article) for anything the 细则 or the system refuses; nothing is half-saved.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from zhucun import fixed_sql
from zhucun.accounts.scope import scope_for
from zhucun.approvals.models import Action, ApproverKind, RequestState
from zhucun.approvals.services import StepSpec, attach_subject, on_final, request_open
from zhucun.assessment.stale import mark_cohorts_stale
from zhucun.audit import log
from zhucun.dashboards.stale import mark_boards_stale
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Cadre
from zhucun.policy.leave import leave_route
from zhucun.policy.periods import month_end
from zhucun.rulebook.book import book_for
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.models import (
    LEADER_ROLES,
    NON_COUNTED_ROLES,
    Assignment,
    CheckIn,
    DutyDay,
    Leave,
    OfficialBusiness,
    OfficialKind,
    Team,
)

LEAVE_ARTICLE = "第十六条"
# The states of a leave request that hold the dates (a rejected or withdrawn one frees them).
LIVE_LEAVE_STATES = (RequestState.PENDING, RequestState.APPROVED)


def _boards_stale(day: date, assignment_id: int) -> None:
    """The boards reading `day` of this assignment's county are out of date (a back-dated write)."""
    county = Assignment.objects.filter(pk=assignment_id).values("team__village__county_id")
    mark_boards_stale(day=day, counties=county)
    # and so are the stored assessment lists of the years reading the day (the cadre's counties)
    cadre = Assignment.objects.filter(pk=assignment_id).values("cadre_id")
    mark_cohorts_stale(day=day, cadres=cadre)


@on_final("leave")
def _leave_decided(request, actor) -> None:
    """An approved leave changes the stationed days of its dates, maybe already past."""
    if request.state == RequestState.APPROVED:
        leave = Leave.objects.only("start", "assignment_id").get(approval=request)
        _boards_stale(leave.start, leave.assignment_id)


def _own_cadre(user, cadre: Cadre) -> None:
    if cadre.user_id is None or cadre.user_id != user.pk:
        raise ServiceError(ErrorCode.FORBIDDEN, "只能为本人办理。")


def _lock_cadre(cadre: Cadre) -> Cadre:
    """Serialise writes about one cadre (two leave requests at once cannot both pass the overlap check)."""
    return Cadre.objects.select_for_update().get(pk=cadre.pk)


def assignment_covering(cadre: Cadre, start: date, end: date) -> Assignment | None:
    return (
        Assignment.objects.filter(cadre=cadre, start__lte=start)
        .filter(Q(end__isnull=True) | Q(end__gte=end))
        .select_related("team__village__town", "team__village__county")
        .order_by("-start")
        .first()
    )


def _leave_steps(assignment: Assignment, route) -> list[StepSpec]:
    village = assignment.team.village
    bodies = {
        "team_leader": (ApproverKind.TEAM_LEADER, assignment.team),
        "town": (ApproverKind.TOWN, village.town),
        "county": (ApproverKind.COUNTY, village.county),
    }
    return [
        StepSpec(bodies[s.approver][0], Action(s.action), bodies[s.approver][1])
        for s in route.steps
    ]


def leave_request_submit(
    *,
    user,
    cadre: Cadre,
    start: date,
    end: date,
    reason: str,
    today: date | None = None,
    address: str | None = None,
) -> Leave:
    """Request leave; the route follows from the role and the calendar days (第十六条)."""
    today = today or timezone.localdate()
    _own_cadre(user, cadre)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(ErrorCode.INVALID, "请填写请假事由。", field="reason")
    if len(reason) > 300:
        raise ServiceError(ErrorCode.INVALID, "请假事由不能超过300字。", field="reason")
    if end < start:
        raise ServiceError(
            ErrorCode.INVALID,
            "返村前最后一天不能早于离村日期。",
            field="end",
            article=LEAVE_ARTICLE,
        )
    if start < today:
        raise ServiceError(
            ErrorCode.INVALID,
            "请假须在离村前申请,离村日期不能早于今天(第十六条 请销假)。",
            field="start",
            article=LEAVE_ARTICLE,
        )
    assignment = assignment_covering(cadre, start, end)
    if assignment is None:
        raise ServiceError(
            ErrorCode.OUTSIDE_ASSIGNMENT, "请假日期须在您的驻村任职期间内。", field="start"
        )
    role = "leader" if assignment.role in LEADER_ROLES else "member"
    route = leave_route(
        role=role, start=start, end=end, params=book_for(assignment.team.village.county).on(start)
    )
    with transaction.atomic():
        _lock_cadre(cadre)
        clash = (
            Leave.objects.filter(
                cadre=cadre,
                approval__state__in=LIVE_LEAVE_STATES,
                start__lte=end,
                end__gte=start,
            )
            .order_by("start")
            .first()
        )
        if clash is not None:
            raise ServiceError(
                ErrorCode.OVERLAP,
                f"与已有请假({clash.start}至{clash.end},{clash.approval.get_state_display()})"
                "时间重叠。",
                field="start",
            )
        approval = request_open(
            kind="leave",
            title=f"{cadre.name}请假{route.days}天({start:%m月%d日}至{end:%m月%d日})",
            summary=f"事由:{reason}",
            requester=user,
            cadre=cadre,
            team=assignment.team,
            route=_leave_steps(assignment, route),
            article=route.article,
            explanation=route.explanation,
            copy_units=[cadre.unit],
            address=address,
        )
        leave = Leave.objects.create(
            cadre=cadre,
            assignment=assignment,
            start=start,
            end=end,
            reason=reason,
            approval=approval,
            created_at=timezone.now(),
        )
        attach_subject(approval, leave)
        log.record(
            actor=user,
            event="leave.request",
            obj=leave,
            address=address,
            detail={"start": str(start), "end": str(end), "days": route.days, "role": role},
        )
    return leave


def leave_report_back(
    *, user, leave: Leave, returned_on: date, today: date | None = None, address=None
) -> Leave:
    """销假: the cadre records the day they were back in the village."""
    today = today or timezone.localdate()
    _own_cadre(user, leave.cadre)
    leave = Leave.objects.select_related("approval").get(pk=leave.pk)
    if leave.approval.state != RequestState.APPROVED:
        raise ServiceError(ErrorCode.INVALID, "只有已批准的请假才能销假。", field="returned_on")
    if leave.returned_on is not None:
        raise ServiceError(ErrorCode.ALREADY_DECIDED, "该请假已销假。", field="returned_on")
    if returned_on < leave.start:
        raise ServiceError(ErrorCode.INVALID, "返村日期不能早于离村日期。", field="returned_on")
    if returned_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "返村日期不能晚于今天。", field="returned_on")
    with transaction.atomic():
        updated = Leave.objects.filter(pk=leave.pk, returned_on__isnull=True).update(
            returned_on=returned_on, reported_back_at=timezone.now()
        )
        if updated != 1:
            raise ServiceError(ErrorCode.ALREADY_DECIDED, "该请假已销假。", field="returned_on")
        late = (returned_on - leave.end - timedelta(days=1)).days
        log.record(
            actor=user,
            event="leave.report_back",
            obj=leave,
            address=address,
            detail={"returned_on": str(returned_on), "days_late": max(late, 0)},
        )
        _boards_stale(leave.start, leave.assignment_id)
    leave.refresh_from_db()
    return leave


# -- check-in and official business -------------------------------------------------


def _assignment_on(cadre: Cadre, day: date, field: str = "day") -> Assignment:
    assignment = assignment_covering(cadre, day, day)
    if assignment is None:
        raise ServiceError(
            ErrorCode.OUTSIDE_ASSIGNMENT, f"{day} 不在您的驻村任职期间内。", field=field
        )
    return assignment


def _assignment_id_on(cadre: Cadre, day: date) -> int:
    """The id of the assignment `_assignment_on` finds, without loading its team and
    village (four joins): a check-in needs only the id, and it is the hottest write."""
    found = (
        Assignment.objects.filter(cadre=cadre, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("-start", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    if found is None:
        raise ServiceError(
            ErrorCode.OUTSIDE_ASSIGNMENT, f"{day} 不在您的驻村任职期间内。", field="day"
        )
    return found


def _coordinate(value, low, high, label):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ServiceError(ErrorCode.INVALID, f"{label}格式不正确。", field="location") from None
    if not low <= number <= high:
        raise ServiceError(ErrorCode.INVALID, f"{label}超出范围。", field="location")
    return number


@cache
def check_in_of_day_sql() -> str:
    """The cadre's check-in of a day (one at most: a unique constraint), as
    `CheckIn.objects.filter(cadre=…, day=…).first()` reads it, in a statement written
    once per process (zhucun/fixed_sql.py): a phone's every check-in asks it. Its
    parameters: the cadre's id and the day (the API reads it ahead, api/read_ahead.py)."""
    c = CheckIn
    return (
        f"SELECT {fixed_sql.columns(c)} FROM {fixed_sql.table(c)} "
        f"WHERE {fixed_sql.column(c, 'cadre')} = %s AND {fixed_sql.column(c, 'day')} = %s"
    )


def check_in(
    *,
    user,
    cadre: Cadre,
    latitude=None,
    longitude=None,
    now=None,
    address: str | None = None,
    found: CheckIn | None = None,
) -> tuple[CheckIn, bool]:
    """Record "in the village today" at server time; a second tap the same day changes nothing.

    Returns (check-in, created). Location is optional evidence, never required.
    `found`: the cadre's check-in of today, read before (by the API with its token,
    api/read_ahead.py): it is the answer, with nothing read or written. A check-in is
    never taken back by another tap, so a row found before is still the day's.
    """
    _own_cadre(user, cadre)
    now = now or timezone.now()
    day = timezone.localdate(now)
    lat = _coordinate(latitude, Decimal(-90), Decimal(90), "纬度")
    lon = _coordinate(longitude, Decimal(-180), Decimal(180), "经度")
    if (lat is None) != (lon is None):
        raise ServiceError(ErrorCode.INVALID, "位置须同时包含经度和纬度。", field="location")
    # The scope read the assignment of its day (the request's: a phone's check-in of
    # today) with the same rule; any other day, or none found there, is asked again.
    scope = scope_for(user)
    if day == scope.day and scope.cadre_id == cadre.pk and scope.assignment_id is not None:
        assignment_id = scope.assignment_id
    else:
        assignment_id = _assignment_id_on(cadre, day)
    if found is None or found.cadre_id != cadre.pk or found.day != day:
        # No savepoint when called inside a caller's transaction (the API's
        # exactly-once ledger): nothing here is caught and retried, a failure
        # fails the caller's transaction either way.
        with transaction.atomic(savepoint=False):
            # Today's check-in if there is one, else the new one: one statement on PostgreSQL.
            found, created = fixed_sql.found_or_inserted(
                CheckIn(
                    cadre=cadre,
                    assignment_id=assignment_id,
                    day=day,
                    at=now,
                    latitude=lat,
                    longitude=lon,
                    created_by=user,
                ),
                check_in_of_day_sql(),
                [cadre.pk, connection.ops.adapt_datefield_value(day)],
            )
            if created:
                log.record(
                    actor=user,
                    event="checkin.today",
                    obj=found,
                    address=address,
                    detail={"day": str(day), "location": lat is not None},
                )
                return found, True
    found.cadre = cadre  # today's row, already there: the answer names the cadre
    return found, False


def check_in_backfill(
    *,
    user,
    cadre: Cadre,
    day: date,
    reason: str,
    today: date | None = None,
    address: str | None = None,
) -> CheckIn:
    """补签 a past day: a reason is required and the check-in stays marked as backfilled."""
    _own_cadre(user, cadre)
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if day >= today:
        raise ServiceError(
            ErrorCode.FUTURE_DATE, "补签只能补今天以前的日期;今天请直接签到。", field="day"
        )
    if not reason:
        raise ServiceError(ErrorCode.INVALID, "补签须填写理由。", field="reason")
    if len(reason) > 300:
        raise ServiceError(ErrorCode.INVALID, "补签理由不能超过300字。", field="reason")
    assignment = _assignment_on(cadre, day)
    with transaction.atomic():
        _lock_cadre(cadre)
        if CheckIn.objects.filter(cadre=cadre, day=day).exists():
            raise ServiceError(ErrorCode.CONFLICT, f"{day} 已有签到记录。", field="day")
        record = CheckIn.objects.create(
            cadre=cadre,
            assignment=assignment,
            day=day,
            at=timezone.now(),
            backfilled=True,
            reason=reason,
            created_by=user,
        )
        log.record(
            actor=user,
            event="checkin.backfill",
            obj=record,
            address=address,
            detail={"day": str(day), "reason": reason},
        )
        _boards_stale(day, assignment.pk)
    return record


def official_business_record(
    *,
    user,
    cadre: Cadre,
    kind: str,
    start: date,
    end: date,
    what: str,
    where: str,
    today: date | None = None,
    address: str | None = None,
) -> OfficialBusiness:
    """因公出差、开会、培训: days that count as stationed days (第十六条), with what and where."""
    _own_cadre(user, cadre)
    today = today or timezone.localdate()
    what, where = (what or "").strip(), (where or "").strip()
    if kind not in OfficialKind.values:
        raise ServiceError(ErrorCode.INVALID, "请选择出差、开会或培训。", field="kind")
    if not what:
        raise ServiceError(ErrorCode.INVALID, "请填写事项。", field="what")
    if not where:
        raise ServiceError(ErrorCode.INVALID, "请填写地点。", field="where")
    if end < start:
        raise ServiceError(ErrorCode.INVALID, "结束日期不能早于开始日期。", field="end")
    if start > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "因公外出在出发当天或之后登记。", field="start")
    assignment = assignment_covering(cadre, start, end)
    if assignment is None:
        raise ServiceError(
            ErrorCode.OUTSIDE_ASSIGNMENT, "因公外出日期须在驻村任职期间内。", field="start"
        )
    with transaction.atomic():
        _lock_cadre(cadre)
        clash = OfficialBusiness.objects.filter(cadre=cadre, start__lte=end, end__gte=start).first()
        if clash is not None:
            raise ServiceError(
                ErrorCode.OVERLAP,
                f"与已登记的{clash.get_kind_display()}({clash.start}至{clash.end})时间重叠。",
                field="start",
            )
        record = OfficialBusiness.objects.create(
            cadre=cadre,
            assignment=assignment,
            kind=kind,
            start=start,
            end=end,
            what=what[:200],
            where=where[:100],
            created_at=timezone.now(),
            created_by=user,
        )
        log.record(
            actor=user,
            event="official_business.record",
            obj=record,
            address=address,
            detail={"kind": kind, "start": str(start), "end": str(end)},
        )
        if start < today:
            _boards_stale(start, assignment.pk)
    return record


# -- duty roster ---------------------------------------------------------------------


def leads_team(user, team: Team, today: date) -> bool:
    cadre = getattr(user, "cadre", None)
    if cadre is None:
        return False
    return (
        Assignment.objects.filter(team=team, cadre=cadre, role__in=LEADER_ROLES, start__lte=today)
        .filter(Q(end__isnull=True) | Q(end__gte=today))
        .exists()
    )


def roster_members(team: Team, first: date, last: date) -> list[Assignment]:
    """Counted members whose assignment touches the month, leader first."""
    return list(
        Assignment.objects.filter(team=team, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .exclude(role__in=NON_COUNTED_ROLES)
        .select_related("cadre")
        .order_by("role", "cadre__name", "pk")
    )


def duty_roster_set(
    *,
    user,
    team: Team,
    year: int,
    month: int,
    plan: dict[date, set[int]],
    today: date | None = None,
    address: str | None = None,
) -> list[DutyDay]:
    """Replace a month's roster: weekend/holiday days → the cadres on duty (team leader only)."""
    today = today or timezone.localdate()
    if not leads_team(user, team, today):
        raise ServiceError(ErrorCode.FORBIDDEN, "值班由驻村工作队队长安排。", article=LEAVE_ARTICLE)
    first = date(year, month, 1)
    last = month_end(first)
    off_days = non_working_days(first, last)
    members = {a.cadre_id: a for a in roster_members(team, first, last)}
    for day, cadre_ids in plan.items():
        if day not in off_days:
            raise ServiceError(
                ErrorCode.INVALID, f"{day} 不是双休日或法定节假日,无需排班。", field="plan"
            )
        for cadre_id in cadre_ids:
            assignment = members.get(cadre_id)
            if assignment is None or not assignment.active_on(day):
                raise ServiceError(
                    ErrorCode.INVALID, f"{day} 所排人员不是本队在岗队员。", field="plan"
                )
    with transaction.atomic():
        DutyDay.objects.filter(team=team, day__range=(first, last)).delete()
        rows = DutyDay.objects.bulk_create(
            [
                DutyDay(team=team, cadre_id=cadre_id, day=day, assigned_by=user)
                for day, cadre_ids in sorted(plan.items())
                for cadre_id in sorted(cadre_ids)
            ]
        )
        log.record(
            actor=user,
            event="duty.roster",
            obj=team,
            address=address,
            detail={
                "month": f"{year}-{month:02d}",
                "plan": {str(d): sorted(c) for d, c in sorted(plan.items())},
            },
        )
        if first < today:
            # A roster of past days turns rest into duty days (or back): the assessment reads it.
            team_cadres = Assignment.objects.filter(team=team).values("cadre_id")
            mark_cohorts_stale(day=first, cadres=team_cadres)
    return rows


def duty_roster_rotate(
    *, user, team: Team, year: int, month: int, today=None, address=None
) -> list[DutyDay]:
    """Fill a month's weekends and holidays in turn, continuing the team's earlier rotation."""
    first = date(year, month, 1)
    last = month_end(first)
    members = roster_members(team, first, last)
    earlier = DutyDay.objects.filter(team=team, day__lt=first).count()
    plan: dict[date, set[int]] = {}
    for day in sorted(non_working_days(first, last)):
        on_post = [a.cadre_id for a in members if a.active_on(day)]
        if on_post:
            plan[day] = {on_post[(earlier + len(plan)) % len(on_post)]}
    return duty_roster_set(
        user=user, team=team, year=year, month=month, plan=plan, today=today, address=address
    )
