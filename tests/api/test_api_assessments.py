"""Assessments through the API: the explanation page's data, the county's year, the same scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.assessment import builders as b
from zhucun.assessment import services


def cadre_url(cadre, year=b.YEAR):
    return f"/api/v1/assessments/{year}/cadres/{cadre.pk}"


def county_url(cast, year=b.YEAR, query=""):
    return f"/api/v1/assessments/{year}/counties/{cast.county.pk}{query}"


def test_a_cadres_year_is_the_explanation_the_page_shows(cast, bearer, client):
    # Given bob stationed and scored all year
    b.whole_team(cast)
    # When the county reads his year through the API and on the page
    body = bearer(cast.users["dora"]).get(cadre_url(cast.member)).json()
    client.force_login(cast.users["dora"])
    page = client.get(reverse("assessment:explain", args=[b.YEAR, cast.member.pk])).context["d"]
    # Then the grade, total, components and checks are the page's, with article and evidence
    assert body["eligible"] and not body["finalised"]
    assert (body["proposed_grade"], body["total"]) == (page["grade"], page["total"])
    assert body["components"] == page["components"]
    assert [c["rule"] for c in body["checks"]] == [c["rule"] for c in page["checks"]]
    spell = next(c for c in body["checks"] if c["rule"] == "absence_spell")
    assert spell["article"] == "第三十五条(四)" and spell["passed"] is True
    assert body["records"]["annual"]["contents"]["日常管理"] == b.GOOD["daily_management"]
    assert body["cohort"]["assessed"] == 2


def test_a_cadre_short_of_200_days_reads_unfit_with_the_days_as_evidence(cast, bearer):
    # Given bob was present only from June (fewer than 200 stationed days)
    b.whole_year(cast.leader)
    b.attend(cast.leader)
    b.score(cast, cast.leader)
    b.whole_year(cast.member)
    b.attend(cast.member, first=b.date(b.YEAR, 6, 20))
    b.score(cast, cast.member)
    # When the county reads his year
    body = bearer(cast.users["dora"]).get(cadre_url(cast.member)).json()
    # Then the grade is 不称职 by 第三十五条(三), and the check says why
    assert body["proposed_grade"] == "不称职"
    short = next(c for c in body["checks"] if c["rule"] == "year_stationed_days")
    assert short["passed"] is False and short["article"] == "第三十五条(三)"
    assert short["evidence"]


def test_a_finalised_year_reads_from_the_archive(cast, bearer):
    b.whole_team(cast)
    services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=timezone.localdate()
    )
    body = bearer(cast.users["bob"]).get(cadre_url(cast.member)).json()
    assert body["finalised"] and body["grade"] in {"优秀", "称职"}
    listing = bearer(cast.users["dora"]).get(county_url(cast)).json()
    assert listing["finalised"] and listing["count"] == 2
    assert {r["cadre"]["id"] for r in listing["items"]} == {cast.leader.pk, cast.member.pk}


@pytest.mark.parametrize(
    "user, status",
    b.MEMBER_ASSESSMENT_ACCESS,
)
def test_a_cadres_year_reads_as_the_page_per_role(cast, bearer, user, status):
    b.whole_team(cast)
    response = bearer(cast.users[user]).get(cadre_url(cast.member))
    assert response.status_code == status
    if status != 200:
        assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[status]


def test_a_member_does_not_read_the_team_leaders_year(cast, bearer):
    b.whole_team(cast)
    assert bearer(cast.users["bob"]).get(cadre_url(cast.leader)).status_code == 404


@pytest.mark.parametrize(
    "user, status", [("dora", 200), ("gus", 200), ("oscar", 404), ("ed", 403), ("fay", 403)]
)
def test_the_county_year_lists_for_its_county_and_the_city_only(cast, bearer, user, status):
    b.whole_team(cast)
    response = bearer(cast.users[user]).get(county_url(cast))
    assert response.status_code == status


def test_the_county_year_ranks_the_assessed_and_pages_them(cast, bearer):
    b.whole_team(cast)
    b.extra_members(cast, 3)
    client = bearer(cast.users["dora"])
    body = client.get(county_url(cast)).json()
    assert body["count"] == body["assessed"] == 5
    assert body["excellent_quota"] == 1  # floor(20% × 5), 第三十二条
    totals = [r["total"] for r in body["items"]]
    assert totals == sorted(totals, reverse=True)
    second = client.get(county_url(cast, query="?page=2&page_size=2")).json()
    assert [r["cadre"]["id"] for r in second["items"]] == [
        r["cadre"]["id"] for r in body["items"][2:4]
    ]
    other_unit = client.get(county_url(cast, query=f"?unit_id={cast.unit.pk + 999}")).json()
    assert other_unit["count"] == 0


@pytest.mark.parametrize("extra", [0, 6])
def test_the_assessment_reads_stay_within_a_query_budget(
    cast, bearer, django_assert_max_num_queries, extra
):
    b.whole_team(cast)
    b.extra_members(cast, extra)
    client = bearer(cast.users["dora"])
    with django_assert_max_num_queries(25):
        listing = client.get(county_url(cast))
    assert listing.json()["count"] == 2 + extra
    with django_assert_max_num_queries(40):
        assert client.get(cadre_url(cast.member)).status_code == 200
