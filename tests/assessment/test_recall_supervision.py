"""Recall and sanctions (第三十六、三十七条), inspections and circulars (第十七条),
commendation and promotion lists (第三十三、三十四条)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.assessment import builders as b
from zhucun.approvals.models import Step, StepState
from zhucun.assessment import services, supervision
from zhucun.assessment.models import Circular, FinalResult, InspectionKind, RecallState
from zhucun.assessment.recalls import promotion_block, recall_propose, recall_record, recall_units
from zhucun.errors import ErrorCode, ServiceError
from zhucun.policy.periods import add_years
from zhucun.stationing.models import Assignment


def unfit_member(cast, name):
    """Another cadre of alice's unit, disciplined in 2025 (第三十五条(一))."""
    cadre = f.CadreFactory(name=name, unit=cast.unit)
    f.AssignmentFactory(team=cast.team, cadre=cadre, role="member", start=date(2024, 1, 1))
    b.attend(cadre)
    b.score(cast, cadre)
    services.conduct_fact_record(
        actor=cast.users["dora"],
        cadre=cadre,
        kind="disciplined",
        occurred_on=date(2025, 9, 1),
        document="周纪发〔2025〕7号",
        description="违反工作纪律受到党内警告处分",
        today=b.TODAY,
    )
    return cadre


@pytest.fixture
def finalised(cast):
    """2025 finalised: alice and two more are fine, bob refused three notices, 曹二 disciplined."""
    b.whole_team(cast)
    b.extra_members(cast, 2)
    b.notices(cast.member, cast.users["ed"], refused=3)
    unfit_member(cast, "曹二")
    services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )
    return {r.cadre.name: r for r in FinalResult.objects.select_related("cadre", "unit")}


def recall(cast, result, today):
    proposal = recall_propose(actor=cast.users["dora"], result=result, reason="年度考核不称职")
    return recall_record(actor=cast.users["fay"], recall=proposal, recalled_on=today, today=today)


def test_an_unfit_result_lets_the_county_propose_a_recall_and_the_unit_records_it(
    cast, client, finalised
):
    today = timezone.localdate()
    bob = finalised["鲍勃"]
    assert bob.grade == "不称职"
    # When the county proposes the recall, the unit gets an approval step
    proposal = recall_propose(actor=cast.users["dora"], result=bob, reason="拒不整改工作日志")
    step = Step.objects.get(request=proposal.approval)
    assert step.state == StepState.PENDING and step.unit_id == cast.unit.pk
    # And when the unit records the recall
    done = recall_record(actor=cast.users["fay"], recall=proposal, recalled_on=today, today=today)
    # Then he is recalled and may not be promoted for two years, as his cadre page says
    assert done.state == RecallState.RECALLED and done.promotable_from == add_years(today, 2)
    assert promotion_block(cast.member, today) == done
    assert promotion_block(cast.member, add_years(today, 2)) is None
    client.force_login(cast.users["fay"])
    page = client.get(reverse("org:cadre_detail", args=[cast.member.pk])).content.decode()
    assert f"{add_years(today, 2).isoformat()}前不得提拔使用" in page


@pytest.mark.parametrize(
    "who, name, code",
    [("dora", "艾丽", ErrorCode.INVALID), ("oscar", "鲍勃", ErrorCode.FORBIDDEN)],
)
def test_a_recall_needs_an_unfit_result_and_the_assessing_county(cast, finalised, who, name, code):
    with pytest.raises(ServiceError) as refused:
        recall_propose(actor=cast.users[who], result=finalised[name], reason="考核结果")
    assert refused.value.code == code and refused.value.article == "第三十六条"


def test_a_unit_with_two_recalls_in_a_year_is_criticised_and_barred_from_excellent(cast, finalised):
    today = timezone.localdate()
    # Given one recall: barred from 优秀 but not criticised, and a circular is refused
    recall(cast, finalised["鲍勃"], today)
    (unit,) = recall_units(today.year, county=cast.county)
    assert unit.excellent_barred and not unit.criticised
    with pytest.raises(ServiceError) as refused:
        supervision.unit_criticism_circulate(
            actor=cast.users["dora"],
            region=cast.county,
            unit=cast.unit,
            year=today.year,
            today=today,
        )
    assert refused.value.article == "第三十七条"
    # When a second cadre of the unit is recalled the same year
    recall(cast, finalised["曹二"], today)
    (unit,) = recall_units(today.year, county=cast.county)
    # Then the unit is listed for 通报批评 and the circular can be issued
    assert unit.recalls == 2 and unit.criticised
    circular = supervision.unit_criticism_circulate(
        actor=cast.users["dora"], region=cast.county, unit=cast.unit, year=today.year, today=today
    )
    assert circular.unit == cast.unit and "第三十七条" in circular.body


def test_commendation_and_promotion_lists_exclude_the_recalled(cast, client, finalised):
    today = timezone.localdate()
    excellent = [r for r in finalised.values() if r.grade == "优秀"]
    assert len(excellent) == 1  # five assessed: quota 1
    client.force_login(cast.users["dora"])
    page = client.get(reverse("assessment:recognition", args=[b.YEAR]))
    assert [r.cadre_id for r in page.context["commendations"]] == [excellent[0].cadre_id]
    # Stationed since 2024-01-01, still there, 优秀: may be promoted while stationed (第三十四条)
    assert [p.result.cadre_id for p in page.context["promotions"]] == [excellent[0].cadre_id]
    # But not once the same cadre counts less than a year in the village
    Assignment.objects.filter(cadre_id=excellent[0].cadre_id).update(
        start=today - timedelta(days=200)
    )
    assert supervision.promotion_candidates(cast.users["dora"], b.YEAR, today=today) == []


def test_the_county_inspects_quarterly_and_circulates_the_violations(cast, client):
    today = timezone.localdate()
    # When the county records a quarterly on-duty inspection with a violation
    inspection = supervision.inspection_record(
        actor=cast.users["dora"],
        kind=InspectionKind.COUNTY_QUARTERLY,
        team=cast.team,
        held_on=date(2025, 8, 12),
        summary="工作队在岗情况总体良好,个别队员未在岗",
        findings=[
            {
                "description": "鲍勃检查当日不在村且无请假记录",
                "article": "第十六条",
                "cadre_id": cast.member.pk,
            },
            {"description": "台账更新及时", "violation": False},
        ],
        today=today,
    )
    assert inspection.period == "2025-Q3" and inspection.findings.count() == 2
    # Then it can be circulated once, listing the violation only
    circular = supervision.violations_circulate(
        actor=cast.users["dora"], inspection=inspection, title="", today=today
    )
    assert list(circular.findings.values_list("article", flat=True)) == ["第十六条"]
    with pytest.raises(ServiceError):
        supervision.violations_circulate(
            actor=cast.users["dora"], inspection=inspection, title="", today=today
        )
    # And the team's unit sees it; another county's officer does not
    client.force_login(cast.users["fay"])
    assert inspection in client.get(reverse("assessment:inspection_list")).context["inspections"]
    client.force_login(cast.users["oscar"])
    assert not client.get(reverse("assessment:inspection_list")).context["inspections"]
    assert Circular.objects.count() == 1


@pytest.mark.parametrize(
    "who, kind, allowed",
    [
        ("gus", InspectionKind.CITY_SPOT_CHECK, True),
        ("dora", InspectionKind.CITY_SPOT_CHECK, False),
        ("oscar", InspectionKind.COUNTY_QUARTERLY, False),
        ("gus", InspectionKind.COUNTY_QUARTERLY, False),
    ],
)
def test_spot_checks_are_the_citys_and_quarterly_inspections_the_countys(cast, who, kind, allowed):
    def record():
        return supervision.inspection_record(
            actor=cast.users[who],
            kind=kind,
            team=cast.team,
            held_on=date(2025, 5, 6),
            summary="随机抽查在岗情况",
            findings=[],
            today=timezone.localdate(),
        )

    if allowed:
        assert record().region == cast.city
    else:
        with pytest.raises(ServiceError) as refused:
            record()
        assert refused.value.code == ErrorCode.FORBIDDEN and refused.value.article == "第十七条"
