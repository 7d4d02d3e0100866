"""A cadre on a phone with no signal: entries wait on the phone and arrive exactly once."""

from datetime import timedelta

import pytest
from django.core.signals import request_started
from django.utils import timezone

from tests.browser.conftest import PHONE, log_in, screenshot
from tests.factories import PASSWORD
from zhucun.stationing.models import CheckIn, Leave

pytestmark = pytest.mark.browser


def wait_until_controlled(page):
    """The service worker has taken over the page (so a reload can come from it)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_entries_made_offline_survive_a_reload_and_are_stored_once_when_back_online(cast, page_at):
    # Given bob, a team member, on his phone with the phone pages loaded
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
        # And asks for leave on the leave page (served by the phone itself)
        page.click("nav.tabs >> text=请假")
        start = timezone.localdate() + timedelta(days=5)
        page.fill("#leave-start", start.isoformat())
        page.fill("#leave-end", (start + timedelta(days=1)).isoformat())
        page.fill("#leave-reason", "孩子开家长会")
        page.click("text=提交申请")
        page.wait_for_function("() => document.querySelectorAll('#outbox li.pending').length === 2")
        # And the page is reloaded (as after closing the browser)
        page.reload()
        # Then both entries are still on the phone, marked as not sent
        page.wait_for_function("() => document.querySelectorAll('#outbox li.pending').length === 2")
        states = page.locator("#outbox li .state").all_inner_texts()
        assert states == ["未发送", "未发送"]
        assert page.inner_text("#net") == "离线"
        screenshot(page, "phone-offline-outbox")
        # And nothing reached the server while offline
        assert reached == []
        assert not CheckIn.objects.exists() and not Leave.objects.exists()
    finally:
        request_started.disconnect(count)

    # When the signal comes back
    page.context.set_offline(False)
    # Then every entry is sent and marked as sent
    page.wait_for_function(
        "() => document.querySelectorAll('#outbox li.sent').length === 2", timeout=15_000
    )
    screenshot(page, "phone-back-online")
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1
    assert Leave.objects.filter(cadre=cast.member).count() == 1

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
                out.push([r.status, r.headers.get('Idempotent-Replayed')]);
            }
            return out;
        }"""
    )
    assert statuses == [[201, "true"], [201, "true"]]
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1
    assert Leave.objects.filter(cadre=cast.member).count() == 1
