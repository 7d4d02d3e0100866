"""A county officer reviews the finished year and finalises it in a real browser (第三十二条)."""

import pytest

from tests.assessment import builders as b
from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from zhucun.assessment.models import FinalResult

pytestmark = pytest.mark.browser


def test_a_county_officer_reviews_and_finalises_the_year(cast, page_at):
    # Given a demo-like 2025: five cadres present all year, one who refused three notices
    b.whole_team(cast)
    b.extra_members(cast, 3)
    b.notices(cast.member, cast.users["ed"], refused=3)
    page = page_at(DESKTOP)
    # When dora opens 考核 from the navigation
    log_in(page, "dora", PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="考核", exact=True).click()
    page.wait_for_url(f"**/assessment/{b.YEAR}/county/{cast.county.pk}/")
    # Then she sees the ranked proposals and the quota: five assessed, one 优秀
    assert "1个" in page.locator("#quota").inner_text()
    assert page.locator("#ranked tbody tr").count() == 5
    assert "第三十五条(五)" in page.locator("#ranked").inner_text()
    screenshot(page, "assessment-county-year-desktop")
    # And bob's explanation shows the rule that fired, its evidence and the parameters
    page.get_by_role("link", name="鲍勃").click()
    assert page.locator("#grade").inner_text() == "不称职"
    checks = page.locator("#checks").inner_text()
    assert "第三十五条(五)" in checks and "拒绝整改" in checks
    assert page.locator("#parameters tbody tr").count() > 10
    assert page.get_by_role("link", name="下载事实JSON").is_visible()
    screenshot(page, "assessment-explanation-desktop")
    page.go_back()
    # When she finalises
    page.locator("#finalise").click()
    # Then the year is locked and archived, with the filing lists offered
    assert "已定档" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="下载报市备案名单").is_visible()
    assert FinalResult.objects.filter(year=b.YEAR).count() == 5
    assert FinalResult.objects.filter(grade="优秀").count() == 1
    screenshot(page, "assessment-finalised-desktop")
    # And the page reads on a phone without sideways scrolling of the page itself
    phone = page_at(PHONE)
    log_in(phone, "dora", PASSWORD)
    phone.wait_for_url("**/")
    phone.goto(page.url)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "assessment-finalised-phone")
