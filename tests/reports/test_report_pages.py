"""Report and meeting pages: each role sees its own scope, bounded queries, the leader's todo."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from zhucun.reports import services
from zhucun.reports.models import LeaderMeeting, TeamReport
from zhucun.reports.periods import ReportKind, period_of
from zhucun.stationing.models import Team

SHANGHAI = ZoneInfo("Asia/Shanghai")


def last_month():
    return period_of(ReportKind.MONTHLY, timezone.localdate().replace(day=1) - timedelta(days=1))


def report_url(team, period):
    url = reverse("reports:team_report", args=[team.pk])
    return f"{url}?kind={period.kind}&start={period.start:%Y-%m-%d}"


@pytest.mark.parametrize(
    "username, expected",
    [
        ("alice", 200),
        ("bob", 200),
        ("dora", 200),
        ("ed", 200),
        ("fay", 200),
        ("gus", 200),
        ("oscar", 404),
        ("olga", 404),
    ],
)
def test_a_teams_reports_open_in_its_scope_and_are_hidden_outside(cast, login, username, expected):
    client = login(cast.users[username])
    assert client.get(reverse("reports:team_reports", args=[cast.team.pk])).status_code == expected
    assert client.get(report_url(cast.team, last_month())).status_code == expected


@pytest.mark.parametrize("username", ["carol", "sam"])
def test_roles_without_reports_are_refused(cast, login, username):
    client = login(cast.users[username])
    assert client.get(reverse("reports:team_reports", args=[cast.team.pk])).status_code == 403


def test_the_leader_confirms_the_prefilled_draft_on_the_page_and_it_becomes_read_only(cast, login):
    client = login(cast.users["alice"])
    period = last_month()
    draft = client.get(report_url(cast.team, period))
    assert "确认提交" in draft.content.decode()
    answer = client.post(
        reverse("reports:team_report", args=[cast.team.pk]),
        {
            "kind": period.kind,
            "start": f"{period.start:%Y-%m-%d}",
            "work_done": draft.context["work_done"],
            "problems": "",
            "next_plan": "下月走访全部结对户",
        },
    )
    assert answer.status_code == 302
    report = TeamReport.objects.get()
    assert report.work_done == draft.context["work_done"].strip()
    shown = client.get(report_url(cast.team, period)).content.decode()
    assert "只读" in shown and "<textarea" not in shown
    # a second post changes nothing and says why
    again = client.post(
        reverse("reports:team_report", args=[cast.team.pk]),
        {"kind": period.kind, "start": f"{period.start:%Y-%m-%d}", "work_done": "改写"},
    )
    assert again.status_code == 422 and "不能修改" in again.content.decode()
    assert TeamReport.objects.get().work_done == report.work_done


def test_a_member_and_the_town_see_the_draft_but_cannot_submit(cast, login):
    for username in ("bob", "ed"):
        client = login(cast.users[username])
        page = client.get(report_url(cast.team, last_month())).content.decode()
        assert "尚未提交" in page and "<textarea" not in page
        client.post(
            reverse("reports:team_report", args=[cast.team.pk]),
            {"kind": "monthly", "start": f"{last_month().start:%Y-%m-%d}", "work_done": "x"},
        )
    assert not TeamReport.objects.exists()


def test_the_list_shows_due_submitted_and_late_with_the_article(cast, login):
    period = last_month()
    services.report_submit(
        actor=cast.users["alice"],
        team=cast.team,
        period=period,
        work_done="本月工作",
        problems="",
        next_plan="",
        now=datetime(period.end.year, period.end.month, period.end.day, 20, tzinfo=SHANGHAI),
    )
    page = (
        login(cast.users["dora"])
        .get(reverse("reports:team_reports", args=[cast.team.pk]))
        .content.decode()
    )
    assert "report-submitted" in page and "已按时提交" in page
    assert "report-late" in page and "逾期未报" in page
    assert "第十九条" in page and "第十五条" in page


def teams_with_reports(cast, n, batch=1):
    """`n` more teams in 周至 with a submitted weekly summary each."""
    week = period_of(ReportKind.WEEKLY, timezone.localdate() - timedelta(days=7))
    for i in range(n):
        village = f.RegionFactory(
            level="village",
            name=f"加村{batch}-{i}",
            code=f"6101241{batch:02d}{i:03d}",
            parent=cast.town,
            city=cast.city,
            county=cast.county,
            town=cast.town,
            is_poor=True,
        )
        team = f.TeamFactory(village=village, lead_unit=cast.unit)
        team.units.add(cast.unit)
        TeamReport.objects.create(
            team=team,
            kind=week.kind,
            period_start=week.start,
            period_end=week.end,
            due_on=week.due,
            work_done="本周工作",
            facts={},
            submitted_at=timezone.now(),
            submitted_by=cast.users["alice"],
        )


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_report_list_and_the_county_overview_take_the_same_queries_at_two_sizes(cast, login):
    client = login(cast.users["dora"])
    urls = [reverse("reports:index"), reverse("reports:team_reports", args=[cast.team.pk])]
    teams_with_reports(cast, 2)
    small = [queries_for(client, url) for url in urls]
    teams_with_reports(cast, 25, batch=2)
    large = [queries_for(client, url) for url in urls]
    assert Team.objects.count() > 25
    assert small == large
    assert max(large) <= 20


def test_the_draft_takes_the_same_queries_for_a_small_and_a_large_team(cast, login):
    client = login(cast.users["alice"])
    url = report_url(cast.team, last_month())
    small = queries_for(client, url)
    for _ in range(8):
        f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit), role="member")
        f.PairingFactory(
            household=f.HouseholdFactory(village=cast.village), cadre=f.CadreFactory(unit=cast.unit)
        )
    assert queries_for(client, url) == small


def test_the_team_leader_home_lists_the_reports_to_confirm(cast, login):
    page = login(cast.users["alice"]).get(reverse("home")).content.decode()
    assert "份报告待确认提交" in page
    assert reverse("reports:team_reports", args=[cast.team.pk]) in page
    assert "份报告待确认提交" not in login(cast.users["bob"]).get(reverse("home")).content.decode()


def test_the_leader_of_one_team_goes_straight_to_its_reports(cast, login):
    answer = login(cast.users["alice"]).get(reverse("reports:index"))
    assert answer.status_code == 302
    assert answer["Location"] == reverse("reports:team_reports", args=[cast.team.pk])


# Meetings (第十五条)


def a_past_quarter():
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    if quarter == 1:
        return year - 1, 4
    return year, quarter - 1


def test_the_county_records_a_quarterly_meeting_with_the_leaders_who_attended(cast, login):
    year, quarter = a_past_quarter()
    start, _end = services.quarter_bounds(year, quarter)
    client = login(cast.users["dora"])
    answer = client.post(
        f"{reverse('reports:meetings')}?year={year}",
        {
            "county": cast.county.pk,
            "quarter": quarter,
            "held_on": f"{start + timedelta(days=10):%Y-%m-%d}",
            "minutes": "交流各队工作进度",
            "attendees": [cast.leader.pk],
        },
    )
    assert answer.status_code == 302
    meeting = LeaderMeeting.objects.get()
    assert list(meeting.attendees.all()) == [cast.leader]
    page = client.get(f"{reverse('reports:meetings')}?year={year}").content.decode()
    assert "已召开" in page and "艾丽" in page


def test_a_past_quarter_without_a_meeting_is_a_finding_for_the_county(cast, login):
    year, _quarter = a_past_quarter()
    page = login(cast.users["dora"]).get(f"{reverse('reports:meetings')}?year={year}")
    text = page.content.decode()
    assert "本季度未召开队长会议" in text and "第十五条" in text
    assert "周至县" in text and "蓝田县" not in text


@pytest.mark.parametrize(
    "change, field",
    [
        ({"held_on": "2018-01-01"}, "held_on"),
        ({"held_on": ""}, "held_on"),
        ({"minutes": " "}, "minutes"),
        ({"attendees": ["olga"]}, "attendees"),
    ],
)
def test_a_bad_meeting_is_refused_naming_the_field_and_saves_nothing(cast, change, field):
    year, quarter = a_past_quarter()
    start, _end = services.quarter_bounds(year, quarter)
    values = {
        "held_on": start + timedelta(days=3),
        "minutes": "交流经验",
        "attendees": [cast.leader.pk],
    }
    values.update(change)
    if values["attendees"] == ["olga"]:
        values["attendees"] = [cast.other_leader.pk]
    if isinstance(values["held_on"], str):
        values["held_on"] = date.fromisoformat(values["held_on"]) if values["held_on"] else None
    with pytest.raises(services.ServiceError) as refused:
        services.meeting_record(
            actor=cast.users["dora"],
            county=cast.county,
            year=year,
            quarter=quarter,
            held_on=values["held_on"],
            minutes=values["minutes"],
            attendee_ids=values["attendees"],
        )
    assert refused.value.field == field
    assert not LeaderMeeting.objects.exists()


def test_another_county_cannot_record_our_meeting(cast):
    year, quarter = a_past_quarter()
    start, _end = services.quarter_bounds(year, quarter)
    with pytest.raises(services.ServiceError):
        services.meeting_record(
            actor=cast.users["oscar"],
            county=cast.county,
            year=year,
            quarter=quarter,
            held_on=start,
            minutes="会议",
            attendee_ids=[],
        )
    assert not LeaderMeeting.objects.exists()


@pytest.mark.parametrize(
    "username, expected", [("dora", 200), ("gus", 200), ("ed", 403), ("alice", 403)]
)
def test_the_meetings_page_is_for_the_county_and_the_city(cast, login, username, expected):
    assert login(cast.users[username]).get(reverse("reports:meetings")).status_code == expected
