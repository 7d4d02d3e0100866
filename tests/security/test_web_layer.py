"""The web layer (等保2.0 通信传输 / 入侵防范): production settings, headers, CSP, error pages."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

from tests.security.login_steps import VerifiedClient
from tests.security.test_permission_matrix import WALKED, urls_for
from tests.security.urlwalk import filler

ROOT = Path(__file__).resolve().parents[2]
SECRET = "prod-test-" + "k3y" * 20


def production_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZHUCUN_", "DJANGO_"))}
    env.update(
        ZHUCUN_DEBUG="false",
        ZHUCUN_SECRET_KEY=SECRET,
        ZHUCUN_ALLOWED_HOSTS="zhucun.example.gov.cn",
        ZHUCUN_DATA_DIR=str(tmp_path),
        DATABASE_URL="",
        DJANGO_SETTINGS_MODULE="zhucun.settings",
    )
    return env


def manage(tmp_path, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_with_production_settings(tmp_path):
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_debug_off_and_secure_transport_on(tmp_path):
    names = [
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
    ]
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    values = json.loads(result.stdout)
    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("ZHUCUN_SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "ZHUCUN_SECRET_KEY" in result.stderr


def test_every_response_carries_the_security_headers(cast, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    client = VerifiedClient()
    client.force_login(cast.users["dora"])
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


class InlineCode(HTMLParser):
    """Finds what CSP forbids: script bodies, <style> blocks, style="" and on*="" attributes."""

    def __init__(self):
        super().__init__()
        self.found, self._in = [], None

    def handle_starttag(self, tag, attrs):
        for name, _value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
        if tag in ("script", "style"):
            self._in = tag
            if tag == "style":
                self.found.append("<style> block")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script" and data.strip():
            self.found.append(f"<script> body: {data.strip()[:40]}")


@pytest.mark.parametrize(
    "username", ["gus", "dora", "ed", "fay", "alice", "bob", "carol", "sid", "aud"]
)
def test_no_page_has_inline_scripts_styles_or_event_handlers(cast, username):
    user = cast.users[username]
    client = VerifiedClient()
    client.force_login(user)
    pages = [("login", "/login/", Client())]
    for name, page in WALKED.items():
        if name == "logout":
            continue
        pages += [
            (name, url, client)
            for label, url in urls_for(page, filler(page), user)
            if label != "other"
        ]
    for name, url, who in pages:
        response = who.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        assert "Content-Security-Policy" in response, name
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], f"{username} → {name}: {parser.found}"


@pytest.fixture
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.security.error_urls"
    return Client(raise_request_exception=False)


INTERNALS = re.compile(r"Traceback|SELECT|RuntimeError|accounts_user|settings|Django|File \"", re.I)


def test_a_page_that_does_not_exist_answers_in_chinese_and_reveals_nothing(production_like):
    response = production_like.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body
    assert not INTERNALS.search(body) and "/no/such/page/" not in body


def test_a_failure_answers_in_chinese_and_reveals_nothing(production_like):
    response = production_like.get("/test-fails/")
    body = response.content.decode()
    assert response.status_code == 500 and "系统出错" in body
    assert not INTERNALS.search(body)


def test_a_refusal_answers_in_chinese(cast, production_like):
    production_like.force_login(cast.users["bob"])
    body = production_like.get("/audit/").content.decode()
    assert "无权访问" in body and not INTERNALS.search(body)


def test_a_stale_form_answers_in_chinese(cast, settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "bob", "password": "x"})
    body = response.content.decode()
    assert response.status_code == 403 and "请求已过期" in body
    assert "CSRF" not in body and not INTERNALS.search(body)
