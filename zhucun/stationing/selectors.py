"""Reads of stationing that pages and exports share; each applies the user's data scope."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet

from zhucun.accounts.scope import scoped
from zhucun.approvals.authorities import authorities_for, decidable_q
from zhucun.approvals.models import RequestState, Step
from zhucun.org.models import Cadre
from zhucun.rulebook.workdays import holiday_names, non_working_days
from zhucun.stationing.duty import duty_coverage_checks
from zhucun.stationing.models import CheckIn, DutyDay, Leave, OfficialBusiness


def leaves_of(cadre) -> QuerySet[Leave]:
    return (
        Leave.objects.filter(cadre=cadre)
        .select_related("approval", "assignment__team__village")
        .order_by("-start")
    )


def leave_register(user) -> QuerySet[Leave]:
    """The leave register of the bodies the user approves for (第十六条: 准假单位记录请销假)."""
    on_route = Step.objects.filter(decidable_q(authorities_for(user))).values("request_id")
    return (
        Leave.objects.filter(approval_id__in=on_route)
        .select_related("cadre__unit", "approval", "assignment__team__village__town")
        .order_by("-start", "pk")
    )


def leaves_in_scope(user) -> QuerySet[Leave]:
    return scoped(user, Leave.objects.all())


def recent_check_ins(cadre, limit=10):
    return list(CheckIn.objects.filter(cadre=cadre).order_by("-day")[:limit])


def recent_official_business(cadre, limit=10):
    return list(OfficialBusiness.objects.filter(cadre=cadre).order_by("-start")[:limit])


def approved_leave_days(cadre_ids, first: date, last: date) -> dict[int, set[date]]:
    """cadre id → the days of approved leave in [first, last] (an early 销假 shortens a leave)."""
    days: dict[int, set[date]] = defaultdict(set)
    leaves = Leave.objects.filter(
        cadre_id__in=cadre_ids,
        approval__state=RequestState.APPROVED,
        start__lte=last,
        end__gte=first,
    ).values_list("cadre_id", "start", "end", "returned_on")
    for cadre_id, start, end, returned_on in leaves:
        if returned_on is not None:
            end = min(end, returned_on - timedelta(days=1))
        day = max(start, first)
        while day <= min(end, last):
            days[cadre_id].add(day)
            day += timedelta(days=1)
    return days


@dataclass
class Roster:
    first: date
    last: date
    off_days: list[date]
    holiday_names: dict[date, str]
    members: list  # Assignment rows, with .cadre
    on_duty: dict[date, set[int]]
    checks: list  # policy Checks, one per off day


def team_roster(team, first: date, last: date) -> Roster:
    """The month's weekends/holidays, who is on duty, and the 第十六条 coverage checks."""
    from zhucun.stationing.services import roster_members

    off_days = sorted(non_working_days(first, last))
    members = roster_members(team, first, last)
    on_duty: dict[date, set[int]] = defaultdict(set)
    for cadre_id, day in DutyDay.objects.filter(team=team, day__range=(first, last)).values_list(
        "cadre_id", "day"
    ):
        on_duty[day].add(cadre_id)
    leave = approved_leave_days([a.cadre_id for a in members], first, last)
    on_leave: dict[date, set[int]] = defaultdict(set)
    for cadre_id, days in leave.items():
        for day in days:
            on_leave[day].add(cadre_id)
    names = {a.cadre_id: a.cadre.name for a in members}
    names.update(
        Cadre.objects.filter(
            pk__in={c for ids in on_duty.values() for c in ids} - set(names)
        ).values_list("pk", "name")
    )
    checks = duty_coverage_checks(
        team=team.pk,
        days=off_days,
        on_duty=on_duty,
        on_leave=on_leave,
        names=names,
        period=f"{first:%Y-%m}",
    )
    return Roster(first, last, off_days, holiday_names(first, last), members, dict(on_duty), checks)
