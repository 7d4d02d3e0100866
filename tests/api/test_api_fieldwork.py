"""Work logs and household contacts through the API: the pages' services and refusals."""

import json
from datetime import timedelta

from django.utils import timezone

from tests import factories as f
from zhucun.households.models import Contact
from zhucun.worklogs.models import WorkLog

TODAY = timezone.localdate


def post(client, url, body, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def log_body(day, **extra):
    return {"day": day.isoformat(), "tasks": [1, 11], "content": "宣讲扶贫政策,整理台账", **extra}


def test_a_log_is_written_once_per_day_and_a_second_save_amends_it(cast, bearer):
    client = bearer(cast.users["bob"])
    first = post(client, "/api/v1/worklogs", log_body(TODAY()))
    second = post(client, "/api/v1/worklogs", log_body(TODAY(), content="修改后的日志内容"))
    assert first.status_code == second.status_code == 200
    assert second.json()["revisions"] == 2 and first.json()["id"] == second.json()["id"]
    assert WorkLog.objects.count() == 1


def test_a_log_for_a_future_day_is_refused_naming_the_field(cast, bearer):
    response = post(
        bearer(cast.users["bob"]), "/api/v1/worklogs", log_body(TODAY() + timedelta(days=1))
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("future_date", "day")


def test_a_log_outside_the_assignment_or_without_tasks_is_refused_with_the_rule(cast, bearer):
    client = bearer(cast.users["bob"])
    before = cast.member.assignments.get().start - timedelta(days=1)
    response = post(client, "/api/v1/worklogs", log_body(before))
    assert (response.status_code, response.json()["code"]) == (422, "outside_assignment")
    response = post(client, "/api/v1/worklogs", log_body(TODAY(), tasks=[13]))
    assert response.status_code == 422 and response.json()["field"] == "tasks"
    assert response.json()["article"] == "第十条"
    assert not WorkLog.objects.exists()


def test_a_visit_is_recorded_for_the_cadres_own_household(cast, bearer):
    body = {
        "household_id": cast.household.pk,
        "day": TODAY().isoformat(),
        "kind": "visit",
        "channel": "home",
        "learned": "家中三口人,收入稳定",
    }
    response = post(bearer(cast.users["carol"]), "/api/v1/contacts", body)
    assert response.status_code == 201
    assert response.json()["household"]["id"] == cast.household.pk


def test_a_visit_to_a_household_not_paired_with_the_cadre_is_refused_naming_the_field(cast, bearer):
    # Given a household of the same village, paired with someone else
    other = f.HouseholdFactory(village=cast.village)
    f.PairingFactory(household=other, cadre=cast.member)
    body = {
        "day": TODAY().isoformat(),
        "kind": "inquiry",
        "channel": "phone",
        "learned": "电话询问近况",
    }
    client = bearer(cast.users["carol"])
    for household in (other, cast.other_household):
        response = post(client, "/api/v1/contacts", {**body, "household_id": household.pk})
        assert response.status_code == 422
        assert response.json()["code"] == "not_paired"
        assert response.json()["field"] == "household_id"
        assert response.json()["article"] == "第二十条"
    # And a visit by phone is not a home visit
    wrong = post(
        client, "/api/v1/contacts", {**body, "household_id": cast.household.pk, "kind": "visit"}
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "channel"
    assert not Contact.objects.exists()


def test_contact_lists_follow_the_data_scope(cast, bearer):
    body = {
        "household_id": cast.household.pk,
        "day": TODAY().isoformat(),
        "kind": "inquiry",
        "channel": "phone",
        "learned": "电话询问近况",
    }
    post(bearer(cast.users["carol"]), "/api/v1/contacts", body)
    seen = {
        n: bearer(cast.users[n]).get("/api/v1/contacts").json()["count"]
        for n in ("carol", "alice", "dora", "oscar")
    }
    assert seen == {"carol": 1, "alice": 1, "dora": 1, "oscar": 0}
