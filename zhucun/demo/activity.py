"""The demo city's year of activity: contacts, work logs, 民情日记 and log notices.

Deterministic (the builder's random generator), written with bulk_create
in large batches so that `load_demo` stays quick.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zhucun.accounts.models import User
from zhucun.households.models import Channel, Contact, ContactKind, Pairing
from zhucun.households.tallies import rebuild_contact_tallies
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment
from zhucun.worklogs.models import (
    DiaryNote,
    Issuer,
    LogRevision,
    NoticeStatus,
    RectificationNotice,
    WorkLog,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH = 5000

LEARNED = (
    "家中生活正常,老人身体状况稳定",
    "孩子按时上学,无辍学",
    "庄稼长势良好,已完成追肥",
    "户主外出务工,收入稳定",
    "家人慢性病用药正常,医保报销已到账",
    "饮水、住房情况安全",
)
PROBLEMS = ("", "", "缺少种苗", "屋顶漏雨", "医药费负担较重", "孩子学费有困难")
HELP = (
    "宣传健康扶贫政策",
    "协调技术员上门指导",
    "帮助申请临时救助",
    "联系就业岗位",
    "落实产业奖补",
)
LOG_TEXT = (
    "入户走访结对户,了解生产生活情况",
    "协助村两委核实贫困户信息",
    "参加镇上脱贫攻坚推进会",
    "组织贫困户参加技能培训",
    "督促产业项目施工进度",
    "整理扶贫档案资料",
    "宣讲惠民政策",
)
DIARY = (
    "村民反映灌溉渠堵塞,需组织清理",
    "留守老人希望增加上门医疗服务",
    "群众希望村道安装路灯",
    "部分农户希望学习养殖技术",
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def _weeks(start: date, end: date):
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        yield monday
        monday += timedelta(days=7)


def _months(start: date, end: date):
    first = start.replace(day=1)
    while first <= end:
        yield first
        first = (first + timedelta(days=32)).replace(day=1)


def build_activity(rng: random.Random, today: date, login_county, login_town) -> dict[str, int]:
    """A year of activity in the logins' county (contacts: in their town), less elsewhere."""
    year_ago = today - timedelta(days=365)
    six_weeks_ago = today - timedelta(days=42)
    quarter_ago = today - timedelta(days=91)
    yesterday = today - timedelta(days=1)
    counts = {}

    # Contacts: a weekly inquiry (phone or in person) and about two home visits a month,
    # with the odd week or month missed so the compliance findings have something to show.
    contacts = []
    pairings = Pairing.objects.filter(end__isnull=True).values_list(
        "pk", "household_id", "cadre_id", "start", "household__village__town_id"
    )
    for pairing_id, household_id, cadre_id, start, town_id in pairings.iterator(chunk_size=BATCH):
        first = max(start, year_ago if town_id == login_town else six_weeks_ago)
        careless = rng.random() < 0.08  # a few cadres miss often
        miss_week, miss_visit = (0.25, 0.35) if careless else (0.03, 0.08)

        planned = []
        for monday in _weeks(first, yesterday):
            if rng.random() < miss_week:
                continue
            day = monday + timedelta(days=rng.randrange(7))
            if first <= day <= yesterday:
                channel = rng.choice([Channel.PHONE, Channel.PHONE, Channel.IN_PERSON])
                planned.append((day, ContactKind.INQUIRY, channel))
        for month in _months(first, yesterday):
            visits = 1 if rng.random() < miss_visit else 2
            for half in range(visits):
                day = month + timedelta(days=rng.randrange(14) + 14 * half)
                if first <= day <= yesterday and day.month == month.month:
                    planned.append((day, ContactKind.VISIT, Channel.HOME))
        contacts += [
            Contact(
                household_id=household_id,
                cadre_id=cadre_id,
                pairing_id=pairing_id,
                day=day,
                kind=kind,
                channel=channel,
                learned=rng.choice(LEARNED),
                problems=rng.choice(PROBLEMS),
                help_given=rng.choice(HELP),
            )
            for day, kind, channel in planned
        ]
        if len(contacts) >= 4 * BATCH:
            Contact.objects.bulk_create(contacts, batch_size=BATCH)
            counts["contacts"] = counts.get("contacts", 0) + len(contacts)
            contacts = []
    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    counts["contacts"] = counts.get("contacts", 0) + len(contacts)
    counts["contact_tallies"] = rebuild_contact_tallies()

    # Work logs of stationed cadres on every working day, a few late or missing.
    off = non_working_days(year_ago, yesterday)
    logs, late_or_missing = [], {}
    stationed = Assignment.objects.exclude(role__in=NON_COUNTED_ROLES).values_list(
        "cadre_id", "team_id", "start", "team__village__county_id"
    )
    team_of = {}
    for cadre_id, team_id, start, county_id in stationed:
        team_of[cadre_id] = team_id
        first = max(start, year_ago if county_id == login_county else quarter_ago)
        sloppy = rng.random() < 0.1
        day = first
        while day <= yesterday:
            if day not in off:
                roll = rng.random()
                if roll < (0.04 if sloppy else 0.01):
                    late_or_missing.setdefault(cadre_id, []).append(day)  # missing
                else:
                    late = roll < (0.12 if sloppy else 0.04)
                    saved = (
                        _at(day + timedelta(days=rng.randint(2, 4)), 9)
                        if late
                        else _at(day, rng.randint(18, 22))
                    )
                    if late:
                        late_or_missing.setdefault(cadre_id, []).append(day)
                    logs.append(
                        WorkLog(
                            cadre_id=cadre_id,
                            day=day,
                            tasks=sorted(rng.sample(range(1, 13), rng.randint(1, 3))),
                            content=rng.choice(LOG_TEXT),
                            off_site=rng.random() < 0.08,
                            first_saved_at=saved,
                            updated_at=saved,
                            revisions=1,
                        )
                    )
            day += timedelta(days=1)
    WorkLog.objects.bulk_create(logs, batch_size=BATCH)
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
        batch_size=BATCH,
    )
    counts["work_logs"] = len(logs)

    # 民情日记: a few notes per team per month.
    notes = []
    for cadre_id, team_id in team_of.items():
        for month in _months(quarter_ago, yesterday):
            if rng.random() < 0.5:
                notes.append(
                    DiaryNote(
                        cadre_id=cadre_id,
                        team_id=team_id,
                        day=min(month + timedelta(days=rng.randrange(28)), yesterday),
                        content=rng.choice(DIARY),
                    )
                )
    DiaryNote.objects.bulk_create(notes, batch_size=BATCH)
    counts["diary_notes"] = len(notes)

    # Rectification notices in the logins' town, issued by the town account: most
    # rectified, some refused (第三十五条(五)), some still open.
    town_user = User.objects.filter(username="town").first()
    notices = []
    if town_user is not None:
        town_id = town_user.positions.values_list("region_id", flat=True).first()
        in_town = set(
            Assignment.objects.filter(team__village__town_id=town_id)
            .exclude(role__in=NON_COUNTED_ROLES)
            .values_list("cadre_id", flat=True)
        )
        for cadre_id in sorted(in_town):
            days = late_or_missing.get(cadre_id, [])
            for i in range(0, len(days), 3):
                chunk = days[i : i + 3]
                issued = min(chunk[-1] + timedelta(days=3), yesterday)
                status = rng.choices(
                    [NoticeStatus.RECTIFIED, NoticeStatus.REFUSED, NoticeStatus.OPEN],
                    weights=[70, 15, 15],
                )[0]
                closed = status != NoticeStatus.OPEN and issued < yesterday
                notices.append(
                    RectificationNotice(
                        cadre_id=cadre_id,
                        issued_on=issued,
                        issuer=Issuer.TOWN,
                        issued_by=town_user,
                        log_days=[d.isoformat() for d in chunk],
                        reason="请按规定及时准确记录工作日志并补报",
                        status=status if closed else NoticeStatus.OPEN,
                        response=("已补报" if status == NoticeStatus.RECTIFIED else "未按要求补报")
                        if closed
                        else "",
                        closed_at=_at(issued + timedelta(days=1), 10) if closed else None,
                        closed_by=town_user if closed else None,
                    )
                )
    RectificationNotice.objects.bulk_create(notices, batch_size=BATCH)
    counts["log_notices"] = len(notices)
    return counts
