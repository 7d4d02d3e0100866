"""Board snapshots: filed once for every level, equal to the live boards, marked stale by
the services that change the past, read through when missing, and cheap to read."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.dashboards.grow import grow_town
from zhucun.approvals.services import step_decide
from zhucun.dashboards.figures import board, boards
from zhucun.dashboards.models import BoardSnapshot
from zhucun.dashboards.snapshots import file_boards, from_json, to_json
from zhucun.households import services as household_services
from zhucun.rulebook.models import CalendarCorrection, DayKind, ParameterOverride
from zhucun.stationing import services as stationing_services
from zhucun.stationing.models import Team

FIRST = date(2025, 9, 1)
TODAY = date(2025, 10, 8)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _teams(region):
    return Team.objects.filter(village__county=region).select_related(
        "village__town", "village__county"
    )


def test_every_filed_board_equals_the_board_computed_live_for_its_region_or_team(cast):
    # Given a county with several teams, cadres short of days and households never contacted
    grow_town(cast, 3)
    # When the city's boards are computed in one run of each engine
    filed = boards(cast.city, first=FIRST, today=TODAY)
    # Then the city's, each county's and town's, and each team's board equals the board
    # computed for that region or team alone, as its own office or leader sees it
    gus, dora, ed, oscar = (cast.users[n] for n in ("gus", "dora", "ed", "oscar"))
    for user, region in ((gus, cast.city), (dora, cast.county), (ed, cast.town)):
        live = board(user, region=region, first=FIRST, today=TODAY)
        assert to_json(filed[("region", region.pk)]) == to_json(live), region.name
    live = board(oscar, region=cast.other_county, first=FIRST, today=TODAY)
    assert to_json(filed[("region", cast.other_county.pk)]) == to_json(live)
    teams = list(_teams(cast.county))
    assert len(teams) == 4
    for team in teams:
        live = board(dora, region=team.village, first=FIRST, today=TODAY, team=team)
        assert to_json(filed[("team", team.pk)]) == to_json(live), team.name
    # And the county's board holds the figures it is made of
    county = filed[("region", cast.county.pk)]
    assert len(county.total.teams) == 4 and county.total.off_track and county.total.missing
    assert cast.far_team.pk not in filed[("region", cast.city.pk)].total.teams


def test_a_board_read_back_from_its_json_is_the_same_board(cast):
    grow_town(cast, 2)
    filed = boards(cast.county, first=FIRST, today=TODAY)
    for (kind, pk), b in filed.items():
        back = from_json(*to_json(b), region=b.region, team=b.team, first=FIRST)
        assert to_json(back) == to_json(b), (kind, pk)
        assert back.total.findings == b.total.findings and back.matrix == b.matrix
        assert back.stationed_days == b.stationed_days and back.cadre_list == b.cadre_list
        # And read for a page, without the findings, it holds their number and the at-risk
        page = from_json(to_json(b)[0], None, region=b.region, team=b.team, first=FIRST)
        assert page.total.finding_count == len(b.total.findings)
        assert page.total.findings_by_article() == b.total.findings_by_article()
        assert page.at_risk == b.at_risk
        assert [r.finding_count for r in page.rows] == [len(r.findings) for r in b.rows]


def test_refresh_boards_files_every_level_of_every_city_for_this_month(cast):
    grow_town(cast, 1)
    # When the nightly job runs
    call_command("refresh_boards", "--month", "2025-09")
    # Then the city, each county and town, and each active team has its September board
    filed = BoardSnapshot.objects.filter(month=FIRST)
    regions = set(filed.filter(team=None).values_list("region_id", flat=True))
    assert {cast.city.pk, cast.county.pk, cast.town.pk, cast.other_county.pk} <= regions
    teams = set(filed.exclude(team=None).values_list("team_id", flat=True))
    assert {cast.team.pk, cast.other_team.pk, cast.far_team.pk} <= teams
    assert not filed.filter(stale=True).exists()
    # And a second run replaces them rather than adding more
    count = filed.count()
    call_command("refresh_boards", "--month", "2025-09")
    assert BoardSnapshot.objects.filter(month=FIRST).count() == count


def _stale(cast):
    """Which of the filed boards are stale: (the county's and city's, the outsider county's)."""
    snapshots = BoardSnapshot.objects.all()
    mine = snapshots.filter(region__county=cast.county) | snapshots.filter(region=cast.city)
    outside = snapshots.filter(region__county=cast.other_county)
    return (
        {s.stale for s in mine},
        {s.stale for s in outside},
    )


def _file_this_month(cast, today):
    file_boards(cast.city, first=today.replace(day=1), today=today)
    assert _stale(cast) == ({False}, {False})


def test_a_back_dated_check_in_marks_the_boards_of_its_county_and_city_stale(cast):
    _file_this_month(cast, TODAY)
    stationing_services.check_in_backfill(
        user=cast.users["bob"],
        cadre=cast.member,
        day=TODAY - timedelta(days=3),
        reason="手机没电",
        today=TODAY,
    )
    assert _stale(cast) == ({True}, {False})


def test_a_check_in_of_today_leaves_the_boards_as_they_are(cast, monkeypatch):
    _file_this_month(cast, TODAY)
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: timezone.make_aware(timezone.datetime(2025, 10, 8, 9))
    )
    stationing_services.check_in(user=cast.users["bob"], cadre=cast.member)
    assert _stale(cast) == ({False}, {False})


def test_back_dated_official_business_marks_the_boards_stale(cast):
    _file_this_month(cast, TODAY)
    stationing_services.official_business_record(
        user=cast.users["bob"],
        cadre=cast.member,
        kind="training",
        start=TODAY - timedelta(days=5),
        end=TODAY - timedelta(days=4),
        what="县驻村干部轮训",
        where="周至县委党校",
        today=TODAY,
    )
    assert _stale(cast) == ({True}, {False})


def test_an_approved_leave_and_its_report_back_mark_the_boards_stale(cast):
    start = TODAY + timedelta(days=1)
    leave = stationing_services.leave_request_submit(
        user=cast.users["bob"], cadre=cast.member, start=start, end=start, reason="家中有事"
    )
    _file_this_month(cast, TODAY)
    # When the team leader approves it
    step_decide(user=cast.users["alice"], step=leave.approval.steps.get(), approve=True)
    # Then the boards of its county and city are stale, the other county's are not
    assert _stale(cast) == ({True}, {False})
    # And so they are again after the boards are refiled and the cadre reports back
    _file_this_month(cast, TODAY)
    stationing_services.leave_report_back(
        user=cast.users["bob"], leave=leave, returned_on=start, today=start
    )
    assert _stale(cast) == ({True}, {False})


def test_a_rejected_leave_leaves_the_boards_as_they_are(cast):
    start = TODAY + timedelta(days=1)
    leave = stationing_services.leave_request_submit(
        user=cast.users["bob"], cadre=cast.member, start=start, end=start, reason="家中有事"
    )
    _file_this_month(cast, TODAY)
    step_decide(
        user=cast.users["alice"], step=leave.approval.steps.get(), approve=False, comment="不批"
    )
    assert _stale(cast) == ({False}, {False})


def test_a_back_dated_contact_marks_the_boards_stale_and_one_of_today_does_not(cast):
    _file_this_month(cast, TODAY)

    def contact(day):
        household_services.contact_record(
            actor=cast.users["carol"],
            household=cast.household,
            day=day,
            kind="inquiry",
            channel="phone",
            learned="家中老人身体好转",
            today=TODAY,
        )

    contact(TODAY)
    assert _stale(cast) == ({False}, {False})
    contact(TODAY - timedelta(days=2))
    assert _stale(cast) == ({True}, {False})


def test_a_back_dated_pairing_change_marks_the_boards_stale(cast):
    _file_this_month(cast, TODAY)
    household_services.pairing_change(
        actor=cast.users["fay"],
        household=cast.household,
        cadre_id=f.CadreFactory(unit=cast.unit).pk,
        reason="illness",
        detail="原干部住院治疗",
        day=TODAY - timedelta(days=7),
        today=TODAY,
    )
    assert _stale(cast) == ({True}, {False})


def test_a_county_parameter_override_marks_that_county_s_boards_stale(cast):
    _file_this_month(cast, TODAY)
    ParameterOverride.objects.create(
        county=cast.county,
        key="monthly_stationed_days_min",
        value=18,
        effective_from=date(2025, 9, 1),
    )
    assert _stale(cast) == ({True}, {False})


def test_a_calendar_correction_marks_every_board_stale(cast):
    _file_this_month(cast, TODAY)
    CalendarCorrection.objects.create(day=date(2025, 9, 29), kind=DayKind.HOLIDAY, name="调休")
    assert _stale(cast) == ({True}, {True})


def test_a_board_of_another_year_is_not_marked_by_a_change_of_a_later_year(cast):
    file_boards(cast.city, first=date(2024, 12, 1), today=TODAY)
    stationing_services.check_in_backfill(
        user=cast.users["bob"],
        cadre=cast.member,
        day=TODAY - timedelta(days=3),
        reason="手机没电",
        today=TODAY,
    )
    assert not BoardSnapshot.objects.filter(stale=True).exists()


def test_refresh_boards_recomputes_the_stale_months_first(cast):
    file_boards(cast.city, first=FIRST, today=TODAY)
    BoardSnapshot.objects.update(stale=True)
    call_command("refresh_boards")
    # Then September is fresh again, and this month (October) is filed too
    assert not BoardSnapshot.objects.filter(stale=True).exists()
    months = set(BoardSnapshot.objects.values_list("month", flat=True))
    assert months == {FIRST, date(2025, 10, 1)}


def _region_url(region):
    return reverse("dashboards:region", args=[region.pk]) + "?month=2025-09"


def test_a_board_with_no_snapshot_is_computed_on_first_reading_and_filed(cast, client, monkeypatch):
    # Given no snapshot yet, and the engines watched
    from zhucun.dashboards import figures

    runs = []
    attendance_for = figures.attendance_for

    def watched(*a, **kw):
        runs.append(a)
        return attendance_for(*a, **kw)

    monkeypatch.setattr(figures, "attendance_for", watched)
    grow_town(cast, 2)
    client.force_login(cast.users["dora"])
    # When the county officer opens the county board
    first = client.get(_region_url(cast.county))
    # Then it is computed and filed, with the boards of its towns and teams
    assert first.status_code == 200 and len(runs) == 1
    filed = BoardSnapshot.objects.filter(month=FIRST)
    assert filed.filter(region=cast.county, team=None).exists()
    assert filed.filter(region=cast.town, team=None).exists()
    assert filed.filter(team=cast.team).exists()
    # And the next readings of it, of its town and of a team run no engine
    again = client.get(_region_url(cast.county))
    town = client.get(_region_url(cast.town))
    team = client.get(reverse("dashboards:team", args=[cast.team.pk]) + "?month=2025-09")
    assert (again.status_code, town.status_code, team.status_code) == (200, 200, 200)
    assert len(runs) == 1
    # (the page reads the snapshot without the findings themselves, only their number)
    assert to_json(again.context["b"])[0] == to_json(first.context["b"])[0]


def test_the_list_behind_a_figure_reads_the_board_s_snapshot_and_runs_no_engine(
    cast, client, monkeypatch
):
    from zhucun.dashboards import figures

    grow_town(cast, 2)
    file_boards(cast.city, first=FIRST, today=TODAY)

    def refused(*a, **kw):
        raise AssertionError("an engine ran")

    monkeypatch.setattr(figures, "attendance_for", refused)
    monkeypatch.setattr(figures, "contact_compliance", refused)
    client.force_login(cast.users["dora"])
    for figure in ("teams", "cadres", "off_track", "missing", "findings", "pending"):
        url = reverse("dashboards:region_records", args=[cast.county.pk, figure])
        assert client.get(url + "?month=2025-09").status_code == 200, figure


def test_the_board_says_when_its_figures_were_computed_and_when_they_are_stale(cast, client):
    file_boards(cast.city, first=FIRST, today=TODAY)
    BoardSnapshot.objects.update(
        computed_at=timezone.make_aware(timezone.datetime(2025, 10, 8, 2, 5))
    )
    client.force_login(cast.users["dora"])
    text = client.get(_region_url(cast.county)).content.decode()
    assert "数据截至2025年10月8日 02:05" in text and "待更新" not in text
    # When a back-dated check-in changes the past
    stationing_services.check_in_backfill(
        user=cast.users["bob"],
        cadre=cast.member,
        day=TODAY - timedelta(days=3),
        reason="手机没电",
        today=TODAY,
    )
    # Then the county's and the team's boards say they wait for the next computation
    text = client.get(_region_url(cast.county)).content.decode()
    assert "数据截至2025年10月8日 02:05" in text and "待更新" in text
    client.force_login(cast.users["alice"])
    team = client.get(reverse("dashboards:team", args=[cast.team.pk]) + "?month=2025-09")
    assert "待更新" in team.content.decode()


def test_a_snapshot_opens_only_for_who_may_open_its_board(cast, client):
    file_boards(cast.city, first=FIRST, today=TODAY)
    for username, url, status in (
        ("oscar", _region_url(cast.county), 404),
        ("ed", _region_url(cast.county), 404),
        ("olga", reverse("dashboards:team", args=[cast.team.pk]), 404),
        ("dora", _region_url(cast.county), 200),
    ):
        client.force_login(cast.users[username])
        assert client.get(url).status_code == status, username
