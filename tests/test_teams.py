"""Team checks, withdrawal, rotation with handover and personnel changes (第三、五、六、七、二十二条)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from zhucun.approvals.models import ApproverKind, Copy, CopyPurpose, RequestState
from zhucun.approvals.services import step_decide
from zhucun.errors import ErrorCode, ServiceError
from zhucun.stationing.models import ChangeReason
from zhucun.stationing.team_checks import team_findings, uncovered_poor_villages
from zhucun.stationing.team_services import (
    assignment_end,
    handover_create,
    handover_sign,
    party_transfer_record,
    personnel_change_apply,
    team_withdraw,
)

TODAY = timezone.localdate


def _checks(cast, **kwargs):
    (report,) = team_findings([cast.team], today=TODAY(), **kwargs)
    return {c.rule: c for c in report.checks}, report


def test_a_team_of_two_counted_members_is_too_small_and_town_contacts_do_not_count(cast):
    contact = f.CadreFactory(unit=cast.unit)
    f.AssignmentFactory(team=cast.team, cadre=contact, role="town_contact")
    checks, _ = _checks(cast)
    assert checks["team_size"].fired and checks["team_size"].article == "第六条"
    assert len(checks["team_size"].evidence["counted"]) == 2
    f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit))
    checks, _ = _checks(cast)
    assert not checks["team_size"].fired


def test_a_city_units_leader_of_section_rank_is_a_warning(cast):
    cast.leader.rank = "section"
    cast.leader.save()
    checks, _ = _checks(cast)
    assert checks["team_leader_rank"].fired and checks["team_leader_rank"].severity == "warning"
    assert checks["team_leader_rank"].evidence["expected"] == "处级"


def test_a_term_under_two_years_is_flagged(cast):
    short = cast.member.assignments.get()
    short.planned_end = short.start + timedelta(days=400)
    short.save()
    checks, report = _checks(cast)
    term = [c for c in report.checks if c.rule == "term_length" and c.fired]
    assert [c.evidence["cadre"] for c in term] == [cast.member.name]


def test_missing_expertise_warns_and_suggests_free_cadres_of_the_teams_units(cast):
    # Given a village weak in party organisation and nobody with 党群 expertise
    cast.village.weaknesses = ["party"]
    cast.village.save()
    free = f.CadreFactory(unit=cast.unit, expertise=["party"], name="党建能手")
    checks, report = _checks(cast, suggest=True)
    assert checks["team_expertise"].fired and checks["team_expertise"].article == "第五条"
    assert report.suggestions["党群"] == [free]


def test_a_joint_team_of_large_units_is_flagged(cast):
    other = f.UnitFactory(name="大单位", region=cast.city, staff_count=80)
    f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=other))
    checks, _ = _checks(cast)
    assert checks["joint_team"].fired and checks["joint_team"].article == "第六条"


def test_party_transfer_is_recorded_and_clears_the_warning(cast):
    cast.member.is_party_member = True
    cast.member.save()
    checks, _ = _checks(cast)
    assert checks["party_transfer"].fired and checks["party_transfer"].article == "第七条"
    assignment = cast.member.assignments.get()
    party_transfer_record(user=cast.users["fay"], assignment=assignment, on=assignment.start)
    checks, _ = _checks(cast)
    assert not checks["party_transfer"].fired


def test_poor_villages_without_a_team_are_flagged_for_the_county(cast):
    found = uncovered_poor_villages(cast.users["dora"])
    assert [c.evidence["code"] for c in found] == [cast.uncovered_village.code]
    assert found[0].article == "第三条"
    assert uncovered_poor_villages(cast.users["oscar"])[0].evidence["code"] != (
        cast.uncovered_village.code
    )


@pytest.mark.parametrize("on, allowed", [(date(2020, 12, 31), False), (date(2021, 1, 1), True)])
def test_a_poor_villages_team_is_not_withdrawn_before_the_policy_date(cast, on, allowed):
    cast.team.formed_on = date(2019, 1, 1)
    cast.team.save()
    if allowed:
        team_withdraw(user=cast.users["dora"], team=cast.team, on=on)
        assert cast.team.withdrawn_on == on
    else:
        with pytest.raises(ServiceError) as refused:
            team_withdraw(user=cast.users["dora"], team=cast.team, on=on)
        assert refused.value.article == "第七条"


def test_only_the_county_withdraws_a_team(cast):
    with pytest.raises(ServiceError) as refused:
        team_withdraw(user=cast.users["ed"], team=cast.team, on=date(2026, 1, 1))
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_the_predecessor_leaves_only_after_a_handover_signed_by_both_and_the_leader(cast):
    # Given bob's successor already in post
    successor_cadre = f.CadreFactory(unit=cast.unit)
    successor_user = f.cadre_user("sue", successor_cadre)
    outgoing = cast.member.assignments.get()
    incoming = f.AssignmentFactory(team=cast.team, cadre=successor_cadre)
    # When the unit tries to end bob's assignment without a handover, it is refused
    with pytest.raises(ServiceError) as refused:
        assignment_end(user=cast.users["fay"], assignment=outgoing, on=TODAY())
    assert refused.value.article == "第六条"
    # And with a handover signed by only two of three, still refused
    handover = handover_create(
        user=cast.users["alice"], predecessor=outgoing, successor=incoming, content="台账、钥匙"
    )
    handover_sign(user=cast.users["bob"], handover=handover)
    handover_sign(user=successor_user, handover=handover)
    with pytest.raises(ServiceError):
        assignment_end(user=cast.users["fay"], assignment=outgoing, on=TODAY())
    # Then once the leader signs, the assignment ends
    handover_sign(user=cast.users["alice"], handover=handover)
    assignment_end(user=cast.users["fay"], assignment=outgoing, on=TODAY())
    outgoing.refresh_from_db()
    assert outgoing.end == TODAY()


def test_a_handover_needs_a_successor_already_in_post(cast):
    later = f.AssignmentFactory(
        team=cast.team, cadre=f.CadreFactory(unit=cast.unit), start=TODAY() + timedelta(days=10)
    )
    with pytest.raises(ServiceError) as refused:
        handover_create(
            user=cast.users["alice"],
            predecessor=cast.member.assignments.get(),
            successor=later,
            content="交接",
        )
    assert refused.value.field == "successor"


def test_a_personnel_change_is_approved_by_the_same_level_poverty_office_and_filed(cast):
    # Given the city unit applies to replace bob (a city-level unit → the city's office)
    change = personnel_change_apply(
        user=cast.users["fay"],
        assignment=cast.member.assignments.get(),
        reason=ChangeReason.ILLNESS,
        detail="住院治疗",
    )
    (step,) = change.approval.steps.all()
    assert (step.approver_kind, step.region) == (ApproverKind.POVERTY_OFFICE, cast.city)
    # The county office cannot approve it; the city poverty office can
    with pytest.raises(ServiceError):
        step_decide(user=cast.users["dora"], step=step, approve=True)
    step_decide(user=cast.users["gus"], step=step, approve=True)
    change.approval.refresh_from_db()
    assert change.approval.state == RequestState.APPROVED
    # Then county, town and village are notified (recorded)
    filed = set(
        Copy.objects.filter(request=change.approval, purpose=CopyPurpose.FILING).values_list(
            "region", flat=True
        )
    )
    assert filed == {cast.county.pk, cast.town.pk, cast.village.pk}


def test_a_personnel_change_needs_a_listed_reason_and_the_cadres_own_unit(cast):
    with pytest.raises(ServiceError) as refused:
        personnel_change_apply(
            user=cast.users["fay"],
            assignment=cast.member.assignments.get(),
            reason="bored",
            detail="想回去",
        )
    assert refused.value.field == "reason" and refused.value.article == "第二十二条"
    with pytest.raises(ServiceError) as refused:
        personnel_change_apply(
            user=cast.users["dora"],
            assignment=cast.member.assignments.get(),
            reason=ChangeReason.OTHER,
            detail="x",
        )
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_the_team_page_shows_the_checks_with_their_articles(cast, client):
    client.force_login(cast.users["dora"])
    page = client.get(reverse("stationing:team_detail", args=[cast.team.pk])).content.decode()
    assert "队伍检查" in page and "第六条" in page and "第五条" in page and "第七条" in page
