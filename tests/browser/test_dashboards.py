"""Each role opens its dashboard in a browser; a figure matches the records; screenshots for docs/."""

from datetime import date
from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.dashboards.grow import grow_town
from tests.factories import PASSWORD
from zhucun.dashboards.figures import board

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TODAY = date(2025, 10, 8)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # Today is fixed; the local date of a given time (a report's submission) is still computed.
    from django.utils import timezone

    real = timezone.localdate
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: real(*a, **k) if a else TODAY
    )


@pytest.mark.parametrize(
    ("username", "place", "name"),
    [
        ("gus", "city", "city"),
        ("dora", "county", "county"),
        ("ed", "town", "town"),
        ("alice", "team", "team-leader"),
    ],
)
def test_each_role_opens_its_dashboard_and_a_figure_matches_its_records(
    cast, page_at, username, place, name
):
    # Given a town with more teams, cadres short of days and households never contacted
    grow_town(cast, 3)
    user = cast.users[username]
    region = cast.village if place == "team" else getattr(cast, place)
    expected = board(
        user,
        region=region,
        first=date(2025, 9, 1),
        today=TODAY,
        team=cast.team if place == "team" else None,
    )
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_at(viewport)
        log_in(page, username, PASSWORD)
        # When they open 工作看板 for September
        page.goto("/dashboards/?month=2025-09")
        page.wait_for_selector("h1:has-text('工作看板')")
        # Then the cadres-in-post figure is the number of cadres on the board
        figure = page.locator(".figure", has_text="在岗驻村干部").locator(".n")
        assert int(figure.inner_text()) == len(expected.total.cadres)
        # and the page fits a phone's width
        if viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"dashboard-{name}-{suffix}.png"), full_page=True)
    # When they follow the figure, the list holds that many records
    page.locator(".figure", has_text="在岗驻村干部").locator("a").click()
    page.wait_for_selector("#row-count")
    assert int(page.locator("#row-count").inner_text()) == len(expected.total.cadres)


def test_a_county_officer_opens_the_attendance_register_and_prints_it_on_a4(cast, page_at):
    # Given a county with four teams
    grow_town(cast, 3)
    page = page_at(DESKTOP)
    log_in(page, "dora", PASSWORD)
    # When dora goes from her dashboard to the monthly attendance sheet
    page.goto("/dashboards/?month=2025-09")
    page.click("text=驻村考勤月报表")
    page.wait_for_selector("h1:has-text('驻村考勤月报表')")
    # Then it lists every cadre in post in September, one row each
    expected = board(cast.users["dora"], region=cast.county, first=date(2025, 9, 1), today=TODAY)
    assert int(page.locator("#row-count").inner_text()) == len(expected.total.cadres)
    assert page.locator(".report-table tbody tr").count() == len(expected.total.cadres)
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "report-attendance-desktop.png"), full_page=True)
    # and its print layout drops the navigation and shows the signature line
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert page.locator(".signatures").is_visible()
    page.screenshot(path=str(DOCS / "report-attendance-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_the_county_follows_its_assessment_progress_to_the_records_and_prints_a_form(
    cast, page_at, monkeypatch
):
    from tests.assessment import builders as ab
    from zhucun.assessment.cohort import county_cohort

    # Given January 2026, and 周至's year 2025 scored for alice, bob and three more
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: ab.TODAY)
    ab.whole_team(cast)
    ab.extra_members(cast, 3)
    cohort = county_cohort(cast.county, ab.YEAR, today=ab.TODAY)
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_at(viewport)
        log_in(page, "dora", PASSWORD)
        # When dora opens her dashboard of January
        page.goto("/dashboards/?month=2026-01")
        page.wait_for_selector("#assessment-progress")
        # Then 考核对象 and 已评分 are the assessment page's own numbers, the quota a fifth
        assert int(page.locator("#assess-to").inner_text()) == len(cohort.assessed) == 5
        assert int(page.locator("#assess-scored").inner_text()) == len(cohort.assessed)
        assert page.locator("#assess-excellent").inner_text() == f"0/{cohort.quota}"
        if viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("#assessment-h").scroll_into_view_if_needed()
        page.screenshot(path=str(DOCS / f"dashboard-county-assessment-{suffix}.png"))
    # When she follows 考核对象, the list holds those cadres
    page.click("#assess-to")
    page.wait_for_selector("#row-count")
    assert int(page.locator("#row-count").inner_text()) == len(cohort.assessed)
    # And from a cadre's assessment, the registration form prints on A4 without the navigation
    page = page_at(DESKTOP)
    log_in(page, "dora", PASSWORD)
    page.goto(f"/assessment/{ab.YEAR}/cadre/{cast.member.pk}/")
    page.click("text=考核登记表(打印/Excel)")
    page.wait_for_selector("#assessment-form")
    assert page.locator("#assessment-form").inner_text().count("第三十五条") >= 4
    page.screenshot(path=str(DOCS / "report-assessment-form-desktop.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert page.locator(".signatures").is_visible()
    page.screenshot(path=str(DOCS / "report-assessment-form-print.png"), full_page=True)
    assert page.pdf(format="A4").startswith(b"%PDF")


def test_the_team_leader_sees_the_reports_due_with_their_deadlines(cast, page_at):
    from datetime import datetime, time

    from django.utils import timezone

    from zhucun.reports.periods import ReportKind, periods_between
    from zhucun.reports.selectors import report_rows
    from zhucun.reports.services import report_submit

    # Given a team that submitted every report up to August, on its deadline
    for kind in ReportKind:
        for period in periods_between(kind, cast.team.formed_on, date(2025, 8, 31)):
            report_submit(
                actor=cast.users["alice"],
                team=cast.team,
                period=period,
                work_done="按计划开展入户走访,落实帮扶措施。",
                problems="",
                next_plan="",
                now=timezone.make_aware(datetime.combine(period.due, time(9))),
            )
    rows = report_rows([cast.team], date(2024, 1, 1), TODAY, today=TODAY)[cast.team.pk]
    owed = [r for r in rows if r.report is None]
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = page_at(viewport)
        log_in(page, "alice", PASSWORD)
        # When alice opens her team's dashboard
        page.goto("/dashboards/?month=2025-09")
        page.wait_for_selector("#reports-h")
        # Then the reports still owed are listed with their deadlines, the overdue ones marked
        assert int(page.locator("#owed-count").inner_text()) == len(owed)
        overdue = sum(r.status == "late" for r in owed)
        assert int(page.locator("#overdue-count").inner_text()) == overdue
        assert page.locator("#reports-owed tbody tr").count() == min(len(owed), 8)
        assert page.locator("#reports-owed").get_by_text("逾期未交").count() == min(overdue, 8)
        if viewport is PHONE:
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.locator("#reports-h").scroll_into_view_if_needed()
        page.screenshot(path=str(DOCS / f"dashboard-team-leader-reports-{suffix}.png"))
