"""The 优秀 quota, finalising, locking and the filing list (第三十二条), through the Django path."""

import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.assessment import builders as b
from zhucun.assessment import services
from zhucun.assessment.cohort import county_cohort
from zhucun.assessment.models import AnnualAssessment, FinalResult
from zhucun.errors import ErrorCode, ServiceError
from zhucun.exports.xlsx import HEADER_ROW
from zhucun.policy.cli import evaluate


def finalise(cast):
    return services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )


@pytest.mark.parametrize("assessed, quota", [(4, 0), (5, 1), (11, 2)])
def test_the_excellent_quota_is_a_fifth_of_the_assessed_rounded_down(cast, assessed, quota):
    # Given `assessed` cadres of the county, all scoring above 90
    b.whole_team(cast)
    b.extra_members(cast, assessed - 2)
    # When the county's year is computed and finalised
    cohort = county_cohort(cast.county, b.YEAR, today=b.TODAY)
    assert len(cohort.assessed) == assessed and cohort.quota == quota
    finalise(cast)
    # Then exactly `quota` are 优秀, the best totals, and the others 称职 with the reason
    grades = dict(FinalResult.objects.values_list("cadre_id", "grade"))
    assert sum(g == "优秀" for g in grades.values()) == quota
    best = [m.cadre.pk for m in cohort.ranked()[:quota]]
    assert all(grades[pk] == "优秀" for pk in best)
    demoted = FinalResult.objects.exclude(cadre_id__in=best).first()
    quota_check = next(c for c in demoted.explanation["checks"] if c["rule"] == "excellent_quota")
    assert quota_check["evidence"]["quota"] == quota and demoted.grade == "称职"


def test_finalising_above_the_quota_is_refused_and_nothing_is_archived(cast):
    # Given five assessed (quota 1) and the county raising a second cadre to 优秀
    b.whole_team(cast)
    b.extra_members(cast, 3)
    cohort = county_cohort(cast.county, b.YEAR, today=b.TODAY)
    second = cohort.ranked()[1].cadre
    services.grade_decide(
        actor=cast.users["dora"],
        county=cast.county,
        year=b.YEAR,
        cadre=second,
        grade="优秀",
        reason="脱贫攻坚表现突出",
        today=b.TODAY,
    )
    # When the county finalises, then it is refused with QUOTA_EXCEEDED and nothing is stored
    with pytest.raises(ServiceError) as refused:
        finalise(cast)
    assert refused.value.code == ErrorCode.QUOTA_EXCEEDED
    assert "优秀2人,超过名额1人" in refused.value.message
    assert not FinalResult.objects.exists()


def test_an_automatic_unfit_grade_cannot_be_raised_by_the_county(cast):
    # Given bob refused three rectification notices (第三十五条(五)) despite top scores
    b.whole_team(cast)
    b.notices(cast.member, cast.users["ed"], refused=3)
    # When the county tries to make him 称职, then it is refused citing the article
    with pytest.raises(ServiceError) as refused:
        services.grade_decide(
            actor=cast.users["dora"],
            county=cast.county,
            year=b.YEAR,
            cadre=cast.member,
            grade="称职",
            reason="认为情有可原",
            today=b.TODAY,
        )
    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.article == "第三十五条(五)"


def test_finalised_results_are_locked(cast):
    # Given a finalised year
    b.whole_team(cast)
    finalise(cast)
    # When anyone tries to change a score, an opinion, a fact, a grade or to finalise again
    attempts = [
        lambda: services.annual_assessment_record(
            actor=cast.users["dora"],
            cadre=cast.member,
            year=b.YEAR,
            contents=b.FAIR,
            today=b.TODAY,
        ),
        lambda: services.conduct_fact_record(
            actor=cast.users["dora"],
            cadre=cast.member,
            kind="disciplined",
            occurred_on=b.date(2025, 6, 1),
            document="周纪发〔2025〕1号",
            description="违反纪律规定",
            today=b.TODAY,
        ),
        lambda: services.grade_decide(
            actor=cast.users["dora"],
            county=cast.county,
            year=b.YEAR,
            cadre=cast.member,
            grade="称职",
            reason="复核调整",
            today=b.TODAY,
        ),
        lambda: finalise(cast),
    ]
    # Then each is refused with LOCKED and the archive is unchanged
    before = list(FinalResult.objects.values_list("cadre_id", "grade", "total"))
    for attempt in attempts:
        with pytest.raises(ServiceError) as refused:
            attempt()
        assert refused.value.code == ErrorCode.LOCKED
    assert list(FinalResult.objects.values_list("cadre_id", "grade", "total")) == before
    assert AnnualAssessment.objects.get(cadre=cast.member).daily_management == 92


def test_finalising_needs_every_score_and_the_team_opinion(cast):
    # Given bob has no annual score and no opinion yet
    b.whole_year(cast.leader)
    b.whole_year(cast.member)
    b.attend(cast.leader)
    b.attend(cast.member)
    b.score(cast, cast.leader)
    b.score(cast, cast.member, annual=None, opinion=False)
    # Then finalising is refused naming him and what is missing
    with pytest.raises(ServiceError) as refused:
        finalise(cast)
    assert refused.value.code == ErrorCode.INVALID
    assert "鲍勃(缺年度考核评分、工作队书面意见)" in refused.value.message


def test_the_filing_list_is_an_xlsx_per_audience_and_never_carries_a_formula(cast, client):
    # Given a unit whose name starts with "=" and a finalised year
    cast.unit.name = '=HYPERLINK("http://x")局'
    cast.unit.save(update_fields=["name"])
    b.whole_team(cast)
    finalise(cast)
    # When the county downloads the city's list and the unit its own
    for user, query in (("dora", "to=city"), ("fay", "to=unit")):
        client.force_login(cast.users[user])
        response = client.get(
            reverse("assessment:filing", args=[b.YEAR, cast.county.pk]) + "?" + query
        )
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        data = rows[HEADER_ROW:]  # after the title, the exporter line and the header
        # Then both cadres are listed with their grades and no cell is a formula
        assert {r[1] for r in data} == {"艾丽", "鲍勃"}
        assert all(r[3].startswith("'=") for r in data)
        assert all(not (isinstance(v, str) and v.startswith("=")) for r in rows for v in r)
    # And an outsider county officer gets nothing
    client.force_login(cast.users["oscar"])
    url = reverse("assessment:filing", args=[b.YEAR, cast.county.pk]) + "?to=city"
    assert client.get(url).status_code == 404


def test_the_pages_grade_equals_the_clis_grade_for_the_exported_facts(cast, client):
    # Given a county year with one 不称职 (bob refused three notices), one 称职 and a county override
    from zhucun.rulebook.models import ParameterOverride

    ParameterOverride.objects.create(
        county=cast.county, key="excellent_score_min", value=85, effective_from=b.date(2025, 1, 1)
    )
    b.whole_team(cast)
    b.notices(cast.member, cast.users["ed"], refused=3)
    client.force_login(cast.users["dora"])
    for cadre in (cast.leader, cast.member):
        # When the explanation page is shown and its facts JSON downloaded
        page = client.get(reverse("assessment:explain", args=[b.YEAR, cadre.pk]))
        facts = client.get(reverse("assessment:cadre_facts", args=[b.YEAR, cadre.pk]))
        page_grade = page.context["d"]["grade_decided"]
        # Then the CLI's evaluation of the exported facts gives the same grade and total
        (cli,) = evaluate(json.loads(facts.content))["assessment"]
        assert cli["grade"] == page_grade
        assert cli["total"] == page.context["d"]["total"]
    county = client.get(reverse("assessment:county_facts", args=[b.YEAR, cast.county.pk]))
    cli = {r["subject"]: r for r in evaluate(json.loads(county.content))["assessment"]}
    cohort = county_cohort(cast.county, b.YEAR, today=b.TODAY)
    assert {m.result.subject: m.grade for m in cohort.members} == {
        s: r["grade"] for s, r in cli.items()
    }
    assert cli[f"cadre:{cast.member.pk}"]["grade"] == "不称职"
    # And the page names the override with its origin
    assert "区县自定" in page.content.decode()
