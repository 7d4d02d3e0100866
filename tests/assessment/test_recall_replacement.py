"""After a recall (第三十六条) the dispatching unit sends a replacement through the personnel-change
flow (第二十二条): recording the recall applies, the same-level poverty office approves, the
approval posts the successor, and the recall pages say where it stands, who and when."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.assessment import builders as b
from zhucun.approvals.models import ApproverKind, Copy, CopyPurpose, RequestState
from zhucun.approvals.services import step_decide
from zhucun.assessment import services
from zhucun.assessment.models import FinalResult, Recall, RecallState
from zhucun.assessment.recalls import (
    recall_propose,
    recall_record,
    recall_replacement_send,
    replacement_of,
)
from zhucun.errors import ErrorCode, ServiceError
from zhucun.stationing.models import Assignment, ChangeReason, PersonnelChange
from zhucun.stationing.team_services import personnel_change_apply


@pytest.fixture
def unfit(cast):
    """2025 finalised: bob refused three log rectifications, so he is 不称职 (第三十五条(五))."""
    b.whole_team(cast)
    b.notices(cast.member, cast.users["ed"], refused=3)
    services.assessment_finalise(
        actor=cast.users["dora"], county=cast.county, year=b.YEAR, today=b.TODAY
    )
    result = FinalResult.objects.get(cadre=cast.member)
    assert result.grade == "不称职"
    return result


@pytest.fixture
def proposal(cast, unfit):
    return recall_propose(actor=cast.users["dora"], result=unfit, reason="拒不整改工作日志")


@pytest.fixture
def spare(cast):
    """A cadre of the same unit, stationed nowhere: the replacement."""
    return f.CadreFactory(name="丁接替", unit=cast.unit)


def recorded(cast, proposal, successor=None):
    today = timezone.localdate()
    return recall_record(
        actor=cast.users["fay"],
        recall=proposal,
        recalled_on=today,
        successor=successor,
        today=today,
    )


def office_decides(cast, change, approve=True, comment=""):
    (step,) = change.approval.steps.all()
    step_decide(user=cast.users["gus"], step=step, approve=approve, comment=comment)
    change.refresh_from_db()
    return change


def recall_page(client, cast, user="fay"):
    client.force_login(cast.users[user])
    return client.get(reverse("assessment:recall_list")).content.decode()


def test_recording_the_recall_applies_for_the_named_successor_and_approval_posts_him(
    cast, client, proposal, spare
):
    # When the unit records the recall and names 丁接替 as successor
    recall = recorded(cast, proposal, successor=spare)
    # Then a personnel change is pending with the recall's reason, at the city poverty office
    change = recall.replacement
    assert change.reason == ChangeReason.RECALLED and "拒不整改工作日志" in change.detail
    assert change.assignment == cast.member.assignments.get() and change.successor == spare
    (step,) = change.approval.steps.all()
    assert (step.approver_kind, step.region) == (ApproverKind.POVERTY_OFFICE, cast.city)
    assert change.approval.article == "第三十六条"
    assert replacement_of(recall).state == "pending"
    page = recall_page(client, cast)
    assert "待西安市扶贫办审批</span>:丁接替" in page and "申请:" in page
    # When the city poverty office approves
    change = office_decides(cast, change)
    # Then 丁接替 is posted to bob's team in bob's role from today, for a full term, and it is filed
    posted = change.successor_assignment
    today = timezone.localdate()
    assert (posted.cadre, posted.team, posted.role) == (spare, cast.team, "member")
    assert posted.start == today and posted.planned_end.year == today.year + 2
    assert change.assigned_by == cast.users["gus"]
    filed = Copy.objects.filter(request=change.approval, purpose=CopyPurpose.FILING).count()
    assert filed == 3
    # And the recall page says so, with who approved and when
    status = replacement_of(Recall.objects.get(pk=recall.pk))
    assert status.state == "assigned" and status.successor == "丁接替" and status.start == today
    assert status.approved_by == str(cast.users["gus"])
    page = recall_page(client, cast)
    assert f"接替人员已派驻</span>:丁接替,{today:%Y-%m-%d}起驻村" in page
    assert f"批准:{cast.users['gus']}" in page
    # And bob stays until the handover (第六条); his post is the successor's to take over
    assert cast.member.assignments.get().end is None


def test_an_approval_without_a_successor_waits_for_the_unit_to_name_one(
    cast, client, proposal, spare
):
    # Given the recall recorded without a successor and the change approved
    recall = recorded(cast, proposal)
    office_decides(cast, recall.replacement)
    recall.refresh_from_db()
    assert replacement_of(recall).state == "approved"
    client.force_login(cast.users["fay"])
    url = reverse("assessment:recall_replacement", args=[recall.pk])
    assert "已批准,待确定接替人员" in client.get(url).content.decode()
    # When the unit names 丁接替 on the replacement page
    response = client.post(url, {"successor": spare.pk})
    assert response.status_code == 302
    # Then he is posted from today, recorded as posted by the unit
    recall.refresh_from_db()
    status = replacement_of(recall)
    assert status.state == "assigned" and status.who == str(cast.users["fay"])
    assert Assignment.objects.get(cadre=spare).team == cast.team
    assert "派驻登记:" in client.get(url).content.decode()


def test_a_refused_replacement_can_be_applied_for_again(cast, client, proposal, spare):
    # Given the office refuses the first application
    recall = recorded(cast, proposal)
    office_decides(cast, recall.replacement, approve=False, comment="请另选熟悉农业的干部")
    recall.refresh_from_db()
    status = replacement_of(recall)
    assert status.state == "rejected" and status.comment == "请另选熟悉农业的干部"
    assert "意见:请另选熟悉农业的干部" in recall_page(client, cast)
    first = recall.replacement_id
    # When the unit applies again naming 丁接替
    again = recall_replacement_send(
        actor=cast.users["fay"], recall=recall, successor=spare, today=timezone.localdate()
    )
    # Then a new change is pending and the recall points to it
    assert again.replacement_id != first
    assert again.replacement.approval.state == RequestState.PENDING
    assert PersonnelChange.objects.filter(reason=ChangeReason.RECALLED).count() == 2


def test_a_successor_already_stationed_is_refused_and_the_recall_stays_unrecorded(cast, proposal):
    # When the unit names alice, who is stationed, as successor
    with pytest.raises(ServiceError) as refused:
        recorded(cast, proposal, successor=cast.leader)
    # Then it is refused naming the field, and nothing was saved
    assert refused.value.field == "successor" and refused.value.code == ErrorCode.CONFLICT
    proposal.refresh_from_db()
    assert proposal.state == RecallState.PROPOSED and proposal.recalled_on is None
    assert not PersonnelChange.objects.exists()


def test_the_recall_reason_is_not_offered_for_an_ordinary_personnel_change(cast):
    with pytest.raises(ServiceError) as refused:
        personnel_change_apply(
            user=cast.users["fay"],
            assignment=cast.member.assignments.get(),
            reason=ChangeReason.RECALLED,
            detail="想换人",
        )
    assert refused.value.field == "reason" and refused.value.article == "第二十二条"


def test_the_replacement_page_is_scoped_and_only_the_unit_gets_the_form(
    cast, client, proposal, spare
):
    recall = recorded(cast, proposal)
    office_decides(cast, recall.replacement)
    url = reverse("assessment:recall_replacement", args=[recall.pk])
    # The county sees the status but no form; an outsider county officer gets nothing
    client.force_login(cast.users["dora"])
    page = client.get(url).content.decode()
    assert "已批准,待确定接替人员" in page and 'name="successor"' not in page
    client.force_login(cast.users["oscar"])
    assert client.get(url).status_code == 404
    # And the county cannot post a successor in the unit's place
    client.force_login(cast.users["dora"])
    page = client.post(url, {"successor": spare.pk}).content.decode()
    assert "接替人员由派出单位确定" in page
    assert not Assignment.objects.filter(cadre=spare).exists()


def test_the_recall_page_takes_as_many_queries_for_two_recalls_as_for_one(cast, client, unfit):
    # Given one recalled cadre with a posted successor
    def recall_with_successor(result, name):
        proposal = recall_propose(actor=cast.users["dora"], result=result, reason="年度考核不称职")
        recall = recorded(cast, proposal, successor=f.CadreFactory(name=name, unit=cast.unit))
        office_decides(cast, recall.replacement)

    recall_with_successor(unfit, "接替一")
    client.force_login(cast.users["fay"])
    url = reverse("assessment:recall_list")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    # When a second cadre of another year is recalled and replaced too
    second = f.CadreFactory(name="曹二", unit=cast.unit)
    f.AssignmentFactory(team=cast.team, cadre=second, role="member", start=b.date(2024, 1, 1))
    other = FinalResult.objects.create(
        assessment_year=unfit.assessment_year,
        year=unfit.year,
        cadre=second,
        unit=cast.unit,
        team=cast.team,
        eligible=True,
        proposed_grade="不称职",
        grade="不称职",
        explanation={},
        facts={},
    )
    recall_with_successor(other, "接替二")
    with CaptureQueriesContext(connection) as two:
        page = client.get(url).content.decode()
    # Then the page shows both and costs the same number of queries
    assert "接替一" in page and "接替二" in page
    assert len(two) == len(one)


def test_a_recall_approved_from_the_approvals_list_also_starts_the_replacement(cast, proposal):
    # When the unit approves the county's proposal as an ordinary approval step
    (step,) = proposal.approval.steps.all()
    step_decide(user=cast.users["fay"], step=step, approve=True, comment="同意召回")
    # Then the cadre is recalled today and the replacement is pending, with no successor yet
    recall = Recall.objects.get(pk=proposal.pk)
    assert recall.state == RecallState.RECALLED and recall.recalled_on == timezone.localdate()
    status = replacement_of(recall)
    assert status.state == "pending" and status.who == str(cast.users["fay"])
    assert recall.replacement.successor is None


def test_a_pending_change_for_the_post_does_not_block_the_recall(cast, proposal):
    # Given the unit already applied to replace bob for illness
    personnel_change_apply(
        user=cast.users["fay"],
        assignment=cast.member.assignments.get(),
        reason=ChangeReason.ILLNESS,
        detail="住院治疗",
    )
    # When the recall is recorded
    recall = recorded(cast, proposal)
    # Then bob is recalled, no second change is opened, and the page offers to start it later
    assert recall.state == RecallState.RECALLED and recall.replacement is None
    assert replacement_of(recall).state == "none"
    assert PersonnelChange.objects.count() == 1
