"""Sessions (等保2.0 身份鉴别): 30 minutes idle, 12 hours absolute, ended on the server."""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from zhucun.accounts.auth_events import LOGIN_AT_SESSION_KEY
from zhucun.accounts.models import UserSession
from zhucun.accounts.sessions import SessionStore
from zhucun.audit.models import AuditEvent


def password_login(username) -> Client:
    client = Client()
    client.post(reverse("login"), {"username": username, "password": PASSWORD})
    return client


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_cookie_lasts_thirty_minutes_and_each_request_renews_it(cast):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = password_login("bob")
    row = UserSession.objects.get(session_key=session_key(client))
    UserSession.objects.filter(pk=row.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    client.get(reverse("home"))
    row.refresh_from_db()
    assert row.expire_date > timezone.now() + timedelta(minutes=29)


def test_a_request_renews_the_idle_timeout_once_it_has_slipped_by_a_minute(cast):
    client = password_login("bob")
    client.get(reverse("home"))
    row = UserSession.objects.get(session_key=session_key(client))
    # Given a session renewed 50 seconds ago
    renewed = timezone.now() + timedelta(minutes=30, seconds=-50)
    UserSession.objects.filter(pk=row.pk).update(expire_date=renewed)
    # When the user opens a page, the session row is not written again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries if "UPDATE" in q["sql"] and "usersession" in q["sql"]]
    row.refresh_from_db()
    assert row.expire_date == renewed
    # But once renewed more than a minute ago, the next request renews it to a full 30 minutes
    UserSession.objects.filter(pk=row.pk).update(expire_date=renewed - timedelta(seconds=20))
    client.get(reverse("home"))
    row.refresh_from_db()
    assert row.expire_date > timezone.now() + timedelta(minutes=29, seconds=59)


def test_a_session_idle_for_thirty_minutes_is_refused_by_the_server(cast):
    client = password_login("bob")
    # Given the session's expiry passed on the server (the browser may still send the cookie)
    UserSession.objects.filter(session_key=session_key(client)).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    # Then the next request is sent to the login page
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def set_login_age(client, age: timedelta):
    session = client.session
    session[LOGIN_AT_SESSION_KEY] = (timezone.now() - age).timestamp()
    session.save()


def test_a_session_ends_twelve_hours_after_login_however_active(cast):
    client = password_login("bob")
    key = session_key(client)
    set_login_age(client, timedelta(hours=11, minutes=59))
    assert client.get(reverse("home")).status_code == 200
    set_login_age(client, timedelta(hours=12))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(event="session.expired", actor=cast.users["bob"]).exists()
    assert client.get(reverse("home")).status_code == 302


def test_logout_deletes_the_session_on_the_server(cast):
    client = password_login("bob")
    key = session_key(client)
    assert UserSession.objects.filter(session_key=key, user=cast.users["bob"]).exists()
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(session_key=key).exists()
    # A copy of the old cookie is worth nothing
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(event="logout", actor=cast.users["bob"]).exists()


def test_disabling_an_account_ends_all_its_sessions_on_the_server(cast, client):
    # Given bob logged in on two devices
    phone, desk = password_login("bob"), password_login("bob")
    assert UserSession.objects.filter(user=cast.users["bob"]).count() == 2
    # When the security administrator disables his account
    client.force_login(cast.users["sid"])
    client.post(reverse("accounts:user_action", args=[cast.users["bob"].pk]), {"action": "disable"})
    # Then both sessions are gone from the server
    assert not UserSession.objects.filter(user=cast.users["bob"]).exists()
    assert phone.get(reverse("home")).status_code == 302
    assert desk.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(event="user.deactivate")
    assert event.actor == cast.users["sid"] and event.detail["sessions_ended"] == 2


def test_login_issues_a_new_session_id(cast):
    # Given a browser that already has a session before logging in
    client = Client()
    before = SessionStore()
    before["seen"] = True
    before.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    # When it logs in
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    # Then the cookie carries a new id, and the old one is gone from the server
    assert session_key(client) != before.session_key
    assert not UserSession.objects.filter(session_key=before.session_key).exists()
    assert isinstance(client.session, SessionBase) and client.session["_auth_user_id"]


def test_a_login_is_audited_with_time_zone_user_and_address(cast):
    Client(REMOTE_ADDR="10.1.2.3").post(reverse("login"), {"username": "bob", "password": PASSWORD})
    event = AuditEvent.objects.get(event="login", outcome="ok")
    assert event.actor == cast.users["bob"] and event.address == "10.1.2.3"
    assert event.at.tzinfo is not None
