"""Real browsers: Playwright driving Debian's Chromium against the live test server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs chromium")
    args = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser, live_server):
    """A new page at a given viewport; closed after the test."""
    contexts = []

    def _open(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_server.url)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str, second_factor: bool = True):
    """Log in through the pages; with `second_factor`, also type the TOTP code when asked.

    A role that must use a second factor and has no authenticator yet is
    sent to the enrolment page: the code is computed from the secret shown
    there, as an authenticator app would.
    """
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if not second_factor:
        return
    if "/account/otp/enrol/" in page.url:
        from base64 import b32decode

        from django_otp.oath import totp

        secret = page.locator("#otp-secret").inner_text().strip()
        page.fill("#id_token", f"{totp(b32decode(secret)):06d}")
        page.click("button[type=submit]")
        page.wait_for_load_state()
    elif "/account/otp/" in page.url:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from zhucun.accounts.second_factor import next_token

        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_token", next_token(device))
        page.click("button[type=submit]")
        page.wait_for_load_state()
