"""Bulk export of a county for a period, as JSON lines, for county and city offices only."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories as f

PERIOD = {"period_start": "2025-01-01", "period_end": "2025-12-31"}
ZHOUZHI, LANTIAN = "610124000000", "610122000000"


def export(client, county=ZHOUZHI, **period):
    return client.get("/api/v1/export", {"county": county, **(period or PERIOD)})


def lines(response) -> list[dict]:
    return [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_a_county_office_exports_its_county_as_json_lines(cast, bearer):
    # When dora exports 周至 for 2025
    response = export(bearer(cast.users["dora"]))
    # Then the answer is JSON lines, opening with a description of the export
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jsonl"
    records = lines(response)
    assert records[0]["kind"] == "export"
    assert records[0]["data"]["county_name"] == "周至县"
    by_kind = {}
    for r in records[1:]:
        by_kind.setdefault(r["kind"], []).append(r["data"])
    # And it holds 周至's team, its cadres (masked), households and pairings, nothing of 蓝田
    assert [t["id"] for t in by_kind["team"]] == [cast.team.pk]
    assert {c["id"] for c in by_kind["cadre"]} == {
        cast.leader.pk,
        cast.member.pk,
        cast.household_cadre.pk,
    }
    assert [h["id"] for h in by_kind["household"]] == [cast.household.pk]
    assert [p["household"]["id"] for p in by_kind["pairing"]] == [cast.household.pk]
    assert len(by_kind["assignment"]) == 2
    text = json.dumps(records, ensure_ascii=False)
    assert cast.leader.id_number not in text and "蓝田" not in text


@pytest.mark.parametrize(
    "username, county, status",
    [
        ("dora", LANTIAN, 404),  # another county
        ("oscar", ZHOUZHI, 404),
        ("oscar", LANTIAN, 200),
        ("gus", ZHOUZHI, 200),  # the city sees all its counties
        ("gus", LANTIAN, 200),
        ("ed", ZHOUZHI, 403),  # a town is not a county office
        ("alice", ZHOUZHI, 403),
        ("carol", ZHOUZHI, 403),
        ("sam", ZHOUZHI, 403),
    ],
)
def test_only_county_and_city_offices_export_and_only_their_own_counties(
    cast, bearer, username, county, status
):
    response = export(bearer(cast.users[username]), county)
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[status]


def test_the_export_carries_the_periods_check_ins_logs_contacts_and_leave(cast, bearer):
    # Given bob checked in and wrote a log today, and carol visited her household
    today = timezone.localdate()
    bob, carol = bearer(cast.users["bob"]), bearer(cast.users["carol"])
    bob.post("/api/v1/checkins", "{}", content_type="application/json")
    bob.post(
        "/api/v1/worklogs",
        json.dumps({"day": today.isoformat(), "tasks": [1], "content": "宣讲政策一次"}),
        content_type="application/json",
    )
    carol.post(
        "/api/v1/contacts",
        json.dumps(
            {
                "household_id": cast.household.pk,
                "day": today.isoformat(),
                "kind": "visit",
                "channel": "home",
                "learned": "一切正常",
            }
        ),
        content_type="application/json",
    )
    # When dora exports this year; and oscar exports his own county
    period = {"period_start": f"{today.year}-01-01", "period_end": f"{today.year}-12-31"}
    mine = lines(export(bearer(cast.users["dora"]), **period))
    theirs = lines(export(bearer(cast.users["oscar"]), LANTIAN, **period))
    kinds = [r["kind"] for r in mine]
    # Then each record is in 周至's export once, and none in 蓝田's
    assert kinds.count("checkin") == kinds.count("worklog") == kinds.count("contact") == 1
    assert not {"checkin", "worklog", "contact"} & {r["kind"] for r in theirs}


def test_an_export_before_the_team_existed_holds_only_the_households(cast, bearer):
    records = lines(
        export(bearer(cast.users["dora"]), period_start="2020-01-01", period_end="2020-12-31")
    )
    kinds = {r["kind"] for r in records}
    assert kinds == {"export", "household"}


def test_an_export_longer_than_a_year_is_refused_naming_the_field(cast, bearer):
    response = export(
        bearer(cast.users["dora"]), period_start="2024-01-01", period_end="2025-12-31"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "period_end"
    assert "366" in response.json()["message"]


def test_the_export_costs_the_same_number_of_queries_at_two_data_sizes(cast, bearer):
    client = bearer(cast.users["dora"])
    lines(export(client))  # the token's first use is recorded once

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            lines(export(client))
        return len(ctx.captured_queries)

    small = count_queries()
    for _ in range(30):
        cadre = f.CadreFactory(unit=cast.unit)
        f.PairingFactory(household=f.HouseholdFactory(village=cast.village), cadre=cadre)
    large = count_queries()
    assert large == small <= 16
