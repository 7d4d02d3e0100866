"""Check-ins, official business, leave and approvals through the API: the same services
as the pages, refusals as 4xx naming the field and the rule, and the same data scope."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from zhucun.stationing.models import CheckIn, Leave, OfficialBusiness

TODAY = timezone.localdate


def post(client, url, body, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def test_a_check_in_is_one_tap_and_a_second_tap_changes_nothing(cast, bearer):
    client = bearer(cast.users["bob"])
    # When bob checks in twice today
    first = post(client, "/api/v1/checkins", {})
    second = post(client, "/api/v1/checkins", {"latitude": 34.1, "longitude": 108.2})
    # Then the first is created, the second answers with the same record
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["day"] == TODAY().isoformat() and not first.json()["backfilled"]
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1


def test_a_check_in_resent_with_its_key_is_answered_as_the_first_time(cast, bearer):
    client = bearer(cast.users["bob"])
    key = "6a0c6f5e-0d7e-4a51-8b7e-2d1f3c4b5a69"
    first = post(client, "/api/v1/checkins", {}, key=key)
    again = post(client, "/api/v1/checkins", {}, key=key)
    assert (first.status_code, first.content) == (again.status_code, again.content)
    assert again["Idempotent-Replayed"] == "true"
    conflict = post(client, "/api/v1/checkins", {"latitude": 1, "longitude": 1}, key=key)
    assert conflict.status_code == 409 and conflict.json()["code"] == "idempotency_mismatch"


def test_a_check_in_made_offline_yesterday_arrives_as_a_marked_backfill_for_yesterday(cast, bearer):
    yesterday = timezone.localtime() - timedelta(days=1)
    response = post(
        bearer(cast.users["bob"]), "/api/v1/checkins", {"recorded_at": yesterday.isoformat()}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["day"] == yesterday.date().isoformat()
    assert body["backfilled"] and "离线签到" in body["reason"]


def test_a_check_in_for_a_future_day_is_refused_naming_the_field(cast, bearer):
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = post(
        bearer(cast.users["bob"]), "/api/v1/checkins", {"recorded_at": tomorrow.isoformat()}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "future_date"
    assert response.json()["field"] == "recorded_at"
    assert not CheckIn.objects.exists()


def test_a_check_in_outside_the_assignment_is_refused_with_the_rule(cast, bearer):
    # Given a cadre whose assignment ended last month
    cadre = f.CadreFactory(unit=cast.unit)
    f.AssignmentFactory(
        team=cast.team,
        cadre=cadre,
        start=TODAY() - timedelta(days=400),
        end=TODAY() - timedelta(days=30),
    )
    user = f.cadre_user("ivy", cadre)
    # Their account still holds no stationed role, so the endpoint refuses them outright
    response = post(bearer(user), "/api/v1/checkins", {})
    assert response.status_code == 403
    # And a backfill for a day of the old assignment's end +1 is outside it
    bob = bearer(cast.users["bob"])
    before = cast.member.assignments.get().start - timedelta(days=3)
    response = post(
        bob, "/api/v1/checkins", {"recorded_at": f"{before.isoformat()}T09:00:00+08:00"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "outside_assignment"
    assert response.json()["field"] == "day"


def test_offices_cannot_check_in(cast, bearer):
    response = post(bearer(cast.users["dora"]), "/api/v1/checkins", {})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_official_business_is_recorded_once_and_an_overlap_is_refused(cast, bearer):
    client = bearer(cast.users["bob"])
    body = {
        "kind": "meeting",
        "start": (TODAY() - timedelta(days=2)).isoformat(),
        "end": (TODAY() - timedelta(days=1)).isoformat(),
        "what": "全县驻村干部培训会",
        "where": "县委党校",
    }
    assert post(client, "/api/v1/official-business", body).status_code == 201
    clash = post(client, "/api/v1/official-business", {**body, "kind": "trip"})
    assert clash.status_code == 409 and clash.json()["code"] == "overlap"
    bad_kind = post(client, "/api/v1/official-business", {**body, "kind": "holiday"})
    assert bad_kind.status_code == 422 and bad_kind.json()["field"] == "kind"
    assert OfficialBusiness.objects.count() == 1


def test_leave_goes_through_the_policy_route_and_the_leader_decides_it_by_api(cast, bearer, client):
    start = TODAY() + timedelta(days=3)
    body = {
        "start": start.isoformat(),
        "end": (start + timedelta(days=1)).isoformat(),
        "reason": "家中有事",
    }
    # When bob asks for two days
    asked = post(bearer(cast.users["bob"]), "/api/v1/leave-requests", body)
    assert asked.status_code == 201
    leave = asked.json()
    assert leave["days"] == 2 and leave["article"] == "第十六条" and leave["state"] == "pending"
    assert [s["approver"] for s in leave["steps"]] == ["驻村工作队队长"]
    # And asks again for an overlapping day
    again = post(bearer(cast.users["bob"]), "/api/v1/leave-requests", {**body, "reason": "再请"})
    assert again.status_code == 409 and again.json()["code"] == "overlap"
    assert again.json()["field"] == "start"
    # Then alice, his leader, finds the step waiting and approves it
    alice = bearer(cast.users["alice"])
    pending = alice.get("/api/v1/approvals/pending").json()["items"]
    assert [p["request_id"] for p in pending] == [Leave.objects.get().approval_id]
    step_id = pending[0]["step"]["id"]
    decided = post(alice, f"/api/v1/approvals/steps/{step_id}/decision", {"approve": True})
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    twice = post(
        alice,
        f"/api/v1/approvals/steps/{step_id}/decision",
        {"approve": False, "comment": "改主意"},
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"
    # And an outsider cannot even see the step
    outsider = post(
        bearer(cast.users["oscar"]),
        f"/api/v1/approvals/steps/{step_id}/decision",
        {"approve": True},
    )
    assert outsider.status_code == 404


def test_leave_dates_in_the_wrong_order_are_refused_naming_the_field(cast, bearer):
    start = TODAY() + timedelta(days=3)
    body = {
        "start": start.isoformat(),
        "end": (start - timedelta(days=1)).isoformat(),
        "reason": "x",
    }
    response = post(bearer(cast.users["bob"]), "/api/v1/leave-requests", body)
    assert response.status_code == 422 and response.json()["field"] == "end"


@pytest.mark.parametrize(
    "username, whose, status",
    [
        ("bob", "member", 200),
        ("bob", "leader", 200),  # team mates see each other's month, as on the page
        ("alice", "member", 200),
        ("dora", "member", 200),
        ("ed", "member", 200),
        ("oscar", "member", 404),
        ("carol", "member", 403),
    ],
)
def test_the_month_calendar_is_scoped_like_the_page(cast, bearer, username, whose, status):
    cadre = getattr(cast, whose)
    response = bearer(cast.users[username]).get(f"/api/v1/cadres/{cadre.pk}/calendar")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["month"] == f"{TODAY():%Y-%m}"
        assert {d["status"] for d in body["days"]} <= {
            "stationed",
            "official",
            "leave",
            "rest",
            "absent",
            "unknown",
            "",
        }
        assert any(c["article"].startswith("第十六条") for c in body["checks"])


def test_check_in_lists_follow_the_data_scope(cast, bearer):
    post(bearer(cast.users["bob"]), "/api/v1/checkins", {})
    seen = {
        n: bearer(cast.users[n]).get("/api/v1/checkins").json()["count"]
        for n in ("dora", "alice", "oscar", "fay")
    }
    assert seen == {"dora": 1, "alice": 1, "oscar": 0, "fay": 1}
