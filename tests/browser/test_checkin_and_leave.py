"""A member checks in and asks for leave on a phone; the team leader approves it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD
from zhucun.approvals.models import RequestState
from zhucun.stationing.models import CheckIn, Leave

pytestmark = pytest.mark.browser


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_member_checks_in_and_requests_leave_and_the_leader_approves_it(cast, page_at):
    # Given bob on his phone
    page = page_at(PHONE)
    log_in(page, "bob", PASSWORD)
    page.wait_for_url("**/")
    # When he opens 我的驻村 and taps the check-in button
    page.click("text=我的驻村")
    button = page.locator("#check-in")
    box = button.bounding_box()
    assert box["height"] >= 44  # a large touch target
    button.click()
    # Then today is checked in, at server time
    page.wait_for_selector("text=今天已签到")
    assert CheckIn.objects.filter(cadre=cast.member, day=timezone.localdate()).exists()
    _fits(page)
    screenshot(page, "member-checked-in-phone")

    # When he asks for two days' leave from tomorrow
    start = timezone.localdate() + timedelta(days=1)
    page.click("text=请销假")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", (start + timedelta(days=1)).isoformat())
    page.fill("#id_reason", "孩子开家长会")
    page.click("text=提交请假申请")
    # Then the request is pending with the team leader (第十六条: ≤3 days)
    page.wait_for_selector(".leave-list >> text=审批中")
    _fits(page)
    screenshot(page, "member-leave-requested-phone")

    # When alice, the team leader, opens her pending list on her phone and approves
    leader = page_at(PHONE)
    log_in(leader, "alice", PASSWORD)
    leader.wait_for_url("**/")
    # Her home page has a panel of what waits for her decision
    assert leader.locator("section.panel", has_text="待我审批").count() == 1
    leader.click("nav >> text=审批")
    leader.click("text=鲍勃请假2天")
    leader.wait_for_selector("text=驻村工作队队长批准")
    _fits(leader)
    leader.click("button[name=decision][value=approve]")
    # Then the leave is approved and recorded with her name
    leader.wait_for_selector(".state-approved")
    screenshot(leader, "leader-approved-leave-phone")
    leave = Leave.objects.select_related("approval").get(cadre=cast.member)
    assert leave.approval.state == RequestState.APPROVED
    assert leave.approval.steps.get().actor == cast.users["alice"]
