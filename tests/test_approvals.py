"""The approval engine: routes as stored steps, who may decide, and decisions that never change."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.approvals_cast import one_step_request, two_step_request
from zhucun.approvals import selectors
from zhucun.approvals.models import ApproverKind, RequestState, StepState
from zhucun.approvals.services import (
    delegation_create,
    request_withdraw,
    step_decide,
    steps_bulk_approve,
)
from zhucun.audit.models import AuditEvent
from zhucun.errors import ErrorCode, ServiceError


def _steps(request):
    return list(request.steps.order_by("position"))


def test_a_submitted_request_has_its_first_step_pending_and_the_rest_waiting(cast):
    request = two_step_request(cast)
    first, second = _steps(request)
    assert (first.state, second.state) == (StepState.PENDING, StepState.WAITING)
    assert first.team == cast.team and second.region == cast.town
    assert AuditEvent.objects.filter(event="approval.submit", object_id=str(request.pk)).exists()


def test_consent_passes_the_request_on_and_the_last_approval_completes_it(cast):
    # Given a two-step request
    request = two_step_request(cast)
    first, second = _steps(request)
    # When the team leader consents
    step_decide(user=cast.users["alice"], step=first, approve=True, comment="同意")
    # Then the town's step is pending and the request still open
    second.refresh_from_db()
    request.refresh_from_db()
    assert second.state == StepState.PENDING and request.state == RequestState.PENDING
    # When the town secretary approves
    step_decide(user=cast.users["ed"], step=second, approve=True)
    # Then the request is approved, each step keeping its actor and time
    request.refresh_from_db()
    first, second = _steps(request)
    assert request.state == RequestState.APPROVED and request.decided_at is not None
    assert first.actor == cast.users["alice"] and first.comment == "同意"
    assert second.actor == cast.users["ed"] and second.decided_at is not None
    assert AuditEvent.objects.filter(event="approval.decide").count() == 2


def test_a_rejection_needs_a_reason_and_ends_the_request(cast):
    request = two_step_request(cast)
    first, _ = _steps(request)
    with pytest.raises(ServiceError) as refused:
        step_decide(user=cast.users["alice"], step=first, approve=False)
    assert refused.value.field == "comment"
    step_decide(user=cast.users["alice"], step=first, approve=False, comment="村里正忙")
    request.refresh_from_db()
    assert request.state == RequestState.REJECTED
    assert [s.state for s in _steps(request)] == [StepState.REJECTED, StepState.CANCELLED]


def test_a_decided_step_never_changes(cast):
    request = one_step_request(cast)
    (step,) = _steps(request)
    step_decide(user=cast.users["alice"], step=step, approve=True)
    stale = step  # the object still says "pending": the database decides
    stale.state = StepState.PENDING
    with pytest.raises(ServiceError) as refused:
        step_decide(user=cast.users["alice"], step=stale, approve=False, comment="改主意")
    assert refused.value.code == ErrorCode.ALREADY_DECIDED
    step.refresh_from_db()
    assert step.state == StepState.APPROVED and step.comment == ""


@pytest.mark.parametrize("username", ["bob", "carol", "dora", "fay", "oscar", "olga", "gus"])
def test_only_the_team_leader_decides_the_team_leaders_step(cast, username):
    (step,) = _steps(one_step_request(cast))
    with pytest.raises(ServiceError) as refused:
        step_decide(user=cast.users[username], step=step, approve=True)
    assert refused.value.code in (ErrorCode.FORBIDDEN, ErrorCode.SELF_APPROVAL)
    step.refresh_from_db()
    assert step.state == StepState.PENDING


def test_only_the_town_secretary_or_mayor_decides_the_towns_step(cast):
    town_staff = f.office_user("tina", "town", region=cast.town, duty="staff")
    mayor = f.office_user("max", "town", region=cast.town, duty="mayor")
    (step,) = _steps(one_step_request(cast, ApproverKind.TOWN, cast.town))
    for user in (town_staff, cast.users["alice"], cast.users["dora"]):
        with pytest.raises(ServiceError) as refused:
            step_decide(user=user, step=step, approve=True)
        assert refused.value.code == ErrorCode.FORBIDDEN
    step_decide(user=mayor, step=step, approve=True)
    step.refresh_from_db()
    assert step.actor == mayor


def test_nobody_approves_their_own_request(cast):
    # Given the team leader's own request routed to her own team's leader step
    request = one_step_request(cast, requester=cast.users["alice"], cadre=cast.leader)
    (step,) = _steps(request)
    # Then she cannot approve it
    with pytest.raises(ServiceError) as refused:
        step_decide(user=cast.users["alice"], step=step, approve=True)
    assert refused.value.code == ErrorCode.SELF_APPROVAL
    # And it is not on her pending list
    assert list(selectors.pending_steps(cast.users["alice"])) == []


def test_an_acting_approver_decides_during_the_delegation_and_is_recorded_as_acting(cast):
    today = timezone.localdate()
    deputy = f.office_user("tina", "town", region=cast.town, duty="staff")
    (step,) = _steps(one_step_request(cast, ApproverKind.TOWN, cast.town))
    # Given the town secretary names tina acting approver from today
    delegation_create(user=cast.users["ed"], deputy=deputy, start=today, end=today)
    # When tina approves
    step_decide(user=deputy, step=step, approve=True)
    # Then the step shows tina acting for ed
    step.refresh_from_db()
    assert (step.actor, step.acting_for) == (deputy, cast.users["ed"])


def test_a_delegation_outside_its_dates_gives_no_authority(cast):
    today = timezone.localdate()
    deputy = f.office_user("tina", "town", region=cast.town, duty="staff")
    delegation_create(
        user=cast.users["ed"],
        deputy=deputy,
        start=today + timedelta(days=1),
        end=today + timedelta(days=5),
    )
    (step,) = _steps(one_step_request(cast, ApproverKind.TOWN, cast.town))
    with pytest.raises(ServiceError) as refused:
        step_decide(user=deputy, step=step, approve=True)
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_someone_without_approval_duties_cannot_delegate(cast):
    with pytest.raises(ServiceError) as refused:
        delegation_create(
            user=cast.users["bob"],
            deputy=cast.users["carol"],
            start=timezone.localdate(),
            end=timezone.localdate(),
        )
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_the_requester_may_withdraw_until_someone_decides(cast):
    request = two_step_request(cast)
    with pytest.raises(ServiceError):
        request_withdraw(user=cast.users["alice"], request=request)
    request_withdraw(user=cast.users["bob"], request=request)
    request.refresh_from_db()
    assert request.state == RequestState.WITHDRAWN
    assert {s.state for s in _steps(request)} == {StepState.CANCELLED}


def test_bulk_approval_decides_each_step_and_reports_refusals(cast):
    # Given two requests waiting for alice and one she may not decide
    a, b = one_step_request(cast), one_step_request(cast)
    own = one_step_request(cast, requester=cast.users["alice"], cadre=cast.leader)
    ids = [_steps(r)[0].pk for r in (a, b, own)]
    # When she approves all three at once
    result = steps_bulk_approve(user=cast.users["alice"], step_ids=ids)
    # Then two are approved and her own is refused
    assert len(result.decided) == 2
    assert [(i, e.code) for i, e in result.refused] == [(ids[2], ErrorCode.SELF_APPROVAL)]


def test_the_pending_list_holds_only_the_approvers_current_steps(cast):
    request = two_step_request(cast)
    assert [s.request for s in selectors.pending_steps(cast.users["alice"])] == [request]
    assert list(selectors.pending_steps(cast.users["ed"])) == []  # not yet their turn
    assert list(selectors.pending_steps(cast.users["oscar"])) == []


def test_the_home_page_counts_the_approvers_pending_steps(cast, client):
    two_step_request(cast)
    one_step_request(cast)
    client.force_login(cast.users["alice"])
    page = client.get(reverse("home")).content.decode()
    assert "待我审批" in page
    assert '<span class="value">2</span><span class="label">待我审批</span>' in page


def test_an_outsider_posting_a_decision_gets_403_and_changes_nothing(cast, client):
    (step,) = _steps(one_step_request(cast))
    client.force_login(cast.users["olga"])
    response = client.post(reverse("approvals:decide", args=[step.pk]), {"decision": "approve"})
    assert response.status_code == 403
    step.refresh_from_db()
    assert step.state == StepState.PENDING


def test_the_approver_decides_on_the_page_and_a_second_decision_answers_409(cast, client):
    request = one_step_request(cast)
    (step,) = _steps(request)
    client.force_login(cast.users["alice"])
    url = reverse("approvals:decide", args=[step.pk])
    response = client.post(url, {"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    response = client.post(url, {"decision": "reject", "comment": "不行"})
    assert response.status_code == 409
    assert "该步骤已处理" in response.content.decode()


def test_bulk_approval_on_the_page(cast, client):
    ids = [_steps(one_step_request(cast))[0].pk for _ in range(3)]
    client.force_login(cast.users["alice"])
    response = client.post(reverse("approvals:pending"), {"steps": ids})
    assert response.status_code == 302
    assert list(selectors.pending_steps(cast.users["alice"])) == []


def test_the_dispatching_unit_gets_a_copy_and_may_open_the_request(cast, client):
    request = two_step_request(cast)
    client.force_login(cast.users["fay"])
    page = client.get(reverse("approvals:pending")).content.decode()
    assert "抄送本单位" in page and request.title in page
    assert client.get(reverse("approvals:detail", args=[request.pk])).status_code == 200


@pytest.mark.parametrize(
    "username, status",
    [
        ("bob", 200),
        ("alice", 200),
        ("ed", 200),
        ("dora", 200),
        ("fay", 200),
        ("gus", 200),
        ("oscar", 404),
        ("olga", 404),
        ("carol", 404),
    ],
)
def test_each_role_opens_requests_in_its_scope_and_gets_404_for_others(
    cast, client, username, status
):
    request = two_step_request(cast)
    client.force_login(cast.users[username])
    assert client.get(reverse("approvals:detail", args=[request.pk])).status_code == status
