"""On a phone, the county tries to withdraw a poor village's team too early and the unit tries
to end a stationing without a handover: both are refused with their article (第七条, 第六条)."""

from datetime import date

import pytest

from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_early_withdrawal_and_leaving_without_a_handover_are_refused_on_a_phone(cast, page_at):
    # Given a poor village's team formed in 2019
    cast.team.formed_on = date(2019, 1, 1)
    cast.team.save()
    # When the county office opens the team on a phone and withdraws it on 2020-12-31
    county = page_at(PHONE)
    log_in(county, "dora", PASSWORD)
    county.goto(f"/teams/{cast.team.pk}/")
    county.click("text=撤离工作队")
    county.fill("#id_on", "2020-12-31")
    county.click("button:has-text('确认撤离')")
    # Then the refusal names the rule and its article, and the team stays
    county.wait_for_selector(".error >> text=依据第七条")
    assert "不得撤离" in county.locator(".error").inner_text()
    _fits(county)
    screenshot(county, "county-withdrawal-refused-phone")
    cast.team.refresh_from_db()
    assert cast.team.withdrawn_on is None

    # When bob's unit opens the team and ends his stationing with no handover recorded
    unit = page_at(PHONE)
    log_in(unit, "fay", PASSWORD)
    unit.goto(f"/teams/{cast.team.pk}/")
    unit.click("li:has-text('鲍勃') >> text=结束任职")
    unit.wait_for_selector("text=尚无交接记录")
    unit.fill("#id_on", date.today().isoformat())
    unit.click("button:has-text('结束任职')")
    # Then it is refused under 第六条 and bob is still in post
    unit.wait_for_selector(".error >> text=依据第六条")
    _fits(unit)
    screenshot(unit, "unit-leaving-refused-phone")
    assert cast.member.assignments.get().end is None
