"""Care and follow-up (第二十八条、第二十九条): talks, the unit head's monthly visit, cases."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f
from zhucun.approvals.services import step_decide
from zhucun.care.models import ExemplaryCase
from zhucun.care.services import case_submit, hearing_record, talk_record, visit_record
from zhucun.care.visits import visit_checks
from zhucun.errors import ErrorCode, ServiceError
from zhucun.rulebook.models import ParameterOverride
from zhucun.stationing.models import Team

TODAY = date(2026, 1, 5)


def _checks(cast, year=2025):
    return {
        c.check.period: c.check
        for c in visit_checks(Team.objects.filter(pk=cast.team.pk), year, today=TODAY)
        if c.unit == cast.unit
    }


def test_a_month_without_the_unit_heads_visit_is_a_finding_against_the_unit(cast):
    visit_record(
        user=cast.users["fay"],
        team=cast.team,
        visited_on=date(2025, 7, 9),
        head_name="王局长",
        guidance="产业项目",
        today=TODAY,
    )
    checks = _checks(cast)
    # the team was formed on 2025-06-01: June to December are judged
    assert sorted(checks) == [f"2025-{m:02d}" for m in range(6, 13)]
    assert checks["2025-07"].passed and checks["2025-07"].evidence["dates"] == ["2025-07-09"]
    june = checks["2025-06"]
    assert june.fired and june.article == "第二十八条" and "市农业农村局" in june.message
    assert june.evidence == {"visits": 0, "minimum": 1, "dates": []}


def test_the_minimum_follows_the_countys_parameter(cast):
    ParameterOverride.objects.create(
        county=cast.county,
        key="unit_head_visits_per_month_min",
        value=2,
        effective_from=date(2025, 1, 1),
    )
    visit_record(
        user=cast.users["fay"],
        team=cast.team,
        visited_on=date(2025, 7, 9),
        head_name="王局长",
        guidance="产业项目",
        today=TODAY,
    )
    assert _checks(cast)["2025-07"].fired


def test_a_month_still_running_is_not_judged(cast):
    checks = {
        c.check.period
        for c in visit_checks(Team.objects.filter(pk=cast.team.pk), 2025, today=date(2025, 8, 15))
    }
    assert "2025-08" not in checks and "2025-07" in checks


def test_only_a_unit_of_the_team_records_visits_and_hearings(cast):
    stranger = f.office_user("uma", "unit", unit=cast.other_unit, duty="unit_head")
    for who in (stranger, cast.users["ed"]):
        with pytest.raises(ServiceError) as refused:
            visit_record(
                user=who, team=cast.team, visited_on=TODAY, head_name="x", guidance="y", today=TODAY
            )
        assert refused.value.code == ErrorCode.FORBIDDEN
    hearing = hearing_record(
        user=cast.users["fay"], team=cast.team, heard_on=TODAY, summary="半年汇报", today=TODAY
    )
    assert hearing.unit == cast.unit


def test_talks_are_recorded_by_the_level_of_the_one_who_talks(cast):
    assert (
        talk_record(
            user=cast.users["ed"],
            cadre=cast.member,
            talker="镇书记",
            held_on=TODAY,
            summary="了解家庭困难",
            today=TODAY,
        ).level
        == "town"
    )
    assert (
        talk_record(
            user=cast.users["fay"],
            cadre=cast.member,
            talker="王局长",
            held_on=TODAY,
            summary="思想动态",
            today=TODAY,
        ).level
        == "unit"
    )
    with pytest.raises(ServiceError) as refused:
        talk_record(
            user=cast.users["oscar"],
            cadre=cast.member,
            talker="x",
            held_on=TODAY,
            summary="y",
            today=TODAY,
        )
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_a_case_is_published_for_everyone_once_the_county_approves(cast, login):
    case = case_submit(
        user=cast.users["alice"], team=cast.team, title="党建引领产业", body="种植猕猴桃。"
    )
    assert (
        login(cast.users["oscar"]).get(reverse("care:case_detail", args=[case.pk])).status_code
        == 404
    )
    step_decide(user=cast.users["dora"], step=case.approval.steps.get(), approve=True)
    case.refresh_from_db()
    assert case.published_at is not None
    for who in ("oscar", "olga", "sam", "carol"):
        client = login(cast.users[who])
        assert client.get(reverse("care:case_detail", args=[case.pk])).status_code == 200
        assert "党建引领产业" in client.get(reverse("care:cases")).content.decode()


def test_a_rejected_case_stays_unpublished(cast):
    case = case_submit(user=cast.users["ed"], team=cast.team, title="案例", body="正文")
    step_decide(
        user=cast.users["dora"], step=case.approval.steps.get(), approve=False, comment="材料不足"
    )
    assert ExemplaryCase.objects.get(pk=case.pk).published_at is None


@pytest.mark.parametrize(
    "who, status", [("dora", 200), ("ed", 200), ("fay", 200), ("gus", 200), ("alice", 403)]
)
def test_the_care_pages_open_for_offices(cast, login, who, status):
    client = login(cast.users[who])
    assert client.get(reverse("care:talks")).status_code == status
    assert client.get(reverse("care:visits") + "?year=2025").status_code == status


def test_an_outsider_does_not_see_the_teams_talks_or_visits(cast, login):
    talk_record(
        user=cast.users["ed"],
        cadre=cast.member,
        talker="镇书记",
        held_on=TODAY,
        summary="秘密要点",
        today=TODAY,
    )
    visit_record(
        user=cast.users["fay"],
        team=cast.team,
        visited_on=TODAY,
        head_name="王局长",
        guidance="指导要点",
        today=TODAY,
    )
    client = login(cast.users["oscar"])
    assert "秘密要点" not in client.get(reverse("care:talks")).content.decode()
    assert "指导要点" not in client.get(reverse("care:visits")).content.decode()


@pytest.mark.parametrize("extra", [1, 10])
def test_the_visits_page_needs_a_bounded_number_of_queries(
    cast, client, extra, django_assert_max_num_queries
):
    for i in range(extra):
        visit_record(
            user=cast.users["fay"],
            team=cast.team,
            visited_on=date(2025, 1 + i % 12, 3),
            head_name="王局长",
            guidance=f"第{i}次",
            today=TODAY,
        )
    client.force_login(cast.users["fay"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("care:visits") + "?year=2025").status_code == 200
