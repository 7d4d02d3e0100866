"""A cadre on a phone with no signal: entries wait on the phone and arrive exactly once."""

from datetime import timedelta

import pytest
from django.core.signals import request_started
from django.utils import timezone

from tests import factories as f
from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD
from zhucun.households.models import Contact
from zhucun.stationing.models import CheckIn, Leave
from zhucun.worklogs.models import WorkLog

pytestmark = pytest.mark.browser


def wait_until_controlled(page):
    """The service worker has taken over the page (so a reload can come from it)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_entries_made_offline_survive_a_reload_and_are_stored_once_when_back_online(cast, page_at):
    # Given bob, a team member who is also paired with a household, on his phone
    household = f.HouseholdFactory(village=cast.village, head_name="包家")
    f.PairingFactory(household=household, cadre=cast.member)
    page = page_at(PHONE)
    log_in(page, "bob", PASSWORD)
    page.wait_for_url("**/")
    page.goto("/m/")
    wait_until_controlled(page)
    reached = []

    def count(sender, environ, **kwargs):
        reached.append(environ["PATH_INFO"])

    request_started.connect(count)
    try:
        # When the signal is gone
        page.context.set_offline(True)
        # And he checks in
        page.click("text=在村签到")
        page.wait_for_selector("#outbox li.pending")
        # And writes the day's log (the log page comes from the phone itself)
        page.click("nav.tabs >> text=日志")
        page.check("input[name=tasks][value='2']")
        page.fill("#log-content", "走访三户,核实收入台账")
        page.click("text=保存日志")
        wait_for_pending(page, 2)
        # And records a home visit
        page.click("nav.tabs >> text=走访")
        page.select_option("#visit-household", str(household.pk))
        page.fill("#visit-learned", "家中三口人,小孩按时上学")
        page.click("text=保存记录")
        wait_for_pending(page, 3)
        # And asks for leave
        page.click("nav.tabs >> text=请假")
        start = timezone.localdate() + timedelta(days=5)
        page.fill("#leave-start", start.isoformat())
        page.fill("#leave-end", (start + timedelta(days=1)).isoformat())
        page.fill("#leave-reason", "孩子开家长会")
        page.click("text=提交申请")
        wait_for_pending(page, 4)
        # And the page is reloaded (as after closing the browser)
        page.reload()
        # Then every entry is still on the phone, marked as not sent
        wait_for_pending(page, 4)
        states = page.locator("#outbox li .state").all_inner_texts()
        assert states == ["未发送"] * 4
        assert page.inner_text("#net") == "离线"
        screenshot(page, "phone-offline-outbox")
        # And nothing reached the server while offline
        assert reached == []
        for model in (CheckIn, WorkLog, Contact, Leave):
            assert not model.objects.exists()
    finally:
        request_started.disconnect(count)

    # When the signal comes back
    page.context.set_offline(False)
    # Then every entry is sent and marked as sent
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox li.sent').length === 4", timeout=15_000
    )
    screenshot(page, "phone-back-online")
    stored_once(cast, household)

    # And sending the same entries again (a lost answer, a second tab) stores nothing new
    statuses = page.evaluate(
        """async () => {
            const me = await (await fetch('/api/v1/me')).json();
            const entries = await window.ZhucunOutbox.forUser(document.body.dataset.user);
            const out = [];
            for (const e of entries) {
                const r = await fetch(e.url, {method: 'POST', body: JSON.stringify(e.body),
                    headers: {'Content-Type': 'application/json', 'X-CSRFToken': me.csrf_token,
                              'Idempotency-Key': e.key}});
                out.push([e.kind, r.status, r.headers.get('Idempotent-Replayed')]);
            }
            return out;
        }"""
    )
    assert sorted(statuses) == [
        ["checkin", 201, "true"],
        ["contact", 201, "true"],
        ["leave", 201, "true"],
        ["worklog", 200, "true"],
    ]
    stored_once(cast, household)


def wait_for_pending(page, n):
    page.wait_for_function(
        "n => document.querySelectorAll('#outbox li.pending').length === n", arg=n
    )


def stored_once(cast, household):
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1
    log = WorkLog.objects.get(cadre=cast.member)
    assert log.tasks == [2] and log.revisions == 1
    contact = Contact.objects.get(household=household)
    assert (contact.kind, contact.channel, contact.cadre_id) == ("visit", "home", cast.member.pk)
    assert Leave.objects.filter(cadre=cast.member).count() == 1
