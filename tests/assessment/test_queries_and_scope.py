"""Set-based county years (query count independent of size) and data scope per role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessment import builders as b
from zhucun.assessment.cohort import county_cohort


def queries_for_county_year(cast):
    with CaptureQueriesContext(connection) as captured:
        cohort = county_cohort(cast.county, b.YEAR, today=b.TODAY)
    return len(captured), cohort


def test_a_county_year_takes_the_same_number_of_queries_for_2_and_8_cadres(cast):
    # Given a county with two assessed cadres
    b.whole_team(cast)
    small, cohort = queries_for_county_year(cast)
    assert len(cohort.assessed) == 2
    # When six more cadres with their facts and scores are added
    b.extra_members(cast, 6)
    large, cohort = queries_for_county_year(cast)
    assert len(cohort.assessed) == 8
    # Then the computation needs exactly as many queries
    assert large == small


@pytest.mark.parametrize("extra", [0, 6])
def test_the_county_page_and_an_explanation_stay_within_a_query_budget(
    cast, client, django_assert_max_num_queries, extra
):
    b.whole_team(cast)
    b.extra_members(cast, extra)
    client.force_login(cast.users["dora"])
    with django_assert_max_num_queries(40):
        page = client.get(reverse("assessment:county_year", args=[b.YEAR, cast.county.pk]))
    assert page.status_code == 200 and len(page.context["ranked"]) == 2 + extra
    with django_assert_max_num_queries(40):
        page = client.get(reverse("assessment:explain", args=[b.YEAR, cast.member.pk]))
    assert page.status_code == 200


COUNTY_PAGE_BUDGET = 23  # the login 5, the county, its year, the cohort's facts, scores, recalls


def test_the_county_s_assessment_list_takes_the_same_queries_for_2_and_8_cadres(cast, client):
    # Given a county year with two assessed cadres
    b.whole_team(cast)
    client.force_login(cast.users["dora"])
    url = reverse("assessment:county_year", args=[b.YEAR, cast.county.pk])
    client.get(url)  # warm per-process caches (holidays)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url)
    assert page.status_code == 200 and len(page.context["ranked"]) == 2
    # When six more cadres with their facts and scores are added
    b.extra_members(cast, 6)
    with CaptureQueriesContext(connection) as large:
        page = client.get(url)
    assert len(page.context["ranked"]) == 8
    # Then the list takes exactly as many queries, within the page's budget,
    assert len(large) == len(small) <= COUNTY_PAGE_BUDGET
    # and reads the county's assessment year once
    assert sum('"assessment_assessmentyear"' in q["sql"].split("WHERE")[0] for q in large) == 1


@pytest.mark.parametrize(
    "user, status",
    b.MEMBER_ASSESSMENT_ACCESS,
)
def test_a_cadres_explanation_and_facts_are_seen_only_within_scope(cast, client, user, status):
    b.whole_team(cast)
    client.force_login(cast.users[user])
    for name in ("assessment:explain", "assessment:cadre_facts"):
        response = client.get(reverse(name, args=[b.YEAR, cast.member.pk]))
        assert response.status_code == status, name


def test_a_member_does_not_read_the_team_leaders_assessment(cast, client):
    b.whole_team(cast)
    client.force_login(cast.users["bob"])
    url = reverse("assessment:explain", args=[b.YEAR, cast.leader.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "user, status", [("dora", 200), ("gus", 200), ("oscar", 404), ("ed", 403), ("fay", 403)]
)
def test_the_county_year_is_open_to_its_county_and_the_city_only(cast, client, user, status):
    b.whole_team(cast)
    client.force_login(cast.users[user])
    for name in ("assessment:county_year", "assessment:county_facts"):
        response = client.get(reverse(name, args=[b.YEAR, cast.county.pk]))
        assert response.status_code == status, name
