"""Team reports (第十一条(一), 第十五、十九条): pre-filled from the records, confirmed once, in scope."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from zhucun.errors import ErrorCode, ServiceError
from zhucun.households.models import Contact
from zhucun.policy.calendar import STATIONED_STATUSES
from zhucun.reports import selectors, services
from zhucun.reports.draft import draft_for
from zhucun.reports.models import TeamReport
from zhucun.reports.periods import DUE, LATE, SUBMITTED, ReportKind, period_of
from zhucun.stationing.calendar import attendance_for
from zhucun.stationing.models import Assignment, CheckIn
from zhucun.worklogs import services as worklogs
from zhucun.worklogs.models import WorkLog

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = period_of(ReportKind.MONTHLY, date(2026, 3, 1))
APRIL_2 = date(2026, 4, 2)


def at(day, hour=20, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def check_in(cadre, day):
    assignment = Assignment.objects.get(cadre=cadre)
    CheckIn.objects.create(cadre=cadre, assignment=assignment, day=day, at=at(day, 8))


def record_march(cast):
    """Bob checks in on the workdays of 2–13 March and writes a log each day; Carol visits twice."""
    days = [date(2026, 3, 2) + timedelta(days=n) for n in range(12)]
    for day in days:
        if day.weekday() < 5:
            check_in(cast.member, day)
            worklogs.log_save(
                actor=cast.users["bob"],
                day=day,
                tasks=[1, 3],
                content=f"{day:%m月%d日}走访贺家户,宣传医保政策",
                now=at(day),
            )
    pairing = cast.household.pairings.get()
    for day, kind, problems in (
        (date(2026, 3, 3), "visit", "屋顶漏雨"),
        (date(2026, 3, 17), "visit", ""),
        (date(2026, 3, 24), "inquiry", ""),
    ):
        Contact.objects.create(
            household=cast.household,
            cadre=cast.household_cadre,
            pairing=pairing,
            day=day,
            kind=kind,
            channel="home" if kind == "visit" else "phone",
            learned="了解收入和就医情况",
            problems=problems,
        )


def test_the_draft_carries_the_recorded_days_logs_and_contacts(cast):
    # Given a March of check-ins, logs and contacts
    record_march(cast)
    # When the leader opens the monthly report in April
    draft = draft_for(cast.users["alice"], cast.team, MARCH, today=APRIL_2)
    # Then each member's stationed days are the calendar's, and the logs and contacts are counted
    statuses = attendance_for([cast.member.pk, cast.leader.pk], 2026, today=APRIL_2)
    members = {m["cadre_id"]: m for m in draft.facts["members"]}
    for cadre in (cast.member, cast.leader):
        expected = sum(
            1
            for day, status in statuses[cadre.pk].statuses.items()
            if MARCH.start <= day <= MARCH.end and status in STATIONED_STATUSES
        )
        assert members[cadre.pk]["stationed"] == expected
    assert members[cast.member.pk]["stationed"] == 10
    assert members[cast.member.pk]["logs"] == WorkLog.objects.filter(cadre=cast.member).count()
    assert (draft.facts["contacts"], draft.facts["visits"], draft.facts["inquiries"]) == (3, 2, 1)
    # and the text fields arrive written from the logs and the contacts
    assert "03月02日走访贺家户" in draft.work_done
    assert "驻村(含因公出差、开会、培训)合计10天" in draft.work_done
    assert "(一)宣传贯彻脱贫攻坚方针政策:10篇" in draft.work_done
    assert "屋顶漏雨" in draft.problems


def test_the_draft_names_members_short_of_twenty_days_with_the_article(cast):
    record_march(cast)
    draft = draft_for(cast.users["alice"], cast.team, MARCH, today=APRIL_2)
    messages = {(x["message"], x["article"]) for x in draft.findings}
    assert ("鲍勃本月驻村10天,不足20天", "第十六条") in messages
    assert any(m.startswith("整改:鲍勃本月驻村10天") for m in draft.next_plan.splitlines())


def test_the_leader_confirms_an_amended_draft_and_the_figures_are_frozen_with_it(cast):
    record_march(cast)
    draft = draft_for(cast.users["alice"], cast.team, MARCH, today=APRIL_2)
    report = services.report_submit(
        actor=cast.users["alice"],
        team=cast.team,
        period=MARCH,
        work_done=draft.work_done + "\n另:协调修缮贺家屋顶。",
        problems=draft.problems,
        next_plan=draft.next_plan,
        now=at(APRIL_2),
    )
    assert report.facts == draft.facts
    assert report.work_done.endswith("协调修缮贺家屋顶。")
    assert report.due_on == date(2026, 4, 5)
    # A later check-in does not change what was reported
    check_in(cast.member, date(2026, 3, 16))
    report.refresh_from_db()
    assert report.facts["members"] == draft.facts["members"]


@pytest.mark.parametrize(
    "user, period, code, field",
    [
        ("bob", MARCH, ErrorCode.FORBIDDEN, None),
        ("olga", MARCH, ErrorCode.FORBIDDEN, None),
        ("alice", period_of(ReportKind.MONTHLY, APRIL_2), ErrorCode.FUTURE_DATE, "period"),
    ],
)
def test_only_the_leader_submits_and_only_a_finished_period(cast, user, period, code, field):
    with pytest.raises(ServiceError) as refused:
        services.report_submit(
            actor=cast.users[user],
            team=cast.team,
            period=period,
            work_done="本月工作",
            problems="",
            next_plan="",
            now=at(APRIL_2),
        )
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not TeamReport.objects.exists()


def test_a_submitted_report_cannot_be_submitted_again(cast):
    submit = dict(
        actor=cast.users["alice"], team=cast.team, period=MARCH, problems="", next_plan=""
    )
    services.report_submit(work_done="第一次", now=at(APRIL_2), **submit)
    with pytest.raises(ServiceError) as refused:
        services.report_submit(work_done="第二次", now=at(APRIL_2, 21), **submit)
    assert refused.value.code == ErrorCode.CONFLICT
    assert list(TeamReport.objects.values_list("work_done", flat=True)) == ["第一次"]


def test_an_empty_work_done_is_refused_naming_the_field(cast):
    with pytest.raises(ServiceError) as refused:
        services.report_submit(
            actor=cast.users["alice"],
            team=cast.team,
            period=MARCH,
            work_done="  ",
            problems="",
            next_plan="",
            now=at(APRIL_2),
        )
    assert refused.value.field == "work_done" and "工作开展情况" in refused.value.message


def test_a_weekly_summary_at_midnight_of_its_deadline_is_on_time_and_a_minute_later_late(cast):
    # Given two weeks, one summarised at 23:59 on its Monday, the other at 00:00 on Tuesday
    week_a = period_of(ReportKind.WEEKLY, date(2026, 3, 2))
    week_b = period_of(ReportKind.WEEKLY, date(2026, 3, 9))
    for period, now in ((week_a, at(date(2026, 3, 9), 23, 59)), (week_b, at(date(2026, 3, 17), 0))):
        services.report_submit(
            actor=cast.users["alice"],
            team=cast.team,
            period=period,
            work_done="本周工作",
            problems="",
            next_plan="下周走访",
            now=now,
        )
    # When the team's reports are listed on Monday 23 March
    rows = selectors.report_rows(
        [cast.team], date(2026, 3, 1), date(2026, 3, 31), today=date(2026, 3, 23)
    )
    status = {(r.period.kind, r.period.start): r.status for r in rows[cast.team.pk]}
    # Then
    assert status[(ReportKind.WEEKLY, week_a.start)] == SUBMITTED
    assert status[(ReportKind.WEEKLY, week_b.start)] == LATE
    # the week just ended is due today, the running week and month are not listed yet
    assert status[(ReportKind.WEEKLY, date(2026, 3, 16))] == DUE
    assert (ReportKind.WEEKLY, date(2026, 3, 23)) not in status
    assert (ReportKind.MONTHLY, date(2026, 3, 1)) not in status
