"""Writes about teams: party membership transfer, withdrawal, rotation with handover,
personnel changes (第六、七、二十二条)."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.roles import Duty, Role
from zhucun.approvals.models import Action, ApproverKind, RequestState
from zhucun.approvals.services import StepSpec, attach_subject, copies_file, on_final, request_open
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Region, UnitLevel
from zhucun.policy.periods import add_years
from zhucun.rulebook.book import book_for
from zhucun.stationing.models import (
    ARTICLE_22_REASONS,
    NON_COUNTED_ROLES,
    Assignment,
    ChangeReason,
    Handover,
    PersonnelChange,
    Team,
)
from zhucun.stationing.services import leads_team


def _positions(user, role: Role, **where) -> bool:
    return user.positions.filter(active=True, role=role, **where).exists()


def _manages_cadre(user, cadre) -> bool:
    """The cadre's unit (组织人事/负责人) manages its own cadres (第四条)."""
    return user.positions.filter(
        active=True, role=Role.UNIT, unit_id=cadre.unit_id, duty__in=[Duty.UNIT_HR, Duty.UNIT_HEAD]
    ).exists()


def _county_of(team: Team) -> Region:
    return team.village.county


def party_transfer_record(*, user, assignment: Assignment, on: date, address=None) -> Assignment:
    """第七条: the cadre's party membership moved to the village on `on`."""
    if not (
        _manages_cadre(user, assignment.cadre)
        or _positions(user, Role.TOWN, region_id=assignment.team.village.town_id)
    ):
        raise ServiceError(ErrorCode.FORBIDDEN, "由派出单位或所在镇(街办)登记党组织关系转接。")
    if not assignment.cadre.is_party_member:
        raise ServiceError(ErrorCode.INVALID, "该干部不是中共党员,无需转接。", field="on")
    if on < assignment.start or on > timezone.localdate():
        raise ServiceError(
            ErrorCode.INVALID,
            "转接日期须在驻村开始之后、今天或以前。",
            field="on",
            article="第七条",
        )
    with transaction.atomic():
        assignment.party_transferred_on = on
        assignment.save(update_fields=["party_transferred_on"])
        log.record(
            actor=user,
            event="assignment.party_transfer",
            obj=assignment,
            address=address,
            detail={"on": str(on)},
        )
    return assignment


def team_withdraw(*, user, team: Team, on: date, address=None) -> Team:
    """撤离: the county withdraws a team; a poor village's team stays until the policy date (第七条)."""
    county = _county_of(team)
    if not _positions(user, Role.COUNTY, region_id=county.pk):
        raise ServiceError(ErrorCode.FORBIDDEN, "工作队撤离由县级驻村工作领导小组决定。")
    if team.withdrawn_on is not None:
        raise ServiceError(ErrorCode.CONFLICT, "该工作队已撤离。")
    if on < team.formed_on:
        raise ServiceError(ErrorCode.INVALID, "撤离日期不能早于组建日期。", field="on")
    limit = book_for(county).on(on).no_withdrawal_before
    if team.village.is_poor and on <= limit:
        raise ServiceError(
            ErrorCode.INVALID,
            f"{limit:%Y年%m月%d日}(含)以前,贫困村即使退出,驻村工作队也不得撤离。",
            field="on",
            article="第七条",
        )
    with transaction.atomic():
        team.withdrawn_on = on
        team.save(update_fields=["withdrawn_on"])
        log.record(
            actor=user, event="team.withdraw", obj=team, address=address, detail={"on": str(on)}
        )
    return team


def handover_create(
    *, user, predecessor: Assignment, successor: Assignment, content: str, address=None
) -> Handover:
    """The team leader records a rotation's handover; the successor must already be in post."""
    team = predecessor.team
    today = timezone.localdate()
    if not leads_team(user, team, today):
        raise ServiceError(ErrorCode.FORBIDDEN, "轮换交接由驻村工作队队长组织登记。")
    content = (content or "").strip()
    if not content:
        raise ServiceError(ErrorCode.INVALID, "请填写交接内容。", field="content")
    if successor.team_id != team.pk or successor.pk == predecessor.pk:
        raise ServiceError(ErrorCode.INVALID, "接替人须是本队另一名队员。", field="successor")
    if not successor.active_on(today):
        raise ServiceError(
            ErrorCode.INVALID,
            "接替人须先到岗,前期人员交接清楚后方可撤离(第六条 压茬轮换)。",
            field="successor",
            article="第六条",
        )
    if Handover.objects.filter(predecessor=predecessor).exists():
        raise ServiceError(ErrorCode.CONFLICT, "该队员已有交接记录。", field="predecessor")
    with transaction.atomic():
        handover = Handover.objects.create(
            team=team,
            predecessor=predecessor,
            successor=successor,
            content=content,
            created_at=timezone.now(),
        )
        log.record(actor=user, event="handover.create", obj=handover, address=address)
    return handover


def handover_sign(*, user, handover: Handover, address=None) -> Handover:
    """Sign as outgoing cadre, incoming cadre or team leader (whichever the user is)."""
    now = timezone.now()
    fields = []
    if handover.predecessor.cadre.user_id == user.pk and not handover.predecessor_signed_at:
        handover.predecessor_signed_at = now
        fields.append("predecessor_signed_at")
    elif handover.successor.cadre.user_id == user.pk and not handover.successor_signed_at:
        handover.successor_signed_at = now
        fields.append("successor_signed_at")
    elif (
        leads_team(user, handover.team, timezone.localdate())
        and handover.predecessor.cadre.user_id != user.pk
        and not handover.leader_signed_at
    ):
        handover.leader_signed_at = now
        handover.leader_signed_by = user
        fields += ["leader_signed_at", "leader_signed_by"]
    if not fields:
        raise ServiceError(ErrorCode.FORBIDDEN, "您无需或已经在此交接记录上签字。")
    with transaction.atomic():
        handover.save(update_fields=fields)
        log.record(
            actor=user,
            event="handover.sign",
            obj=handover,
            address=address,
            detail={"signed": fields[0]},
        )
    return handover


def assignment_end(*, user, assignment: Assignment, on: date, address=None) -> Assignment:
    """End a stationing; a counted member leaves only after a signed handover (第六条)."""
    if not (
        _manages_cadre(user, assignment.cadre)
        or _positions(user, Role.COUNTY, region_id=assignment.team.village.county_id)
    ):
        raise ServiceError(ErrorCode.FORBIDDEN, "由派出单位或县级驻村工作领导小组办理。")
    if assignment.end is not None:
        raise ServiceError(ErrorCode.CONFLICT, "该任职已结束。")
    if on < assignment.start:
        raise ServiceError(ErrorCode.INVALID, "结束日期不能早于驻村开始日期。", field="on")
    if assignment.role not in NON_COUNTED_ROLES:
        handover = Handover.objects.filter(predecessor=assignment).first()
        if handover is None or not handover.complete:
            raise ServiceError(
                ErrorCode.INVALID,
                "前期人员须将驻村工作全部交接清楚(交接记录经交出方、接收方和队长签字)后方可撤离。",
                field="on",
                article="第六条",
            )
        successor = handover.successor
        if not successor.active_on(on):
            raise ServiceError(
                ErrorCode.INVALID,
                f"接替人{successor.cadre.name}在{on}不在岗:压茬轮换须接替人到岗后,"
                "前期人员方可撤离。",
                field="on",
                article="第六条",
            )
    with transaction.atomic():
        assignment.end = on
        assignment.save(update_fields=["end"])
        log.record(
            actor=user,
            event="assignment.end",
            obj=assignment,
            address=address,
            detail={"on": str(on)},
        )
    return assignment


def _same_level_office(unit) -> Region:
    """本级扶贫办: the city's office for city-level units, the county's for county-level ones."""
    region = unit.region
    if unit.level == UnitLevel.COUNTY:
        return region.county or region
    return region.city or region


def personnel_change_apply(
    *, user, assignment: Assignment, reason: str, detail: str, successor=None, address=None
) -> PersonnelChange:
    """第二十二条: the dispatching unit applies for replacing a stationed cadre."""
    if reason not in ARTICLE_22_REASONS:
        raise ServiceError(
            ErrorCode.INVALID,
            "请选择第二十二条所列的调整原因之一。",
            field="reason",
            article="第二十二条",
        )
    return _change_open(
        user=user,
        assignment=assignment,
        reason=ChangeReason(reason),
        detail=detail,
        successor=successor,
        article="第二十二条",
        address=address,
    )


def replacement_after_recall_apply(
    *, user, assignment: Assignment, detail: str, successor=None, address=None
) -> PersonnelChange:
    """第三十六条: the unit that recalled a cadre sends a replacement, through the personnel-change
    flow of 第二十二条 (same-level poverty office approves, county, town and village filed)."""
    return _change_open(
        user=user,
        assignment=assignment,
        reason=ChangeReason.RECALLED,
        detail=detail,
        successor=successor,
        article="第三十六条",
        address=address,
    )


def successor_check(assignment: Assignment, successor, on: date) -> None:
    """A successor is another cadre of the same unit, not stationed anywhere on `on`."""
    if successor is None:
        return
    if successor.pk == assignment.cadre_id or successor.unit_id != assignment.cadre.unit_id:
        raise ServiceError(
            ErrorCode.INVALID,
            "拟接替干部须是派出单位的另一名干部。",
            field="successor",
            article="第二十二条",
        )
    if (
        Assignment.objects.filter(cadre=successor, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .exists()
    ):
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"拟接替干部{successor.name}已在驻村岗位,不能再派驻。",
            field="successor",
        )


def _change_open(
    *, user, assignment, reason: ChangeReason, detail, successor, article, address
) -> PersonnelChange:
    cadre = assignment.cadre
    if not _manages_cadre(user, cadre):
        raise ServiceError(ErrorCode.FORBIDDEN, "人员调整由派出单位申请。", article=article)
    detail = (detail or "").strip()
    if not detail:
        raise ServiceError(ErrorCode.INVALID, "请说明具体情况。", field="detail")
    if assignment.end is not None:
        raise ServiceError(ErrorCode.INVALID, "该干部已不在驻村岗位。", field="assignment")
    successor_check(assignment, successor, timezone.localdate())
    if PersonnelChange.objects.filter(
        assignment=assignment, approval__state=RequestState.PENDING
    ).exists():
        raise ServiceError(ErrorCode.CONFLICT, "该干部已有待审批的调整申请。", field="assignment")
    office = _same_level_office(cadre.unit)
    with transaction.atomic():
        approval = request_open(
            kind="personnel_change",
            title=f"{cadre.name}驻村人员调整({reason.label})",
            summary=f"原因:{reason.label}\n情况:{detail}"
            + (f"\n拟接替:{successor.name}" if successor else ""),
            requester=user,
            cadre=cadre,
            team=assignment.team,
            route=[StepSpec(ApproverKind.POVERTY_OFFICE, Action.APPROVE, office)],
            article=article,
            explanation=f"经派出单位申请、本级扶贫办({office.name})同意,"
            "并向派驻区县、镇(街办)及村备案(第二十二条)",
            address=address,
        )
        change = PersonnelChange.objects.create(
            assignment=assignment,
            reason=reason,
            detail=detail[:500],
            successor=successor,
            approval=approval,
            created_at=timezone.now(),
        )
        attach_subject(approval, change)
    return change


def replacement_assign(
    *, user, change: PersonnelChange, successor, on: date, address=None
) -> PersonnelChange:
    """An approved change named no successor: the unit names one, who is posted from `on`."""
    if not _manages_cadre(user, change.assignment.cadre):
        raise ServiceError(ErrorCode.FORBIDDEN, "接替人员由派出单位确定。", article="第二十二条")
    if change.approval.state != RequestState.APPROVED:
        raise ServiceError(
            ErrorCode.INVALID, "调整申请经本级扶贫办批准后才能派驻接替人员。", article="第二十二条"
        )
    if change.successor_assignment_id is not None:
        raise ServiceError(ErrorCode.CONFLICT, "接替人员已派驻。", field="successor")
    if successor is None:
        raise ServiceError(ErrorCode.INVALID, "接替人员:请选择一名干部。", field="successor")
    if on < timezone.localdate(change.approval.decided_at):
        raise ServiceError(ErrorCode.INVALID, "派驻日期不能早于批准日期。", field="on")
    successor_check(change.assignment, successor, on)
    with transaction.atomic():
        change.successor = successor
        change.save(update_fields=["successor"])
        _post_successor(change, user, on, address=address)
    return change


def _post_successor(change: PersonnelChange, actor, on: date, address=None) -> Assignment:
    """The successor takes the predecessor's place in the team from `on`, for a full term
    (第六条); the predecessor leaves through the handover (第六条 压茬轮换)."""
    predecessor = change.assignment
    years = book_for(_county_of(predecessor.team)).on(on).term_years_min
    posted = Assignment.objects.create(
        team=predecessor.team,
        cadre=change.successor,
        role=predecessor.role,
        start=on,
        planned_end=add_years(on, years) - timedelta(days=1),
    )
    change.successor_assignment = posted
    change.assigned_by = actor
    change.assigned_at = timezone.now()
    change.save(update_fields=["successor_assignment", "assigned_by", "assigned_at"])
    log.record(
        actor=actor,
        event="personnel_change.assign",
        obj=change,
        address=address,
        detail={"successor": change.successor_id, "assignment": posted.pk, "on": str(on)},
    )
    return posted


@on_final("personnel_change")
def _file_personnel_change(request, actor) -> None:
    """Approved: county, town and village are notified (备案), recorded as copies; a successor
    named in the application is posted to the team from the day of approval."""
    if request.state != RequestState.APPROVED:
        return
    village = request.team.village
    copies_file(request=request, regions=[village.county, village.town, village])
    log.record(
        actor=actor,
        event="personnel_change.filed",
        obj=request,
        detail={"regions": [village.county_id, village.town_id, village.pk]},
    )
    change = PersonnelChange.objects.select_related("assignment__team__village").get(
        approval=request
    )
    if change.successor_id is None:
        return
    on = timezone.localdate(request.decided_at)
    try:
        successor_check(change.assignment, change.successor, on)
    except ServiceError as error:
        # Posted elsewhere since the application: the approval stands, the unit names another.
        log.record(
            actor=actor,
            event="personnel_change.successor_unavailable",
            obj=change,
            outcome="refused",
            detail={"successor": change.successor_id, "message": error.message},
        )
        return
    _post_successor(change, actor, on)
