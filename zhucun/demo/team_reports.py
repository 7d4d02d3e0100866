"""The demo leader's team reports and the demo county's team-leader meetings (第十五、十九条).

A working team confirms most of its reports on time, a few late, and has a
few still missing, so the leader's dashboard shows a realistic "reports
due" list rather than a year of overdue ones. The county holds its quarterly
meetings, all but one. Everything goes through the reports services, so
each report carries the facts frozen from the records, and an audit event.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zhucun.accounts.models import User
from zhucun.accounts.scope import scope_for
from zhucun.reports.periods import ReportKind, periods_between
from zhucun.reports.services import (
    leaders_in_quarter,
    meeting_record,
    quarter_bounds,
    report_submit,
)
from zhucun.stationing.models import Team

OVERDUE_LEFT = 3  # past reports the demo leader has not submitted
LATE_SHARE = 0.1  # of the submitted ones, confirmed after the deadline

WORK_DONE = (
    "按计划开展入户走访,了解结对户生产生活情况,落实帮扶措施。",
    "协助村两委完成贫困户信息核实和档案整理,组织政策宣讲。",
    "督促产业项目施工进度,组织贫困户参加技能培训。",
    "落实值班制度,队员按要求驻村,工作日志按时记录。",
)
PROBLEMS = ("", "部分结对户外出务工,入户联系不便。", "产业项目资金到位较慢。")
NEXT_PLAN = (
    "继续做好入户走访和政策宣讲,推进产业项目。",
    "组织开展技能培训,做好档案资料整理。",
)
MINUTES = (
    "传达上级脱贫攻坚工作要求,各队长汇报本季度驻村工作情况,"
    "通报考勤和日志检查情况,安排下季度重点工作。"
)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build_team_reports(rng: random.Random, today: date) -> dict[str, int]:
    leader = User.objects.get(username="leader")
    county_user = User.objects.get(username="county")
    team = Team.objects.select_related("village__county").get(
        pk=min(scope_for(leader).led_team_ids)
    )
    periods = [
        period
        for kind in ReportKind
        for period in periods_between(kind, team.formed_on, today - timedelta(days=1))
    ]
    overdue = [p for p in periods if p.due < today]
    # The few left undone are recent: an old gap would long have been chased up.
    recent = [p for p in overdue if p.due >= today - timedelta(days=120)]
    left = set(rng.sample(recent, min(OVERDUE_LEFT, len(recent))))
    reports = 0
    for period in periods:
        if period in left:
            continue
        # Due reports not yet overdue: submitted once the period is a few days old.
        submitted_on = period.end + timedelta(
            days=rng.randint(0, max((period.due - period.end).days, 0))
        )
        if period.due < today and rng.random() < LATE_SHARE:
            submitted_on = period.due + timedelta(days=rng.randint(1, 4))
        if submitted_on >= today:
            continue  # still to be written: the dashboard shows it as due
        report_submit(
            actor=leader,
            team=team,
            period=period,
            work_done=rng.choice(WORK_DONE),
            problems=rng.choice(PROBLEMS),
            next_plan=rng.choice(NEXT_PLAN),
            now=_at(submitted_on, rng.choice((9, 16, 20))),
        )
        reports += 1

    county = team.village.county
    meetings = 0
    quarters = []
    year, quarter = team.formed_on.year, (team.formed_on.month - 1) // 3 + 1
    while quarter_bounds(year, quarter)[1] < today:
        quarters.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    skipped = rng.choice(quarters[:-1]) if len(quarters) > 1 else None
    for year, quarter in quarters:
        if (year, quarter) == skipped:
            continue  # one quarter without a meeting: a finding for the city to see
        start, end = quarter_bounds(year, quarter)
        held_on = max(start, end - timedelta(days=rng.randint(10, 25)))
        meeting_record(
            actor=county_user,
            county=county,
            year=year,
            quarter=quarter,
            held_on=held_on,
            minutes=MINUTES,
            attendee_ids=leaders_in_quarter([county.pk], year, quarter).values_list(
                "cadre_id", flat=True
            ),
        )
        meetings += 1
    return {"team_reports": reports, "leader_meetings": meetings}
