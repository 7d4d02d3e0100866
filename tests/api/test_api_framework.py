"""The API's frame: its schema and docs, who may call it, and how it answers errors."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from tests import factories as f
from zhucun import urls
from zhucun.api.models import ApiToken
from zhucun.api.services import api_token_create, api_token_revoke, token_digest


def test_the_openapi_schema_is_served_by_the_application(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/teams", "/api/v1/cadres", "/api/v1/households", "/api/v1/pairings"} <= set(
        schema["paths"]
    )
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message"]


def test_the_docs_page_loads_only_local_assets_and_no_inline_script(client, db):
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert all(finders.find(s.removeprefix("/static/")) for s in sources)
    # Every <script> element loads a file; none carries a body.
    assert re.findall(r"<script[^>]*>([^<]*)</script>", page) == [""] * page.count("<script")


def test_a_call_without_credentials_is_401_with_a_chinese_message(client, db):
    response = client.get("/api/v1/teams")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthenticated"
    assert "令牌" in body["message"]


def test_a_token_opens_the_api_as_its_user_and_a_revoked_one_does_not(cast, client):
    # Given dora made a token
    token, raw = api_token_create(user=cast.users["dora"], name="县平台")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    # When a machine client calls with it
    me = client.get("/api/v1/me", **auth)
    # Then it acts as dora, and is told no CSRF token (it needs none)
    assert me.status_code == 200
    assert me.json()["username"] == "dora"
    assert me.json()["roles"] == ["county"]
    assert me.json()["csrf_token"] is None
    token.refresh_from_db()
    assert token.last_used_at is not None
    # When the token is revoked, it opens nothing
    api_token_revoke(user=cast.users["dora"], token_id=token.pk)
    assert client.get("/api/v1/me", **auth).status_code == 401
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer zc_guessed").status_code == 401


def test_the_token_page_shows_a_new_token_once_and_stores_only_its_hash(cast, client):
    client.force_login(cast.users["alice"])
    # When alice creates a token on the page
    created = client.post("/api-tokens/", {"name": "手机同步"})
    assert created.status_code == 200
    raw = re.search(r'id="new-token">(zc_[^<]+)<', created.content.decode()).group(1)
    # Then the server keeps its hash only, and the list never shows it again
    token = ApiToken.objects.get(user=cast.users["alice"])
    assert token.digest == token_digest(raw) and raw not in (token.digest, token.prefix)
    listing = client.get("/api-tokens/").content.decode()
    assert raw not in listing and token.prefix in listing
    # And the token works
    client.logout()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["username"] == "alice"


def test_a_token_without_a_purpose_is_refused_on_the_page_naming_the_field(cast, client):
    client.force_login(cast.users["alice"])
    response = client.post("/api-tokens/", {"name": "  "})
    assert response.status_code == 422
    assert "请填写令牌用途" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_user_cannot_revoke_someone_elses_token(cast, client):
    token, _ = api_token_create(user=cast.users["dora"], name="县平台")
    client.force_login(cast.users["oscar"])
    client.post(f"/api-tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.active


def test_the_page_session_opens_the_api_and_hands_the_page_its_csrf_token(cast, client):
    client.force_login(cast.users["carol"])
    me = client.get("/api/v1/me").json()
    assert me["roles"] == ["household_cadre"]
    assert me["cadre"]["name"] == "卡萝"
    assert me["csrf_token"]


def test_bad_query_input_is_a_422_naming_the_field_and_rule_in_chinese(cast, bearer):
    client = bearer(cast.users["dora"])
    response = client.get("/api/v1/teams", {"page_size": 1000})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "page_size"
    assert "不能大于200" in body["message"]
    response = client.get("/api/v1/teams", {"period_start": "2025-02-30"})
    assert response.json()["field"] == "period_start"
    assert "YYYY-MM-DD" in response.json()["message"]
    response = client.get(
        "/api/v1/teams", {"period_start": "2025-03-01", "period_end": "2025-02-01"}
    )
    assert response.status_code == 422 and response.json()["field"] == "period_end"
    response = client.get("/api/v1/teams", {"region": "999999999999"})
    assert response.status_code == 422 and response.json()["message"] == "区划代码不存在。"


def test_the_three_administrators_hold_no_business_data_in_the_api_either(cast, bearer):
    client = bearer(cast.users["sam"])
    response = client.get("/api/v1/teams")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_lists_are_paged(cast, bearer):
    client = bearer(cast.users["gus"])
    first = client.get("/api/v1/households", {"page_size": 1}).json()
    second = client.get("/api/v1/households", {"page_size": 1, "page": 2}).json()
    assert first["count"] == second["count"] == 2
    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["id"] != second["items"][0]["id"]
    beyond = client.get("/api/v1/households", {"page_size": 1, "page": 3}).json()
    assert beyond["items"] == []


@pytest.mark.parametrize(
    "region, expected",
    [
        ("610124000000", {"team"}),  # 周至 county
        ("610122000000", {"other_team"}),  # 蓝田 county
        ("610100000000", {"team", "other_team"}),  # 西安 city
        ("610124100201", {"team"}),  # the village itself
    ],
)
def test_lists_filter_by_region_code_within_the_users_scope(cast, bearer, region, expected):
    client = bearer(cast.users["gus"])
    items = client.get("/api/v1/teams", {"region": region}).json()["items"]
    assert {i["id"] for i in items} == {getattr(cast, t).pk for t in expected}


def test_lists_filter_by_period(cast, bearer):
    client = bearer(cast.users["dora"])
    formed = cast.team.formed_on
    before = client.get(
        "/api/v1/teams", {"period_start": "2000-01-01", "period_end": "2000-12-31"}
    ).json()
    during = client.get("/api/v1/teams", {"period_start": formed.isoformat()}).json()
    assert before["count"] == 0 and during["count"] == 1
    cadres = client.get("/api/v1/cadres", {"period_end": "2000-12-31"}).json()
    assert cadres["count"] == 0


def test_cadres_come_with_masked_id_numbers_and_phones(cast, bearer):
    client = bearer(cast.users["dora"])
    item = client.get(f"/api/v1/cadres/{cast.leader.pk}").json()
    assert item["id_number_masked"] == cast.leader.id_number_masked
    assert item["phone_masked"] == cast.leader.phone_masked
    text = client.get("/api/v1/cadres").content.decode()
    assert cast.leader.id_number not in text and cast.leader.phone not in text


@pytest.mark.parametrize("url", ["/api/v1/households", "/api/v1/cadres", "/api/v1/pairings"])
def test_a_list_costs_the_same_number_of_queries_at_two_data_sizes(cast, bearer, url):
    client = bearer(cast.users["dora"])
    client.get(url)  # the token's first use is recorded once

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    for _ in range(20):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre)
        f.PairingFactory(household=f.HouseholdFactory(village=cast.village), cadre=cadre)
    assert count_queries() == small <= 8


def test_every_api_operation_declares_who_may_call_it():
    from zhucun.api.app import api

    undeclared = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                if not getattr(operation.view_func, "zhucun_roles", None):
                    undeclared.append(f"{operation.methods} {prefix}{path}")
    assert undeclared == []


def test_the_schema_documents_findings_assessments_and_funds_with_the_idempotency_header(
    client, db
):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {
        "/api/v1/findings",
        "/api/v1/assessments/{year}/cadres/{cadre_id}",
        "/api/v1/assessments/{year}/counties/{county_id}",
        "/api/v1/funds/ledgers",
        "/api/v1/funds/teams/{team_id}/ledger",
        "/api/v1/funds/teams/{team_id}/expenses",
        "/api/v1/funds/expenses/{expense_id}",
        "/api/v1/funds/expenses/{expense_id}/signatures",
        "/api/v1/me/allowances",
    } <= set(paths)
    for path in (
        "/api/v1/funds/teams/{team_id}/expenses",
        "/api/v1/funds/expenses/{expense_id}/signatures",
    ):
        headers = {p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"}
        assert "Idempotency-Key" in headers
    upload = paths["/api/v1/funds/teams/{team_id}/expenses"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_no_page_pattern_matches_an_api_path_so_the_api_is_resolved_first():
    # Given every path of the API, its URL arguments filled (a number fits each)
    api_entry = urls.urlpatterns[0]
    assert str(api_entry.pattern) == "api/v1/" and api_entry.namespace == "api-v1"
    paths = {
        "/api/v1/" + re.sub(r"<(?:\w+:)?\w+>", "7", str(entry.pattern))
        for entry in api_entry.url_patterns
    }
    assert {"/api/v1/checkins", "/api/v1/worklogs", "/api/v1/worklogs/7/attachments"} <= paths
    # When they are resolved by every other pattern of the site, the pages' and admin's
    pages = URLResolver(RegexPattern(r"^/"), urls.urlpatterns[1:])
    # Then none matches: each path resolves to the API, whichever comes first
    for path in sorted(paths):
        with pytest.raises(Resolver404):
            pages.resolve(path)
        assert get_resolver().resolve(path).namespace == "api-v1"
