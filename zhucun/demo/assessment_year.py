"""The demo county's previous year, ready to be assessed (第三十至三十五条).

For every cadre stationed in the county login's county that year: check-ins
(weekends mostly at home), work logs, four quarterly ordinary assessments by
the town, the county's annual scores and the team's written opinion. A few
cadres carry what 第三十五条 judges: one away 17 days in March (四), one who
refused three log rectification notices (五); one village missed its
poverty-reduction task (第三十一条). The county officer can review the year and
finalise it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from zhucun.accounts.models import User
from zhucun.assessment.models import AnnualAssessment, OrdinaryAssessment, PovertyTask, TeamOpinion
from zhucun.policy.assessment import CONTENTS, AssessmentInput, annual_score
from zhucun.rulebook.book import book_for
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, AssignmentRole, CheckIn
from zhucun.worklogs.models import LogRevision, RectificationNotice, WorkLog
from zhucun.worklogs.tasks import Task

ONE_DAY = timedelta(days=1)
OPINIONS = (
    "该同志全年坚持驻村,吃住在村,认真落实帮扶措施,群众评价较好。",
    "该同志工作积极主动,熟悉村情户情,能够完成工作队安排的各项任务。",
    "该同志驻村期间遵守纪律,帮扶工作扎实,台账资料规范。",
)


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build_previous_year(rng: random.Random, county, today: date) -> dict[str, int]:
    year = today.year - 1
    first, last = date(year, 1, 1), date(year, 12, 31)
    window = (first - timedelta(days=31), min(last + timedelta(days=31), today - ONE_DAY))
    town_user = User.objects.get(username="town")
    county_user = User.objects.get(username="county")
    assignments = list(
        Assignment.objects.filter(team__village__county=county, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .exclude(role__in=NON_COUNTED_ROLES)
        .select_related("cadre__user", "team__village")
        .order_by("team__village__code", "pk")
    )
    leaders = {
        a.team_id: a.cadre.user for a in assignments if a.role == AssignmentRole.LEADER_SECRETARY
    }
    off = non_working_days(*window)
    params = book_for(county).on(last)
    check_ins, logs, notices, ordinary, annual, opinions = [], [], [], [], [], []
    march = next(d for d in _days(date(year, 3, 1), date(year, 3, 7)) if d.weekday() == 0)
    for index, a in enumerate(assignments):
        away = set(_days(march, march + timedelta(days=16))) if index % 9 == 4 else set()
        start, end = max(a.start, window[0]), min(a.end or window[1], window[1])
        for day in _days(start, end):
            if day in away:
                continue
            if day in off and rng.random() < 0.7:
                continue  # a weekend or holiday at home: rest, not absence
            if day not in off and rng.random() < 0.006:
                continue  # the odd unexplained working day
            check_ins.append(CheckIn(cadre=a.cadre, assignment=a, day=day, at=_aware(day, 8)))
            if first <= day <= last:
                late = 2 if rng.random() < 0.03 else 0
                saved = _aware(day + timedelta(days=late), 21)
                logs.append(
                    WorkLog(
                        cadre=a.cadre,
                        day=day,
                        tasks=[Task.POLICY],
                        content="入户走访,落实帮扶措施,整理扶贫台账",
                        first_saved_at=saved,
                        updated_at=saved,
                    )
                )
        if index % 9 == 7:
            for n in range(3):
                notices.append(
                    RectificationNotice(
                        cadre=a.cadre,
                        issued_on=date(year, 4 + n, 10),
                        issuer="town",
                        issued_by=town_user,
                        log_days=[date(year, 3 + n, 5).isoformat()],
                        reason="工作日志未按规定及时填写",
                        status="refused",
                        response="认为不需要补记",
                        closed_at=_aware(date(year, 4 + n, 15), 10),
                        closed_by=town_user,
                    )
                )
        level = rng.uniform(76, 95)
        now = _aware(date(year + 1, 1, 8), 10)
        for quarter in range(1, 5):
            held_on = date(year, 3 * quarter, 25)
            if not (a.start <= held_on and (a.end is None or held_on <= a.end)):
                continue
            contents = {k: round(min(100, level + rng.uniform(-4, 4)), 1) for k in CONTENTS}
            weighted, parts = annual_score(
                AssessmentInput("demo", (), annual_contents=contents), params
            )
            ordinary.append(
                OrdinaryAssessment(
                    cadre=a.cadre,
                    year=year,
                    town=a.team.village.town,
                    held_on=held_on,
                    title=f"第{quarter}季度平时考核",
                    score=round(float(weighted), 2),
                    weights=parts["content_weights"],
                    recorded_by=town_user,
                    recorded_at=_aware(held_on, 16),
                    **contents,
                )
            )
        annual.append(
            AnnualAssessment(
                cadre=a.cadre,
                year=year,
                county=county,
                recorded_by=county_user,
                recorded_at=now,
                **{k: round(min(100, level + rng.uniform(-3, 3)), 1) for k in CONTENTS},
            )
        )
        opinions.append(
            TeamOpinion(
                cadre=a.cadre,
                year=year,
                team=a.team,
                text=rng.choice(OPINIONS),
                signed_by=(
                    leaders.get(a.team_id)
                    if a.role != AssignmentRole.LEADER_SECRETARY and leaders.get(a.team_id)
                    else town_user
                ),
                signed_at=now,
            )
        )
    # This county's previous year is written here as a whole, with its designed
    # 第三十五条 cases; the rolling year of the other demo builders that overlaps
    # it is replaced, not mixed in.
    cadre_ids = [a.cadre_id for a in assignments]
    CheckIn.objects.filter(cadre_id__in=cadre_ids, day__range=window).delete()
    WorkLog.objects.filter(cadre_id__in=cadre_ids, day__range=window).delete()
    CheckIn.objects.bulk_create(check_ins, batch_size=2000)
    WorkLog.objects.bulk_create(logs, batch_size=2000)
    LogRevision.objects.bulk_create(
        [
            LogRevision(
                log=entry,
                number=1,
                tasks=entry.tasks,
                content=entry.content,
                off_site=entry.off_site,
                saved_at=entry.first_saved_at,
            )
            for entry in logs
        ],
        batch_size=2000,
    )
    RectificationNotice.objects.bulk_create(notices)
    OrdinaryAssessment.objects.bulk_create(ordinary)
    AnnualAssessment.objects.bulk_create(annual)
    TeamOpinion.objects.bulk_create(opinions)
    villages = sorted({a.team.village for a in assignments}, key=lambda v: v.code)
    PovertyTask.objects.bulk_create(
        PovertyTask(
            village=village,
            year=year,
            completed=i != 1,
            note="" if i != 1 else "年度减贫任务未完成",
            recorded_by=county_user,
            recorded_at=_aware(date(year + 1, 1, 5), 10),
        )
        for i, village in enumerate(villages)
    )
    return {"assessed_cadres": len(annual), "check_ins": len(check_ins), "work_logs": len(logs)}
