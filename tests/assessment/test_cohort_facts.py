"""One cadre's facts JSON carries the county cohort around it, so `python -m zhucun.policy evaluate`
reproduces the 优秀 quota (第三十二条) as the explanation page shows it."""

import json

import pytest
from django.urls import reverse

from tests.assessment import builders as b
from zhucun.assessment import services
from zhucun.assessment.models import FinalResult
from zhucun.policy.cli import evaluate


@pytest.fixture
def five_assessed(cast):
    """alice, bob and three more, all above 90: five assessed, one 优秀 place."""
    b.whole_team(cast)
    return [cast.leader, cast.member, *b.extra_members(cast, 3)]


def page_and_cli(client, cadre):
    page = client.get(reverse("assessment:explain", args=[b.YEAR, cadre.pk]))
    facts = json.loads(
        client.get(reverse("assessment:cadre_facts", args=[b.YEAR, cadre.pk])).content
    )
    (cli,) = evaluate(facts)["assessment"]
    return page, facts, cli


def quota_check(checks):
    return next((c for c in checks if c["rule"] == "excellent_quota"), None)


def test_each_cadres_facts_give_the_cli_the_pages_grade_and_cohort(cast, client, five_assessed):
    client.force_login(cast.users["dora"])
    grades, places = [], set()
    for cadre in five_assessed:
        # When the explanation page is shown and the cadre's own facts are downloaded
        page, facts, cli = page_and_cli(client, cadre)
        shown = page.context["d"]
        (doc,) = facts["cadres"]
        # Then the facts carry the cohort the page shows
        assert doc["assessment"]["cohort"] == {
            "assessed": shown["cohort"]["assessed"],
            "ranked_ahead": shown["cohort"]["ranked_ahead"],
        }
        assert shown["cohort"]["assessed"] == 5 and shown["cohort"]["quota"] == 1
        text = page.content.decode()
        assert f"按总分排在本人之前的拟优秀{shown['cohort']['ranked_ahead']}人" in text
        # And the CLI, on these facts alone, gives the page's grade, total and quota check
        assert cli["grade"] == shown["grade_decided"] and cli["total"] == shown["total"]
        page_check, cli_check = quota_check(shown["checks"]), quota_check(cli["checks"])
        assert page_check["passed"] == cli_check["passed"]
        for key in ("assessed", "quota", "rank"):
            assert page_check["evidence"][key] == cli_check["evidence"][key]
        grades.append(cli["grade"])
        places.add(shown["cohort"]["ranked_ahead"])
    # Five 优秀 candidates by score, one place: the best is 优秀, the others 称职
    assert sorted(grades) == ["优秀", "称职", "称职", "称职", "称职"]
    assert places == {0, 1, 2, 3, 4}


def test_the_archived_facts_of_a_finalised_year_keep_the_cohort(cast, client, five_assessed):
    # Given the year finalised
    services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )
    client.force_login(cast.users["dora"])
    for result in FinalResult.objects.select_related("cadre"):
        # When the archived facts are downloaded and evaluated
        page, facts, cli = page_and_cli(client, result.cadre)
        # Then the CLI gives the archived grade, and the archived page shows the same cohort
        assert cli["grade"] == result.grade
        assert facts["cadres"][0]["assessment"]["cohort"]["assessed"] == 5
        assert (
            facts["cadres"][0]["assessment"]["cohort"]["ranked_ahead"]
            == page.context["d"]["cohort"]["ranked_ahead"]
        )


def test_a_cadre_who_is_not_a_candidate_still_learns_where_the_candidates_stand(cast, client):
    # Given alice scoring 优秀 and bob only 称职 by score, two more cadres at 优秀 level
    b.whole_year(cast.leader)
    b.attend(cast.leader)
    b.score(cast, cast.leader)
    b.whole_year(cast.member)
    b.attend(cast.member)
    b.score(cast, cast.member, annual=b.FAIR, ordinary=(b.FAIR,))
    b.extra_members(cast, 2)
    client.force_login(cast.users["dora"])
    # When bob's page and facts are read
    page, facts, cli = page_and_cli(client, cast.member)
    # Then all three candidates rank ahead of him, no quota check applies, and the CLI agrees
    assert facts["cadres"][0]["assessment"]["cohort"] == {"assessed": 4, "ranked_ahead": 3}
    assert quota_check(cli["checks"]) is None and cli["grade"] == "称职"
    assert page.context["d"]["grade_decided"] == "称职"
