"""Login failures (等保2.0 身份鉴别): 5 failures lock the account and the address for 30 minutes."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from zhucun.audit.models import AuditEvent

A, B = "10.0.0.1", "10.0.0.2"


def attempt(username, password, address):
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def age_attempts(minutes):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_five_failures_lock_the_account_from_every_address_for_thirty_minutes(cast):
    # Given five wrong passwords for bob from one address
    for _ in range(5):
        attempt("bob", "wrong", A)
    # When bob types the right password from another address
    client, response = attempt("bob", PASSWORD, B)
    # Then he is refused, with the Chinese lockout page
    assert response.status_code == 429
    assert "锁定30分钟" in response.content.decode()
    assert not logged_in(client)
    # And after 29 minutes still
    age_attempts(29)
    assert not logged_in(attempt("bob", PASSWORD, B)[0])
    # But after 30 minutes he is let in
    age_attempts(31)
    assert logged_in(attempt("bob", PASSWORD, B)[0])


def test_four_failures_do_not_lock(cast):
    for _ in range(4):
        attempt("bob", "wrong", A)
    assert logged_in(attempt("bob", PASSWORD, A)[0])


def test_five_failures_from_one_address_lock_the_address_for_every_account(cast):
    # Given five failures from address A, each for a different account
    for name in ("x1", "x2", "x3", "x4", "x5"):
        attempt(name, "wrong", A)
    # Then bob cannot log in from A, but can from B
    assert not logged_in(attempt("bob", PASSWORD, A)[0])
    assert logged_in(attempt("bob", PASSWORD, B)[0])


def test_failures_and_lockouts_are_audited_with_account_and_address(cast):
    for _ in range(5):
        attempt("bob", "wrong", A)
    attempt("bob", PASSWORD, B)
    failures = AuditEvent.objects.filter(event="login", outcome="failed", actor_name="bob")
    assert failures.count() == 6  # five wrong passwords and the refused right one
    assert set(failures.values_list("address", flat=True)) == {A, B}
    locked = AuditEvent.objects.filter(event="login.locked", actor_name="bob")
    assert locked.exists()
    assert all(e.at.tzinfo is not None for e in locked)


def test_the_security_administrator_sees_and_unlocks_a_locked_account(cast, client):
    for _ in range(5):
        attempt("bob", "wrong", A)
    # Given the security administrator on the lockout page
    client.force_login(cast.users["sid"])
    page = client.get(reverse("accounts:lockouts")).content.decode()
    assert "bob" in page and A in page
    # When they unlock bob
    client.post(reverse("accounts:lockout_clear"), {"username": "bob"})
    # Then bob logs in, and the unlock is audited
    assert logged_in(attempt("bob", PASSWORD, B)[0])
    unlock = AuditEvent.objects.get(event="login.unlock")
    assert unlock.actor == cast.users["sid"] and unlock.detail["username"] == "bob"


def test_the_security_administrator_unlocks_an_address(cast, client):
    for name in ("x1", "x2", "x3", "x4", "x5"):
        attempt(name, "wrong", A)
    client.force_login(cast.users["sid"])
    client.post(reverse("accounts:lockout_clear"), {"ip": A})
    assert logged_in(attempt("bob", PASSWORD, A)[0])


@pytest.mark.parametrize("username", ["sam", "aud", "dora", "alice"])
def test_only_the_security_administrator_may_unlock(cast, client, username):
    for _ in range(5):
        attempt("bob", "wrong", A)
    client.force_login(cast.users[username])
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    assert client.post(reverse("accounts:lockout_clear"), {"username": "bob"}).status_code == 403
    assert not logged_in(attempt("bob", PASSWORD, B)[0])
