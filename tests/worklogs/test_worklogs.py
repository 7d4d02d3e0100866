"""Work logs (第十、十二、十六、三十五条(五)): one per day, history kept, timeliness, notices."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests import factories as f
from zhucun.errors import ErrorCode, ServiceError
from zhucun.worklogs import selectors, services
from zhucun.worklogs.models import DiaryNote, LogRevision, WorkLog
from zhucun.worklogs.timeliness import log_timeliness

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 3, 10)


def at(day, hour=20):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def write(cast, day, saved=None, user="bob", content="走访贫困户,宣传医保政策", tasks=(1, 3)):
    return services.log_save(
        actor=cast.users[user], day=day, tasks=tasks, content=content, now=saved or at(day)
    )


def test_amending_a_log_keeps_every_version_and_the_first_save_time(cast):
    first = write(cast, date(2026, 3, 2))
    amended = write(
        cast, date(2026, 3, 2), saved=at(date(2026, 3, 5)), content="改:走访贺家户并宣传医保"
    )
    assert amended.pk == first.pk and amended.revisions == 2
    assert amended.first_saved_at == at(date(2026, 3, 2))
    assert list(LogRevision.objects.filter(log=first).values_list("number", "content")) == [
        (1, "走访贫困户,宣传医保政策"),
        (2, "改:走访贺家户并宣传医保"),
    ]


@pytest.mark.parametrize(
    "day, tasks, content, field, code",
    [
        (date(2026, 3, 11), (1,), "写明天的日志", "day", ErrorCode.FUTURE_DATE),
        (date(2025, 5, 30), (1,), "驻村之前的日志", "day", ErrorCode.OUTSIDE_ASSIGNMENT),
        (date(2026, 3, 2), (), "没有选任务的日志", "tasks", ErrorCode.INVALID),
        (date(2026, 3, 2), (13,), "第十三项任务不存在", "tasks", ErrorCode.INVALID),
        (date(2026, 3, 2), (1,), "短", "content", ErrorCode.INVALID),
    ],
)
def test_a_bad_log_is_refused_naming_the_field(cast, day, tasks, content, field, code):
    with pytest.raises(ServiceError) as refused:
        services.log_save(
            actor=cast.users["bob"], day=day, tasks=tasks, content=content, now=at(TODAY)
        )
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not WorkLog.objects.exists()


def test_a_log_naming_a_household_outside_the_scope_is_refused(cast):
    with pytest.raises(ServiceError) as refused:
        services.log_save(
            actor=cast.users["alice"],
            day=date(2026, 3, 2),
            tasks=[2],
            content="走访蓝田的户",
            household_ids=[cast.other_household.pk],
            now=at(TODAY),
        )
    assert refused.value.field == "households"


def test_logs_are_on_time_by_the_end_of_the_next_day_and_late_or_missing_after(cast):
    # Given the working week of 2026-03-02 (Mon) to 03-06 (Fri)
    write(cast, date(2026, 3, 2))  # same day
    write(cast, date(2026, 3, 3), saved=at(date(2026, 3, 4), 23))  # the next day, 23:00
    write(cast, date(2026, 3, 4), saved=at(date(2026, 3, 6), 9))  # two days later
    # 03-05 and 03-06 never written; 03-07/08 are the weekend
    statuses = log_timeliness([cast.member.pk], date(2026, 3, 2), date(2026, 3, 8), today=TODAY)
    assert statuses[cast.member.pk] == {
        date(2026, 3, 2): "on_time",
        date(2026, 3, 3): "on_time",
        date(2026, 3, 4): "late",
        date(2026, 3, 5): "missing",
        date(2026, 3, 6): "missing",
    }


def test_a_notice_is_rectified_by_writing_the_log_or_recorded_as_refused(cast):
    write(cast, date(2026, 3, 2))
    # The team leader may not issue a notice for a log that was on time
    with pytest.raises(ServiceError) as refused:
        services.notice_issue(
            actor=cast.users["alice"],
            cadre_id=cast.member.pk,
            log_days=[date(2026, 3, 2)],
            reason="",
            today=TODAY,
        )
    assert "并未迟报或缺报" in refused.value.message
    notice = services.notice_issue(
        actor=cast.users["alice"],
        cadre_id=cast.member.pk,
        log_days=[date(2026, 3, 5)],
        reason="补报",
        today=TODAY,
    )
    # Bob cannot report it rectified before writing the log
    with pytest.raises(ServiceError):
        services.notice_rectify(actor=cast.users["bob"], notice=notice, response="好")
    write(cast, date(2026, 3, 5), saved=at(TODAY))
    assert (
        services.notice_rectify(actor=cast.users["bob"], notice=notice, response="已补").status
        == "rectified"
    )
    with pytest.raises(ServiceError) as again:
        services.notice_refuse(actor=cast.users["ed"], notice=notice, response="x")
    assert again.value.code == ErrorCode.ALREADY_DECIDED
    # A second notice the town records as refused; it is counted for the year
    second = services.notice_issue(
        actor=cast.users["ed"],
        cadre_id=cast.member.pk,
        log_days=[date(2026, 3, 6)],
        reason="补报",
        today=TODAY,
    )
    services.notice_refuse(actor=cast.users["ed"], notice=second, response="拒不补报")
    assert selectors.refused_notices_by_cadre(2026) == {cast.member.pk: 1}
    assert selectors.refused_notices_by_cadre(2025) == {}


def test_nobody_outside_the_town_or_team_issues_notices_and_nobody_to_themselves(cast):
    for user, cadre in (("olga", cast.member), ("alice", cast.leader), ("bob", cast.leader)):
        with pytest.raises(ServiceError):
            services.notice_issue(
                actor=cast.users[user],
                cadre_id=cadre.pk,
                log_days=[date(2026, 3, 5)],
                reason="",
                today=TODAY,
            )


def test_the_diary_is_visible_to_the_team_only(cast, client):
    services.diary_note_add(
        actor=cast.users["bob"], day=date(2026, 3, 2), content="村民反映灌溉渠堵塞", today=TODAY
    )
    assert DiaryNote.objects.get().team == cast.team
    for user, sees in (
        ("alice", True),
        ("bob", True),
        ("dora", True),
        ("olga", False),
        ("oscar", False),
    ):
        client.force_login(cast.users[user])
        assert ("灌溉渠" in client.get(reverse("worklogs:diary")).content.decode()) is sees, user


@pytest.mark.parametrize(
    "username, own, other",
    [
        ("bob", 200, 404),
        ("alice", 200, 404),
        ("dora", 200, 404),
        ("ed", 200, 404),
        ("fay", 200, 404),
        ("oscar", 404, 200),
        ("olga", 404, 200),
        ("carol", 403, 403),
    ],
)
def test_log_pages_open_in_scope_and_answer_404_elsewhere(cast, client, username, own, other):
    mine = write(cast, date(2026, 3, 2))
    theirs = services.log_save(
        actor=cast.users["olga"],
        day=date(2026, 3, 2),
        tasks=[1],
        content="蓝田的日志内容",
        now=at(date(2026, 3, 2)),
    )
    client.force_login(cast.users[username])
    assert client.get(reverse("worklogs:log_detail", args=[mine.pk])).status_code == own
    assert client.get(reverse("worklogs:log_detail", args=[theirs.pk])).status_code == other


@pytest.mark.parametrize("members", [1, 25])
def test_the_team_log_page_uses_a_bounded_number_of_queries(
    cast, client, django_assert_max_num_queries, members
):
    for _ in range(members):
        f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit))
    client.force_login(cast.users["alice"])
    with django_assert_max_num_queries(25):
        page = client.get(reverse("worklogs:team_logs"), {"month": "2026-02"})
    assert page.status_code == 200 and cast.member.name in page.content.decode()


def test_writing_through_the_page_and_seeing_the_month(cast, client):
    client.force_login(cast.users["bob"])
    response = client.post(
        reverse("worklogs:log_write"),
        {
            "day": "2026-03-02",
            "tasks": ["2", "11"],
            "content": "协助村两委核实贫困户信息",
            "off_site": "on",
        },
    )
    assert response.status_code == 302
    entry = WorkLog.objects.get()
    assert entry.tasks == [2, 11] and entry.off_site is True
    page = client.get(reverse("worklogs:my_logs"), {"month": "2026-03"}).content.decode()
    assert "协助村两委核实" in page
    response = client.post(reverse("worklogs:log_write"), {"day": "2026-03-02", "content": "x"})
    assert "工作任务" in response.content.decode()
