"""A household cadre's week on a phone (390 px): inquiries, a home visit and daily logs."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD
from zhucun.households.models import Contact
from zhucun.worklogs.models import WorkLog

pytestmark = pytest.mark.browser


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_household_cadre_does_a_weeks_work_on_a_phone(cast, page_at):
    # Given bob, a team member who also helps two households
    second = f.HouseholdFactory(village=cast.village, head_name="韩家")
    f.PairingFactory(household=second, cadre=cast.member)
    third = f.HouseholdFactory(village=cast.village, head_name="魏家")
    f.PairingFactory(household=third, cadre=cast.member)
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(4, -1, -1)]
    page = page_at(PHONE)
    log_in(page, "bob", PASSWORD)
    page.wait_for_url("**/")

    # When he opens his households and records a phone inquiry for each, and a home visit
    page.get_by_role("link", name="我的结对户").click()
    # The click only waits for the navigation to start: wait for the cards before counting
    expect(page.locator(".household-card")).to_have_count(2)
    assert _fits(page)
    screenshot(page, "cadre-week-households-phone")
    for name, day in (("韩家户", days[0]), ("魏家户", days[1])):
        card = page.locator(".household-card", has_text=name)
        card.get_by_role("link", name="记电话询问").click()
        page.fill("#id_day", day.isoformat())
        page.fill("#id_learned", "电话了解:家中一切正常,小麦已播种")
        page.fill("#id_problems", "化肥价格上涨")
        assert _fits(page)
        page.get_by_role("button", name="保存到纪实资料簿").click()
        page.wait_for_selector(".messages")
    page.locator(".household-card", has_text="韩家户").get_by_role(
        "link", name="记入户帮扶"
    ).click()
    page.fill("#id_day", days[2].isoformat())
    page.fill("#id_learned", "入户查看住房和饮水,均安全")
    page.fill("#id_help_given", "讲解医保报销流程")
    page.fill("#id_escalated", "村道破损,报村两委")
    screenshot(page, "cadre-week-visit-form-phone")
    page.get_by_role("button", name="保存到纪实资料簿").click()
    page.wait_for_selector(".messages")
    assert "本周联系" in page.content()

    # And a future date is refused with the field named, saving nothing
    page.locator(".household-card", has_text="魏家户").get_by_role(
        "link", name="记电话询问"
    ).click()
    page.evaluate("document.getElementById('id_day').removeAttribute('max')")
    page.fill("#id_day", (today + timedelta(days=1)).isoformat())
    page.fill("#id_learned", "未来的记录")
    page.get_by_role("button", name="保存到纪实资料簿").click()
    assert "日期:不能填报未来日期" in page.locator(".error").inner_text()

    # And he writes a log for each day of the week, one of them off site
    for n, day in enumerate(days):
        page.goto(f"/worklogs/write/?day={day.isoformat()}")
        page.get_by_label("(二)精准识别、精准帮扶、精准退出").check()
        if n == 3:
            page.get_by_label("离村在外工作(出差、开会、培训等)").check()
        page.fill("#id_content", f"第{n + 1}天:走访结对户,核实收入情况")
        assert _fits(page)
        page.get_by_role("button", name="保存日志").click()
        page.wait_for_url("**/worklogs/")
    screenshot(page, "cadre-week-logs-phone")

    # Then the record books and the logs hold the week's work
    assert Contact.objects.filter(cadre=cast.member).count() == 3
    assert (
        Contact.objects.filter(cadre=cast.member, kind="visit").get().escalated
        == "村道破损,报村两委"
    )
    assert WorkLog.objects.filter(cadre=cast.member).count() == 5
    assert WorkLog.objects.get(cadre=cast.member, day=days[3]).off_site is True
    page.goto(f"/households/{second.pk}/book/")
    assert "入户查看住房和饮水" in page.content() and _fits(page)
    screenshot(page, "cadre-week-record-book-phone")
