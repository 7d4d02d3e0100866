"""Dashboards: each role sees its scope, figures equal their records and exports, queries stay flat."""

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.dashboards.grow import grow_town
from zhucun.dashboards.figures import board
from zhucun.dashboards.models import BoardSnapshot
from zhucun.dashboards.records import FIGURES, records
from zhucun.exports.xlsx import HEADER_ROW

MONTH = "2025-09"
TODAY = date(2025, 10, 8)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # The dashboards read the clock once per request; fix it after September 2025.
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _region_url(region, suffix=""):
    return reverse("dashboards:region", args=[region.pk]) + suffix


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


@pytest.mark.parametrize(
    ("username", "region_attr", "status"),
    [
        ("gus", "city", 200),
        ("gus", "county", 200),
        ("dora", "county", 200),
        ("dora", "town", 200),
        ("dora", "city", 404),
        ("dora", "other_county", 404),
        ("ed", "town", 200),
        ("ed", "county", 404),
        ("oscar", "county", 404),
        ("oscar", "other_county", 200),
    ],
)
def test_an_office_opens_dashboards_of_its_own_regions_only(
    cast, client, username, region_attr, status
):
    # Given an office user
    client.force_login(cast.users[username])
    # When they open a region's dashboard
    response = client.get(_region_url(getattr(cast, region_attr)) + f"?month={MONTH}")
    # Then their own region (or one below it) opens, any other is not found
    assert response.status_code == status


@pytest.mark.parametrize(("username", "status"), [("alice", 200), ("olga", 404), ("dora", 200)])
def test_a_team_dashboard_opens_for_its_leader_and_offices_above_it(cast, client, username, status):
    client.force_login(cast.users[username])
    response = client.get(reverse("dashboards:team", args=[cast.team.pk]))
    assert response.status_code == status


@pytest.mark.parametrize("username", ["bob", "carol", "fay", "sam"])
def test_members_household_cadres_units_and_administrators_get_no_dashboard(cast, client, username):
    client.force_login(cast.users[username])
    assert client.get(_region_url(cast.county)).status_code in (403, 404)
    assert client.get(reverse("dashboards:team", args=[cast.team.pk])).status_code in (403, 404)


def test_the_city_sees_every_county_side_by_side_and_the_outsider_county_is_separate(cast, client):
    # Given the city with two counties, each with a team
    client.force_login(cast.users["gus"])
    # When gus opens the city dashboard
    response = client.get(_region_url(cast.city) + f"?month={MONTH}")
    # Then each county is a row, and 宝鸡 (another city) is nowhere
    b = response.context["b"]
    names = {r.name: r for r in b.rows}
    assert {"周至县", "蓝田县"} <= set(names)
    assert len(names["周至县"].teams) == 1 and len(names["蓝田县"].teams) == 1
    assert cast.far_team.pk not in b.total.teams
    assert "渭滨区" not in names


def test_a_county_officer_s_figures_hold_only_their_county(cast, client):
    grow_town(cast, 2)
    client.force_login(cast.users["oscar"])
    b = client.get(_region_url(cast.other_county) + f"?month={MONTH}").context["b"]
    assert b.total.teams == {cast.other_team.pk}
    assert cast.team.pk not in b.total.teams


def test_every_figure_equals_the_rows_of_its_list_and_of_its_export(cast, client):
    # Given a county with several teams, cadres short of days, and households never contacted
    grow_town(cast, 3)
    user = cast.users["dora"]
    client.force_login(user)
    b = board(user, region=cast.county, first=date(2025, 9, 1), today=TODAY)
    expected = {
        "teams": len(b.total.teams),
        "cadres": len(b.total.cadres),
        "on_track": len(b.total.on_track),
        "off_track": len(b.total.off_track),
        "households": len(b.total.households),
        "missing": len(b.total.missing),
        "findings": len(b.total.findings),
        "pending": len(b.total.pending),
    }
    assert expected["teams"] == 4 and expected["cadres"] >= 7 and expected["off_track"] >= 3
    assert expected["missing"] == expected["households"] >= 9
    for figure, count in expected.items():
        url = _region_url(cast.county, f"records/{figure}/?month={MONTH}")
        # When the list behind the figure is opened and exported
        page = client.get(url)
        export = client.get(url + "&format=xlsx")
        # Then both hold exactly the figure's number of records
        assert len(page.context["rows"]) == count, figure
        sheet = load_workbook(BytesIO(export.content)).active
        assert sheet.max_row - HEADER_ROW == max(count, 0) or (
            count == 0 and sheet.max_row == HEADER_ROW
        ), figure
        assert FIGURES[figure] in sheet["A1"].value


def test_a_region_too_big_for_a_list_of_households_gets_the_same_figures(cast, monkeypatch):
    # Given a county board computed with its households passed to the compliance as a list
    from zhucun.dashboards import figures

    grow_town(cast, 2)
    user = cast.users["dora"]
    as_list = board(user, region=cast.county, first=date(2025, 9, 1), today=TODAY)
    # When the county counts as too big for a list (a city's households exceed SQLite's limit)
    monkeypatch.setattr(figures, "HOUSEHOLD_LIST_MAX", 0)
    as_subquery = board(user, region=cast.county, first=date(2025, 9, 1), today=TODAY)
    # Then the subquery gives the same households, misses, findings and trend
    assert as_subquery.total.missing == as_list.total.missing and as_list.total.missing
    assert as_subquery.total.findings == as_list.total.findings
    assert as_subquery.trend == as_list.trend


def test_findings_by_article_add_up_and_each_article_lists_its_own(cast):
    grow_town(cast, 2)
    user = cast.users["dora"]
    b = board(user, region=cast.county, first=date(2025, 9, 1), today=TODAY)
    by_article = dict(b.total.findings_by_article())
    assert sum(by_article.values()) == len(b.total.findings)
    assert "第十六条" in by_article and "第二十条" in by_article
    for article, n in by_article.items():
        assert len(records(b, "findings", article).rows) == n


def test_the_town_dashboard_has_one_row_per_team_and_links_to_the_team(cast, client):
    grow_town(cast, 2)
    client.force_login(cast.users["ed"])
    response = client.get(_region_url(cast.town) + f"?month={MONTH}")
    b = response.context["b"]
    assert b.level == "team" and len(b.rows) == 3
    assert reverse("dashboards:team", args=[cast.team.pk]) in response.content.decode()


# Each page's query budget (issue 8): a board reads its snapshot (login 5 — the leader's
# roles take two more reads —, the region or team 1, the snapshot 1, the to-do list or
# the team's live rows). Computing a board (refresh_boards, or the first reading of a
# month) takes more — the engines alone 12 — but as many at every size too.
BOARD_BUDGET = 15
REGION_FILING_BUDGET = 36  # with no cadre to assess; assessment progress adds 3 more
TEAM_FILING_BUDGET = 38  # as its leader, whose roles are derived from two more reads
REGISTER_BUDGET = 15


def _refiled(client, url) -> tuple[int, int]:
    """The queries of `url` computing its board (no snapshot yet), then reading it."""
    BoardSnapshot.objects.all().delete()
    return _queries(client, url), _queries(client, url)


@pytest.mark.parametrize(
    ("username", "place"), [("gus", "city"), ("dora", "county"), ("ed", "town")]
)
def test_a_region_dashboard_takes_the_same_queries_at_two_sizes(cast, client, username, place):
    client.force_login(cast.users[username])
    url = _region_url(getattr(cast, place)) + f"?month={MONTH}"
    client.get(url)  # warm per-process caches (content types, holidays)
    # Given one more team in the town
    grow_town(cast, 1)
    filing, reading = _refiled(client, url)
    assert filing <= REGION_FILING_BUDGET and reading <= BOARD_BUDGET
    # When six more teams with more cadres and households are added
    grow_town(cast, 6, cadres_per_team=3, households_per_team=5)
    # Then the board takes exactly as many queries, computed and read
    assert _refiled(client, url) == (filing, reading)


@pytest.mark.parametrize(
    ("username", "url_of"),
    [
        ("dora", lambda cast: _region_url(cast.county)),
        ("gus", lambda cast: _region_url(cast.city)),
        ("alice", lambda cast: reverse("dashboards:team", args=[cast.team.pk])),
    ],
)
def test_a_board_runs_each_engine_once_for_the_year_up_to_its_month(
    cast, client, monkeypatch, username, url_of
):
    # Given the two engines the boards read, watched
    from zhucun.dashboards import figures

    calls = {"attendance": [], "compliance": []}
    attendance_for, contact_compliance = figures.attendance_for, figures.contact_compliance

    def watched_attendance(cadre_ids, year, **kw):
        calls["attendance"].append(year)
        return attendance_for(cadre_ids, year, **kw)

    def watched_compliance(user, **kw):
        calls["compliance"].append((kw["since"], kw["until"]))
        return contact_compliance(user, **kw)

    monkeypatch.setattr(figures, "attendance_for", watched_attendance)
    monkeypatch.setattr(figures, "contact_compliance", watched_compliance)
    grow_town(cast, 2)
    client.force_login(cast.users[username])
    # When the board of September opens
    response = client.get(url_of(cast) + f"?month={MONTH}")
    # Then each engine ran once, for January to September, and the monthly trend comes from it
    assert response.status_code == 200
    assert calls == {
        "attendance": [2025],
        "compliance": [(date(2025, 1, 1), date(2025, 9, 30))],
    }
    trend = response.context["b"].trend
    assert [month for month, _share, _missed in trend] == [f"2025-{m:02d}" for m in range(1, 10)]
    assert trend[-1][2] > 0  # September's missed contacts, from the same result


@pytest.mark.parametrize("username", ["alice", "dora"])
def test_the_team_dashboard_takes_the_same_queries_at_two_sizes(cast, client, username):
    from tests import factories as f

    client.force_login(cast.users[username])
    url = reverse("dashboards:team", args=[cast.team.pk]) + f"?month={MONTH}"
    client.get(url)
    filing, reading = _refiled(client, url)
    assert filing <= TEAM_FILING_BUDGET and reading <= BOARD_BUDGET
    for _ in range(8):
        f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit))
        f.PairingFactory(
            household=f.HouseholdFactory(village=cast.village), cadre=cast.household_cadre
        )
    assert _refiled(client, url) == (filing, reading)


@pytest.mark.parametrize("name", ["roster", "leave", "attendance", "contacts"])
def test_each_register_prints_and_exports_the_same_rows_with_a_chinese_title(cast, client, name):
    grow_town(cast, 2)
    client.force_login(cast.users["dora"])
    url = reverse("dashboards:report", args=[cast.county.pk, name]) + f"?month={MONTH}"
    page = client.get(url)
    assert page.status_code == 200
    rows = page.context["report"].rows
    export = client.get(url + "&format=xlsx")
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.max_row - HEADER_ROW == len(rows) or (not rows and sheet.max_row == HEADER_ROW)
    assert "周至县" in sheet["A1"].value
    assert "导出单位" in sheet["A2"].value
    assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert sheet.column_dimensions["A"].width > 4


def test_a_register_takes_the_same_queries_at_two_sizes(cast, client):
    client.force_login(cast.users["dora"])
    for name in ("roster", "leave", "attendance", "contacts"):
        url = reverse("dashboards:report", args=[cast.county.pk, name]) + f"?month={MONTH}"
        client.get(url)
    grow_town(cast, 1)
    small = {
        n: _queries(
            client, reverse("dashboards:report", args=[cast.county.pk, n]) + f"?month={MONTH}"
        )
        for n in ("roster", "leave", "attendance", "contacts")
    }
    assert small["attendance"] <= REGISTER_BUDGET
    grow_town(cast, 5, households_per_team=4)
    for n, count in small.items():
        assert (
            _queries(
                client, reverse("dashboards:report", args=[cast.county.pk, n]) + f"?month={MONTH}"
            )
            == count
        ), n


def test_the_attendance_sheet_counts_the_september_days_of_a_cadre(cast, client):
    grow_town(cast, 1)
    client.force_login(cast.users["ed"])
    url = reverse("dashboards:report", args=[cast.town.pk, "attendance"]) + f"?month={MONTH}"
    rows = client.get(url).context["report"].rows
    # The grown leader checked in on September 1–9: 9 stationed days, short of 20.
    leader_rows = [r for r in rows if r[4] == 9]
    assert leader_rows and leader_rows[0][-1] == "未达标"


def test_the_attendance_sheet_reads_the_calendar_of_its_month_only(cast, client, monkeypatch):
    # Given the calendar's facts reader, watched
    from zhucun.dashboards import reports

    periods = []
    facts_for = reports.facts_for

    def watched(cadre_ids, start, end):
        periods.append((start, end))
        return facts_for(cadre_ids, start, end)

    monkeypatch.setattr(reports, "facts_for", watched)
    grow_town(cast, 1)
    client.force_login(cast.users["dora"])
    # When September's attendance sheet opens
    url = reverse("dashboards:report", args=[cast.county.pk, "attendance"]) + f"?month={MONTH}"
    assert client.get(url).status_code == 200
    # Then it read September's facts, once, not the year around it
    assert periods == [(date(2025, 9, 1), date(2025, 9, 30))]


def test_articles_sort_in_the_order_of_the_rulebook():
    from zhucun.dashboards.figures import article_number

    given = ["第三十五条(四)", "第二十条", "第六条", "第十六条", "第三十五条(三)", "第三条"]
    assert sorted(given, key=article_number) == [
        "第三条",
        "第六条",
        "第十六条",
        "第二十条",
        "第三十五条(三)",
        "第三十五条(四)",
    ]


@pytest.mark.parametrize(
    ("username", "region_attr", "status"),
    [("dora", "county", 200), ("dora", "other_county", 404), ("ed", "county", 404)],
)
@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_the_records_behind_a_figure_open_only_within_the_user_s_scope(
    cast, client, username, region_attr, status, figure
):
    client.force_login(cast.users[username])
    url = _region_url(getattr(cast, region_attr), f"records/{figure}/?month={MONTH}")
    assert client.get(url).status_code == status
    assert client.get(url + "&format=xlsx").status_code == status


@pytest.mark.parametrize(("username", "status"), [("alice", 200), ("olga", 404), ("oscar", 404)])
def test_the_records_of_a_team_open_for_its_leader_and_not_for_outsiders(
    cast, client, username, status
):
    client.force_login(cast.users[username])
    url = reverse("dashboards:team_records", args=[cast.team.pk, "cadres"])
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    ("username", "region_attr", "status"),
    [("gus", "county", 200), ("oscar", "county", 404), ("ed", "town", 200), ("ed", "county", 404)],
)
@pytest.mark.parametrize("name", ["roster", "leave", "attendance", "contacts"])
def test_registers_open_only_within_the_user_s_scope(
    cast, client, username, region_attr, status, name
):
    client.force_login(cast.users[username])
    url = reverse("dashboards:report", args=[getattr(cast, region_attr).pk, name])
    assert client.get(url).status_code == status
    assert client.get(url + "?format=xlsx").status_code == status


@pytest.mark.parametrize("username", ["alice", "bob", "fay"])
def test_cadres_and_units_may_not_open_registers(cast, client, username):
    client.force_login(cast.users[username])
    url = reverse("dashboards:report", args=[cast.county.pk, "roster"])
    assert client.get(url).status_code in (403, 404)


def test_an_export_of_a_register_is_audited_as_personal_data(cast, client):
    from zhucun.audit.models import AuditEvent

    client.force_login(cast.users["dora"])
    url = reverse("dashboards:report", args=[cast.county.pk, "roster"]) + "?format=xlsx"
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.order_by("-pk").first()
    assert event.event == "export.personal" and event.detail["filters"]["report"] == "roster"
