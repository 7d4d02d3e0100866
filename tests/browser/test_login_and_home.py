"""Each role logs in through the real login page and sees its own home page."""

import pytest

from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# username -> what their home page must show
HOMES = {
    "gus": "市级管理员",
    "dora": "区县驻村工作领导小组",
    "ed": "镇(街办)",
    "fay": "参扶单位",
    "alice": "驻村工作队长",
    "bob": "驻村队员",
    "carol": "联户干部",
    "sam": "系统管理员",
    "sid": "安全管理员",
    "aud": "审计管理员",
}


@pytest.mark.parametrize("username", sorted(HOMES))
def test_each_role_logs_in_and_sees_its_home_page(cast, page_at, username):
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = page_at(viewport)
        log_in(page, username, PASSWORD)
        page.wait_for_url("**/")
        panel = page.locator("section.panel h2").first
        assert HOMES[username] in panel.inner_text()
        assert page.locator("header.topbar").is_visible()
        # Nothing wider than the screen on a phone.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{username} home overflows at {label}"
        screenshot(page, f"home-{username}-{label}")


def test_a_wrong_password_shows_a_chinese_error_and_no_home(cast, page_at):
    page = page_at(PHONE)
    log_in(page, "alice", "wrong-password")
    assert "/login/" in page.url
    assert "请输入" in page.locator("[role=alert]").inner_text()
