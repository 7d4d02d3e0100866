"""The cadre's phone pages: who opens them, what they are made of, and the offline shell."""

import json
import re

import pytest
from django.contrib.staticfiles import finders

PAGES = ["/m/", "/m/log/", "/m/visit/", "/m/leave/", "/m/calendar/"]
# user -> {page: status}
EXPECTED = {
    "alice": {"/m/": 200, "/m/log/": 200, "/m/visit/": 403, "/m/leave/": 200, "/m/calendar/": 200},
    "bob": {"/m/": 200, "/m/log/": 200, "/m/visit/": 403, "/m/leave/": 200, "/m/calendar/": 200},
    "carol": {"/m/": 200, "/m/log/": 403, "/m/visit/": 200, "/m/leave/": 403, "/m/calendar/": 200},
    "dora": dict.fromkeys(PAGES, 403),
    "sam": dict.fromkeys(PAGES, 403),
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_the_phone_pages_open_for_the_cadres_they_serve(cast, client, username):
    client.force_login(cast.users[username])
    for url, status in EXPECTED[username].items():
        assert client.get(url).status_code == status, f"{username} {url}"


def test_the_phone_pages_are_small_and_carry_no_inline_script_or_style(cast, client):
    client.force_login(cast.users["alice"])
    for url in ["/m/", "/m/log/", "/m/leave/", "/m/calendar/"]:
        html = client.get(url).content.decode()
        assert len(html.encode()) < 8_000, url
        assert re.findall(r"<script[^>]*>([^<]+)</script>", html) == [], url
        assert " style=" not in html and "<style" not in html and " on" + "click=" not in html
    scripts = ["zhucun/mobile/phone.js", "zhucun/mobile/outbox.js", "zhucun/mobile/phone.css"]
    assert sum(len(open(finders.find(s), "rb").read()) for s in scripts) < 20_000


def test_the_visit_form_offers_only_the_cadres_own_paired_households(cast, client):
    client.force_login(cast.users["carol"])
    html = client.get("/m/visit/").content.decode()
    assert f'value="{cast.household.pk}"' in html
    assert cast.other_household.code not in html and cast.far_household.code not in html


def test_the_service_worker_is_served_as_javascript_with_a_scope_over_the_phone_pages(client, db):
    response = client.get("/m/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/m/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", body).group(1))
    assert set(PAGES) <= set(shell)
    assert all(finders.find(u.removeprefix("/static/")) for u in shell if u.startswith("/static/"))
    # The cache is named after the assets, so a new release replaces what phones keep.
    assert re.search(r'var CACHE = "zhucun-m-[0-9a-f]{12}";', body)


def test_the_manifest_makes_the_phone_pages_installable(client, db):
    response = client.get("/m/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/m/"
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-Hans"
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))
