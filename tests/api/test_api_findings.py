"""Findings through the API: each with its article and evidence, by period, region and scope."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests import factories as f
from zhucun.accounts.scope import scoped
from zhucun.households.models import Household
from zhucun.org.models import Cadre, Region
from zhucun.stationing.models import CheckIn

TODAY = timezone.localdate()
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)
LAST_MONTH = LAST_MONTH_END.replace(day=1)
PERIOD = f"period_start={LAST_MONTH}&period_end={LAST_MONTH_END}"


def listing(client, query=""):
    response = client.get(f"/api/v1/findings?{PERIOD}&page_size=200{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_month_without_check_ins_logs_or_contacts_gives_findings_with_article_and_evidence(
    cast, bearer
):
    # Given bob stationed all last month with no check-in, no log; carol never called her household
    # When the county lists last month's findings
    items = listing(bearer(cast.users["dora"]))["items"]
    by_rule = {(i["rule"], i["cadre_id"] or i["household_id"]): i for i in items}
    # Then bob is short of 第十六条's 20 days, with the days counted as evidence
    short = by_rule[("monthly_stationed_days", cast.member.pk)]
    assert short["article"] == "第十六条" and short["kind"] == "attendance"
    assert short["period"] == f"{LAST_MONTH:%Y-%m}"
    assert short["evidence"]["stationed_days"] == 0 and short["team_id"] == cast.team.pk
    # And his logs are missing (第十二条(四)), the missing days listed
    logs = by_rule[("work_logs_on_time", cast.member.pk)]
    assert logs["evidence"]["missing_days"] and logs["article"] == "第十二条(四)"
    # And carol's household missed its contacts (第二十条)
    contacts = [i for i in items if i["household_id"] == cast.household.pk]
    assert contacts and {c["article"] for c in contacts} == {"第二十条"}
    assert contacts[0]["subject"] == "贺家户"
    # And every finding names an article and carries its evidence
    assert all(i["article"].startswith("第") and i["message"] for i in items)


def test_check_ins_every_day_clear_the_stationed_days_finding(cast, bearer):
    assignment = cast.member.assignments.get()
    day = LAST_MONTH
    while day <= LAST_MONTH_END:
        CheckIn.objects.create(cadre=cast.member, assignment=assignment, day=day, at=timezone.now())
        day += timedelta(days=1)
    items = listing(bearer(cast.users["dora"]), "&kind=attendance")["items"]
    monthly = {i["cadre_id"] for i in items if i["rule"] == "monthly_stationed_days"}
    # The month is met for bob, not for alice; the year's own checks (第三十五条) still stand
    assert monthly == {cast.leader.pk}
    assert {i["rule"] for i in items if i["cadre_id"] == cast.member.pk} <= {
        "year_stationed_days",
        "absence_total",
        "absence_spell",
    }


@pytest.mark.parametrize("username", ["alice", "bob", "carol", "dora", "ed", "fay", "gus", "oscar"])
def test_each_role_lists_findings_only_about_what_it_may_see(cast, bearer, username):
    user = cast.users[username]
    items = listing(bearer(user))["items"]
    cadres = {i["cadre_id"] for i in items if i["cadre_id"]}
    households = {i["household_id"] for i in items if i["household_id"]}
    # Then it holds findings about exactly the cadres and households of its scope
    seen_cadres = set(scoped(user, Cadre.objects.all()).values_list("pk", flat=True))
    seen_households = set(scoped(user, Household.objects.all()).values_list("pk", flat=True))
    assert cadres <= seen_cadres and households <= seen_households
    for cadre in (cast.member, cast.leader):
        assert (cadre.pk in cadres) == (cadre.pk in seen_cadres), cadre
    for household in (cast.household, cast.other_household):
        assert (household.pk in households) == (household.pk in seen_households), household
    # And the other county's records never reach this county, nor the reverse
    if username in {"dora", "ed", "alice", "bob", "fay", "carol"}:
        assert cast.other_household.pk not in households
    if username == "oscar":
        assert cast.member.pk not in cadres and cast.household.pk not in households


@pytest.mark.parametrize("username", ["sam", "aud"])
def test_roles_without_business_are_refused(cast, bearer, username):
    assert bearer(cast.users[username]).get("/api/v1/findings").status_code == 403


def test_findings_filter_by_region_kind_and_severity(cast, bearer):
    client = bearer(cast.users["gus"])
    everything = listing(client)
    county = listing(client, f"&region={cast.county.code}")
    other = listing(client, f"&region={Region.objects.get(pk=cast.other_team.village_id).code}")
    assert 0 < county["count"] < everything["count"]
    assert cast.member.pk in {i["cadre_id"] for i in county["items"]}
    assert cast.member.pk not in {i["cadre_id"] for i in other["items"]}
    contacts = listing(client, "&kind=contacts")
    assert contacts["count"] and {i["kind"] for i in contacts["items"]} == {"contacts"}
    warnings = listing(client, "&severity=warning")
    assert {i["severity"] for i in warnings["items"]} <= {"warning"}


def test_a_period_across_two_years_or_backwards_is_refused_naming_the_field(cast, bearer):
    client = bearer(cast.users["dora"])
    across = client.get(f"/api/v1/findings?period_start={TODAY.year - 1}-12-01&period_end={TODAY}")
    assert (across.status_code, across.json()["field"]) == (422, "period_end")
    backwards = client.get(f"/api/v1/findings?period_start={TODAY}&period_end={LAST_MONTH}")
    assert (backwards.status_code, backwards.json()["field"]) == (422, "period_end")
    unknown = client.get("/api/v1/findings?region=610199999999")
    assert (unknown.status_code, unknown.json()["field"]) == (422, "region")


def _more_cadres(cast, n):
    for i in range(n):
        cadre = f.CadreFactory(name=f"增员{i}", unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member", start=date(2025, 6, 1))
        household = f.HouseholdFactory(village=cast.village, head_name=f"增户{i}")
        f.PairingFactory(household=household, cadre=cadre)


@pytest.mark.parametrize("extra", [0, 10])
def test_the_findings_list_needs_a_bounded_number_of_queries(
    cast, bearer, extra, django_assert_max_num_queries
):
    _more_cadres(cast, extra)
    client = bearer(cast.users["dora"])
    with django_assert_max_num_queries(40):
        body = listing(client)
    assert len({i["cadre_id"] for i in body["items"] if i["kind"] == "attendance"}) == 2 + extra
