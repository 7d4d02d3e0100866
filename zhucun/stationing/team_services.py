"""Writes about teams: party membership transfer, withdrawal, rotation with handover,
personnel changes (第六、七、二十二条)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from zhucun.accounts.roles import Duty, Role
from zhucun.approvals.models import Action, ApproverKind, RequestState
from zhucun.approvals.services import StepSpec, attach_subject, copies_file, on_final, request_open
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Region, UnitLevel
from zhucun.rulebook.book import book_for
from zhucun.stationing.models import (
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
    cadre = assignment.cadre
    if not _manages_cadre(user, cadre):
        raise ServiceError(ErrorCode.FORBIDDEN, "人员调整由派出单位申请。", article="第二十二条")
    if reason not in ChangeReason.values:
        raise ServiceError(
            ErrorCode.INVALID,
            "请选择第二十二条所列的调整原因之一。",
            field="reason",
            article="第二十二条",
        )
    detail = (detail or "").strip()
    if not detail:
        raise ServiceError(ErrorCode.INVALID, "请说明具体情况。", field="detail")
    if assignment.end is not None:
        raise ServiceError(ErrorCode.INVALID, "该干部已不在驻村岗位。", field="assignment")
    if PersonnelChange.objects.filter(
        assignment=assignment, approval__state=RequestState.PENDING
    ).exists():
        raise ServiceError(ErrorCode.CONFLICT, "该干部已有待审批的调整申请。", field="assignment")
    office = _same_level_office(cadre.unit)
    with transaction.atomic():
        approval = request_open(
            kind="personnel_change",
            title=f"{cadre.name}驻村人员调整({ChangeReason(reason).label})",
            summary=f"原因:{ChangeReason(reason).label}\n情况:{detail}"
            + (f"\n拟接替:{successor.name}" if successor else ""),
            requester=user,
            cadre=cadre,
            team=assignment.team,
            route=[StepSpec(ApproverKind.POVERTY_OFFICE, Action.APPROVE, office)],
            article="第二十二条",
            explanation=f"经派出单位申请、本级扶贫办({office.name})同意,"
            "并向派驻区县、镇(街办)及村备案",
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


@on_final("personnel_change")
def _file_personnel_change(request, actor) -> None:
    """Approved: county, town and village are notified (备案), recorded as copies."""
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
