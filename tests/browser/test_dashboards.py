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
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


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
