"""A county officer enrols an authenticator at first login; a new account changes its password."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.browser.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_county_officer_enrols_an_authenticator_then_reaches_home(cast, page_at):
    page = page_at(PHONE)
    log_in(page, "dora", PASSWORD, second_factor=False)
    assert "/account/otp/enrol/" in page.url
    assert "须启用动态验证码" in page.locator("[role=alert]").first.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "enrolment page overflows on a phone"
    screenshot(page, "otp-enrol-phone")
    # A wrong code is refused in Chinese
    page.fill("#id_token", "000000")
    page.click("button[type=submit]")
    assert "动态验证码不正确" in page.locator("form .error").inner_text()
    # The code an app computes from the secret on the page opens the home page
    page.wait_for_timeout(1100)  # django-otp makes a wrong guess wait a second
    secret = page.locator("#otp-secret").inner_text().strip()
    page.fill("#id_token", f"{totp(b32decode(secret)):06d}")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "区县驻村工作领导小组" in page.locator("section.panel h2").first.inner_text()


def test_a_new_account_must_choose_its_own_password_first(cast, page_at):
    ed = cast.users["ed"]
    ed.password_changed_at = None
    ed.save(update_fields=["password_changed_at"])
    page = page_at(DESKTOP)
    log_in(page, "ed", PASSWORD)
    assert "/account/password/" in page.url
    assert "首次登录须修改初始密码" in page.content()
    screenshot(page, "password-change-desktop")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Qiu#Shan7lu")
    page.fill("#id_new_password2", "Qiu#Shan7lu")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "镇(街办)" in page.locator("section.panel h2").first.inner_text()
