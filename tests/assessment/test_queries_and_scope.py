"""Set-based county years (query count independent of size) and data scope per role."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.assessment import builders as b
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.models import CohortSnapshot


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


# Computing the list (a county's first reading of the day, or after a recorded change): the
# login 4; the county with its year and stored list 1; the stints with each cadre's annual
# score, team opinion and village task 1; the calendar facts 1 and corrections 1; logs and
# notices 1; ordinary scores 1; conduct 1; parameter overrides 1 — and the county's grade
# decisions 1 once its year is opened —; filing it 1 (an INSERT, or an UPDATE); recalls 1.
COUNTY_PAGE_COMPUTED_BUDGET = 15
# Reading the stored list: the login 4, the county with its year and stored list 1, the
# recalls 1.
COUNTY_PAGE_BUDGET = 6


def _decided(page, cadre) -> bool:
    return next(r for r in page.context["ranked"] if r["cadre"] == cadre.pk)["decided"]


@pytest.mark.parametrize("decided", [False, True])
def test_the_county_s_assessment_list_takes_the_same_queries_for_2_and_8_cadres(
    cast, client, decided
):
    # Given a county year with two assessed cadres (and, opened, a grade the county decided)
    alice, bob = b.whole_team(cast)
    if decided:
        from zhucun.assessment import services

        services.grade_decide(
            actor=cast.users["dora"],
            county=cast.county,
            year=b.YEAR,
            cadre=bob,
            grade="基本称职",
            reason="平时表现一般",
            today=b.TODAY,
        )
    client.force_login(cast.users["dora"])
    url = reverse("assessment:county_year", args=[b.YEAR, cast.county.pk])
    client.get(url)  # warm per-process caches (holidays)
    CohortSnapshot.objects.all().delete()
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            # When six more cadres with their facts and scores are added (which marks the
            # stored list stale)
            b.extra_members(cast, 6)
        # (the first reading computes the list and files it, the second reads it)
        with CaptureQueriesContext(connection) as computed:
            page = client.get(url)
        assert len(page.context["ranked"]) == (2 if size == "small" else 8)
        assert _decided(page, bob) is decided
        with CaptureQueriesContext(connection) as stored:
            again = client.get(url)
        assert again.context["ranked"] == page.context["ranked"]
        counts[size] = (len(computed), len(stored))
        # and each reads the county's assessment year once
        for queries in (computed, stored):
            assert (
                sum('"assessment_assessmentyear"' in q["sql"].split("WHERE")[0] for q in queries)
                == 1
            )
    # Then the list takes exactly as many queries at both sizes, within the page's budgets
    assert counts["small"] == counts["large"]
    computed, stored = counts["large"]
    assert computed <= COUNTY_PAGE_COMPUTED_BUDGET - (not decided) and stored <= COUNTY_PAGE_BUDGET


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


def test_the_city_s_counties_in_one_pass_are_each_county_s_year(cast):
    # Given two counties with assessed cadres: 周至 (alice, bob and two more, scored; bob with
    # rectification notices) and 蓝田 (olga, 20 days away in July, one log, saved 3 days late)
    from zhucun.assessment.cohort import county_cohorts

    b.whole_team(cast)
    b.extra_members(cast, 2)
    b.notices(cast.member, cast.users["ed"], refused=2, open_=1)
    b.whole_year(cast.other_leader)
    b.attend(
        cast.other_leader, skip=b.days(b.date(b.YEAR, 7, 1), b.date(b.YEAR, 7, 20)), logs=False
    )
    b.log_days(cast.other_leader, [b.date(b.YEAR, 5, 6)], late_by=3)
    counties = [cast.county, cast.other_county]
    # When both counties' years are computed in one pass, and each on its own
    with CaptureQueriesContext(connection) as together:
        both = county_cohorts(counties, b.YEAR, today=b.TODAY)
    alone = {c.pk: county_cohort(c, b.YEAR, today=b.TODAY) for c in counties}
    # Then each county's members, facts, reports, results and records are the same,
    for county in counties:
        one, other = both[county.pk], alone[county.pk]
        assert one.members and [m.cadre.pk for m in one.members] == [
            m.cadre.pk for m in other.members
        ]
        for m, n in zip(one.members, other.members, strict=True):
            assert (m.facts, m.report, m.result) == (n.facts, n.report, n.result)
            assert (m.annual, m.opinion, m.ordinary, m.conduct, m.poverty_task) == (
                n.annual,
                n.opinion,
                n.ordinary,
                n.conduct,
                n.poverty_task,
            )
        assert (one.quota, one.window, one.book.county, one.book.overrides) == (
            other.quota,
            other.window,
            other.book.county,
            other.book.overrides,
        )
    # with the notices and the late log among the facts read,
    bob = both[cast.county.pk].member(cast.member.pk)
    assert [n.refused for n in bob.facts.notices] == [True, True, False]
    olga = both[cast.other_county.pk].member(cast.other_leader.pk)
    assert olga.facts.logs == {b.date(b.YEAR, 5, 6): b.datetime(b.YEAR, 5, 9, 20, 0)}
    # in the queries of one county
    with CaptureQueriesContext(connection) as one_county:
        county_cohort(cast.county, b.YEAR, today=b.TODAY)
    assert len(together) == len(one_county)
