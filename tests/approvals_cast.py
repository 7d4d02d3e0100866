"""Requests on the cast's bodies, for the approval engine's tests."""

from zhucun.approvals.models import Action, ApproverKind
from zhucun.approvals.services import StepSpec, request_open


def two_step_request(cast, requester=None, cadre=None):
    """A member's long leave shape: team leader consents, then the town approves."""
    return request_open(
        kind="test",
        title="测试事项",
        requester=requester or cast.users["bob"],
        cadre=cadre or cast.member,
        team=cast.team,
        route=[
            StepSpec(ApproverKind.TEAM_LEADER, Action.CONSENT, cast.team),
            StepSpec(ApproverKind.TOWN, Action.APPROVE, cast.town),
        ],
        article="第十六条",
        explanation="测试路径",
        copy_units=[cast.unit],
    )


def one_step_request(cast, kind=ApproverKind.TEAM_LEADER, body=None, requester=None, cadre=None):
    return request_open(
        kind="test",
        title="测试事项",
        requester=requester or cast.users["bob"],
        cadre=cadre if cadre is not None else cast.member,
        team=cast.team,
        route=[StepSpec(kind, Action.APPROVE, body or cast.team)],
        article="第十六条",
    )
