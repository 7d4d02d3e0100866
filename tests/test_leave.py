"""Leave (请销假, 第十六条): routes by role and days, overlaps, reporting back, the register."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from zhucun.approvals.models import ApproverKind, RequestState
from zhucun.approvals.services import step_decide
from zhucun.errors import ErrorCode, ServiceError
from zhucun.stationing import selectors
from zhucun.stationing.models import Leave
from zhucun.stationing.services import leave_report_back, leave_request_submit

TODAY = timezone.localdate


def _submit(cast, who="bob", days=1, offset=1, reason="家中有事"):
    cadre = cast.member if who == "bob" else cast.leader
    start = TODAY() + timedelta(days=offset)
    return leave_request_submit(
        user=cast.users[who],
        cadre=cadre,
        start=start,
        end=start + timedelta(days=days - 1),
        reason=reason,
    )


def _route(leave):
    return [(s.approver_kind, s.action, s.body) for s in leave.approval.steps.order_by("position")]


def test_member_leave_of_three_days_goes_to_the_team_leader_alone(cast):
    leave = _submit(cast, days=3)
    assert _route(leave) == [(ApproverKind.TEAM_LEADER, "approve", cast.team)]
    assert leave.approval.article == "第十六条"


def test_member_leave_of_four_days_needs_the_leaders_consent_and_the_town(cast):
    leave = _submit(cast, days=4)
    assert _route(leave) == [
        (ApproverKind.TEAM_LEADER, "consent", cast.team),
        (ApproverKind.TOWN, "approve", cast.town),
    ]
    assert "超过3天" in leave.approval.explanation


def test_leader_leave_of_seven_days_goes_to_the_town(cast):
    leave = _submit(cast, who="alice", days=7)
    assert _route(leave) == [(ApproverKind.TOWN, "approve", cast.town)]


def test_leader_leave_of_eight_days_needs_the_towns_consent_and_the_county(cast):
    leave = _submit(cast, who="alice", days=8)
    assert _route(leave) == [
        (ApproverKind.TOWN, "consent", cast.town),
        (ApproverKind.COUNTY, "approve", cast.county),
    ]


def test_a_four_day_member_leave_is_approved_by_leader_then_town_secretary(cast):
    leave = _submit(cast, days=4)
    first, second = leave.approval.steps.order_by("position")
    step_decide(user=cast.users["alice"], step=first, approve=True)
    second.refresh_from_db()
    step_decide(user=cast.users["ed"], step=second, approve=True)
    leave.approval.refresh_from_db()
    assert leave.approval.state == RequestState.APPROVED


def test_overlapping_leave_is_refused_until_the_first_is_rejected(cast):
    first = _submit(cast, days=3)
    with pytest.raises(ServiceError) as refused:
        _submit(cast, days=2, offset=3)
    assert refused.value.code == ErrorCode.OVERLAP
    step_decide(
        user=cast.users["alice"], step=first.approval.steps.get(), approve=False, comment="不批"
    )
    assert _submit(cast, days=2, offset=3).pk


@pytest.mark.parametrize(
    "offset, days, reason, field",
    [(1, 1, "", "reason"), (-1, 1, "事", "start"), (2, -1, "事", "end")],
)
def test_bad_leave_input_names_the_field_and_saves_nothing(cast, offset, days, reason, field):
    with pytest.raises(ServiceError) as refused:
        _submit(cast, days=days, offset=offset, reason=reason)
    assert refused.value.field == field
    assert not Leave.objects.exists()


def test_leave_beyond_the_assignment_is_refused(cast):
    assignment = cast.member.assignments.get()
    assignment.end = TODAY() + timedelta(days=2)
    assignment.save()
    with pytest.raises(ServiceError) as refused:
        _submit(cast, days=5)
    assert refused.value.code == ErrorCode.OUTSIDE_ASSIGNMENT


def test_nobody_requests_leave_for_someone_else(cast):
    with pytest.raises(ServiceError) as refused:
        leave_request_submit(
            user=cast.users["alice"],
            cadre=cast.member,
            start=TODAY(),
            end=TODAY(),
            reason="代请",
        )
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_reporting_back_early_shortens_the_leave(cast):
    # Given an approved five-day leave starting today
    leave = _submit(cast, who="alice", days=5, offset=0)
    step_decide(user=cast.users["ed"], step=leave.approval.steps.get(), approve=True)
    # When the leader is back in the village on the third day
    leave = leave_report_back(
        user=cast.users["alice"],
        leave=leave,
        returned_on=leave.start + timedelta(days=2),
        today=leave.start + timedelta(days=2),
    )
    # Then only the first two days are leave
    assert leave.leave_end == leave.start + timedelta(days=1)
    with pytest.raises(ServiceError) as refused:
        leave_report_back(
            user=cast.users["alice"], leave=leave, returned_on=leave.start, today=leave.end
        )
    assert refused.value.code == ErrorCode.ALREADY_DECIDED


def test_reporting_back_needs_an_approved_leave_and_a_past_date(cast):
    leave = _submit(cast, days=1, offset=0)
    with pytest.raises(ServiceError):
        leave_report_back(user=cast.users["bob"], leave=leave, returned_on=TODAY())
    step_decide(user=cast.users["alice"], step=leave.approval.steps.get(), approve=True)
    leave.approval.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        leave_report_back(
            user=cast.users["bob"], leave=leave, returned_on=TODAY() + timedelta(days=1)
        )
    assert refused.value.code == ErrorCode.FUTURE_DATE


def test_each_approving_body_keeps_its_own_leave_register(cast):
    member_long = _submit(cast, days=4)
    leader_long = _submit(cast, who="alice", days=8, offset=10)
    assert set(selectors.leave_register(cast.users["alice"])) == {member_long}
    assert set(selectors.leave_register(cast.users["ed"])) == {member_long, leader_long}
    assert set(selectors.leave_register(cast.users["dora"])) == {leader_long}
    assert set(selectors.leave_register(cast.users["oscar"])) == set()


def test_a_member_requests_leave_on_the_page(cast, client):
    client.force_login(cast.users["bob"])
    start = TODAY() + timedelta(days=1)
    response = client.post(
        reverse("stationing:my_leave"),
        {"start": start, "end": start + timedelta(days=3), "reason": "看病"},
    )
    assert response.status_code == 302
    leave = Leave.objects.get()
    assert leave.days == 4 and leave.approval.steps.count() == 2


def test_a_leave_page_error_is_chinese_and_names_the_field(cast, client):
    client.force_login(cast.users["bob"])
    start = TODAY() + timedelta(days=3)
    response = client.post(
        reverse("stationing:my_leave"),
        {"start": start, "end": start - timedelta(days=1), "reason": "看病"},
    )
    assert response.status_code == 422
    assert "返村前最后一天:返村前最后一天不能早于离村日期" in response.content.decode()
    assert not Leave.objects.exists()


@pytest.mark.parametrize(
    "username, status", [("alice", 200), ("ed", 200), ("dora", 200), ("bob", 403), ("fay", 403)]
)
def test_the_leave_register_page_is_for_approvers(cast, client, username, status):
    _submit(cast, days=4)
    client.force_login(cast.users[username])
    response = client.get(reverse("stationing:leave_register"))
    assert response.status_code == status
