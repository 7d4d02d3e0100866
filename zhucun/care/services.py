"""Writes of 第二十八条、第二十九条: talks, the unit head's visits, report hearings, cases."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from zhucun.accounts.scope import scope_for, scoped
from zhucun.approvals.models import Action, ApproverKind, RequestState
from zhucun.approvals.services import StepSpec, attach_subject, on_final, request_open
from zhucun.audit import log
from zhucun.care.models import ExemplaryCase, ReportHearing, Talk, TalkerLevel, UnitHeadVisit
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Cadre

CASE_KIND = "exemplary_case"


def _text(value, field, label, limit):
    value = (value or "").strip()
    if not value:
        raise ServiceError(ErrorCode.INVALID, f"请填写{label}。", field=field)
    if len(value) > limit:
        raise ServiceError(ErrorCode.INVALID, f"{label}不能超过{limit}字。", field=field)
    return value


def _not_future(day: date, field: str, today: date) -> None:
    if day > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "日期不能晚于今天。", field=field)


def talk_record(*, user, cadre, talker, held_on, summary, today=None, address=None) -> Talk:
    """谈心交心 by the county, the town or the cadre's unit (第二十八条)."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    if not scoped(user, Cadre.objects.filter(pk=cadre.pk)).exists():
        raise ServiceError(ErrorCode.NOT_FOUND, field="cadre")
    if cadre.unit_id in scope.unit_ids:
        level = TalkerLevel.UNIT
    elif scope.town_ids:
        level = TalkerLevel.TOWN
    elif scope.county_ids:
        level = TalkerLevel.COUNTY
    else:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "谈心谈话由区县、镇(街办)党委政府和参扶单位负责人进行(第二十八条)。",
            article="第二十八条",
        )
    _not_future(held_on, "held_on", today)
    talker = _text(talker, "talker", "谈话人", 30)
    summary = _text(summary, "summary", "谈话要点", 300)
    with transaction.atomic():
        talk = Talk.objects.create(
            cadre=cadre,
            level=level,
            talker=talker,
            held_on=held_on,
            summary=summary,
            recorded_by=user,
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="care.talk",
            obj=talk,
            address=address,
            detail={"cadre": cadre.pk, "level": level, "held_on": str(held_on)},
        )
    return talk


def _unit_of_team(user, team):
    units = scope_for(user).unit_ids & set(team.units.values_list("pk", flat=True))
    if not units:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "只有该工作队的参扶单位可以登记(第二十八条)。",
            article="第二十八条",
        )
    return min(units)


def visit_record(*, user, team, visited_on, head_name, guidance, today=None, address=None):
    today = today or timezone.localdate()
    unit_id = _unit_of_team(user, team)
    _not_future(visited_on, "visited_on", today)
    head_name = _text(head_name, "head_name", "负责人", 30)
    guidance = _text(guidance, "guidance", "指导内容", 300)
    with transaction.atomic():
        visit = UnitHeadVisit.objects.create(
            unit_id=unit_id,
            team=team,
            visited_on=visited_on,
            head_name=head_name,
            guidance=guidance,
            recorded_by=user,
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="care.unit_head_visit",
            obj=visit,
            address=address,
            detail={"team": team.pk, "visited_on": str(visited_on)},
        )
    return visit


def hearing_record(*, user, team, heard_on, summary, today=None, address=None):
    today = today or timezone.localdate()
    unit_id = _unit_of_team(user, team)
    _not_future(heard_on, "heard_on", today)
    summary = _text(summary, "summary", "汇报及研究事项", 300)
    with transaction.atomic():
        hearing = ReportHearing.objects.create(
            unit_id=unit_id,
            team=team,
            heard_on=heard_on,
            summary=summary,
            recorded_by=user,
            created_at=timezone.now(),
        )
        log.record(
            actor=user,
            event="care.report_hearing",
            obj=hearing,
            address=address,
            detail={"team": team.pk, "heard_on": str(heard_on)},
        )
    return hearing


def case_submit(*, user, team, title, body, address=None) -> ExemplaryCase:
    """A case written by the team, its town or unit; the county approves it for publication."""
    scope = scope_for(user)
    village = team.village
    writes = (
        team.pk in scope.led_team_ids
        or village.town_id in scope.town_ids
        or village.county_id in scope.county_ids
        or bool(scope.unit_ids & set(team.units.values_list("pk", flat=True)))
    )
    if not writes:
        raise ServiceError(ErrorCode.FORBIDDEN, "只能为本人所在或所管的工作队撰写案例。")
    title = _text(title, "title", "标题", 100)
    body = _text(body, "body", "正文", 5000)
    with transaction.atomic():
        approval = request_open(
            kind=CASE_KIND,
            title=f"典型案例:{title}",
            summary=body[:300],
            requester=user,
            team=team,
            route=[StepSpec(ApproverKind.COUNTY, Action.APPROVE, village.county)],
            article="第二十九条",
            explanation="典型案例经区县驻村工作领导小组审核后发布",
            address=address,
        )
        case = ExemplaryCase.objects.create(
            title=title,
            body=body,
            team=team,
            region=village.county,
            author=user,
            approval=approval,
            created_at=timezone.now(),
        )
        attach_subject(approval, case)
        log.record(
            actor=user,
            event="care.case_submit",
            obj=case,
            address=address,
            detail={"team": team.pk},
        )
    return case


@on_final(CASE_KIND)
def _case_decided(request, user) -> None:
    if request.state != RequestState.APPROVED:
        return
    case = ExemplaryCase.objects.get(approval=request)
    ExemplaryCase.objects.filter(pk=case.pk).update(published_at=timezone.now())
    log.record(actor=user, event="care.case_publish", obj=case)
