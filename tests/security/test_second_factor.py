"""The second factor (TOTP): open to every account, required for city, county and administrators."""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.security.login_steps import authenticator_for, code_for
from zhucun.audit.models import AuditEvent

REQUIRED = ["gus", "dora", "sam", "sid", "aud"]
NOT_REQUIRED = ["alice", "bob", "carol", "ed", "fay"]


def password_login(username) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


def wait_out_throttle(user):
    """django-otp throttles after a wrong code (1 s, doubling); a person would wait."""
    past = timezone.now() - timedelta(hours=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


def secret_on(page: str) -> bytes:
    match = re.search(r'id="otp-secret"[^>]*>([A-Z2-7=]+)<', page)
    return b32decode(match.group(1))


@pytest.mark.parametrize("username", REQUIRED)
def test_city_county_and_administrators_must_enrol_before_any_page(cast, username):
    client = password_login(username)
    response = client.get(reverse("rulebook:parameters"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


@pytest.mark.parametrize("username", NOT_REQUIRED)
def test_other_roles_go_straight_in_without_an_authenticator(cast, username):
    client = password_login(username)
    assert client.get(reverse("home")).status_code == 200


def test_a_county_officer_enrols_an_authenticator_with_the_secret_shown_as_text(cast):
    client = password_login("dora")
    page = client.get(reverse("accounts:otp_enrol")).content.decode()
    # The page shows the secret and the otpauth:// URI (no QR image library on the intranet)
    assert "otpauth://totp/" in page
    key = secret_on(page)
    # A wrong code is refused, in Chinese, and nothing is confirmed
    response = client.post(reverse("accounts:otp_enrol"), {"token": "000000"})
    assert "动态验证码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.users["dora"], confirmed=True).exists()
    wait_out_throttle(cast.users["dora"])
    # The code an authenticator app computes from the secret enrols it
    response = client.post(reverse("accounts:otp_enrol"), {"token": f"{totp(key):06d}"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert TOTPDevice.objects.filter(user=cast.users["dora"], confirmed=True).count() == 1
    assert AuditEvent.objects.filter(event="otp.enrol", outcome="ok", actor=cast.users["dora"])


def test_an_enrolled_user_must_type_the_current_code_after_the_password(cast):
    authenticator_for(cast.users["dora"])
    client = password_login("dora")
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    # A wrong code keeps the door shut
    client.post(reverse("accounts:otp_verify"), {"token": "123456"})
    assert client.get(reverse("home")).status_code == 302
    # And right after a wrong code even the right one waits (brute-force throttling)
    client.post(reverse("accounts:otp_verify"), {"token": code_for(cast.users["dora"])})
    assert client.get(reverse("home")).status_code == 302
    wait_out_throttle(cast.users["dora"])
    # The right one opens it
    response = client.post(reverse("accounts:otp_verify"), {"token": code_for(cast.users["dora"])})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    outcomes = list(AuditEvent.objects.filter(event="otp.verify").values_list("outcome", flat=True))
    assert outcomes == ["failed", "failed", "ok"]


def test_a_code_cannot_be_used_twice(cast):
    authenticator_for(cast.users["dora"])
    first, second = password_login("dora"), password_login("dora")
    code = code_for(cast.users["dora"])
    first.post(reverse("accounts:otp_verify"), {"token": code})
    second.post(reverse("accounts:otp_verify"), {"token": code})
    assert first.get(reverse("home")).status_code == 200
    assert second.get(reverse("home")).status_code == 302


def test_any_user_may_enrol_and_then_needs_the_code_at_every_login(cast):
    bob = password_login("bob")
    key = secret_on(bob.get(reverse("accounts:otp_enrol")).content.decode())
    bob.post(reverse("accounts:otp_enrol"), {"token": f"{totp(key):06d}"})
    again = password_login("bob")
    assert again.get(reverse("home"))["Location"].startswith(reverse("accounts:otp_verify"))


def test_the_roles_that_need_a_second_factor_are_a_setting(cast, settings):
    settings.ZHUCUN_OTP_REQUIRED_ROLES = ["town"]
    assert password_login("ed").get(reverse("home")).status_code == 302
    assert password_login("dora").get(reverse("home")).status_code == 200


def test_the_security_administrator_resets_a_lost_authenticator(cast, client):
    authenticator_for(cast.users["dora"])
    dora = password_login("dora")
    client.force_login(cast.users["sid"])
    client.post(
        reverse("accounts:user_action", args=[cast.users["dora"].pk]), {"action": "otp_reset"}
    )
    assert not TOTPDevice.objects.filter(user=cast.users["dora"]).exists()
    assert dora.get(reverse("home")).status_code == 302  # her session ended
    again = password_login("dora")
    assert again.get(reverse("home"))["Location"].startswith(reverse("accounts:otp_enrol"))
    assert AuditEvent.objects.filter(event="otp.reset", actor=cast.users["sid"]).exists()
