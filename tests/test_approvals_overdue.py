"""Overdue approval steps remind the approver and escalate one level up (DESIGN.md §6).

审批时限 is the parameter approval_overdue_days (3 days in the city's rules, a county may set
its own, 第三十八条); 超过3天 means a step pending 4 calendar days or more.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.approvals_cast import one_step_request, two_step_request
from zhucun.approvals.models import ApproverKind, Request, Step
from zhucun.approvals.selectors import escalated_steps, overdue_pending_steps, overdue_rule
from zhucun.approvals.services import step_decide
from zhucun.rulebook.models import ParameterOverride

TODAY = date(2026, 5, 20)


def _at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _submitted(request: Request, when: datetime) -> Request:
    Request.objects.filter(pk=request.pk).update(submitted_at=when)
    return request


def _overdue(user, today=TODAY):
    return list(overdue_pending_steps(user, overdue_rule(today)))


def _escalated(user, today=TODAY):
    return list(escalated_steps(user, overdue_rule(today)))


@pytest.mark.parametrize(
    "since, overdue",
    [
        (_at(TODAY - timedelta(days=3), 0, 0), False),  # 3 days: within the deadline
        (_at(TODAY - timedelta(days=4), 23, 59), True),  # 4 days: 超过3天
    ],
)
def test_a_step_is_overdue_once_it_has_waited_more_than_the_deadline(cast, since, overdue):
    # Given a team-leader step submitted at `since` (Asia/Shanghai)
    request = _submitted(one_step_request(cast), since)
    # When alice looks at her overdue steps on TODAY
    found = _overdue(cast.users["alice"])
    # Then it is overdue only after more than 3 calendar days
    assert [s.request_id for s in found] == ([request.pk] if overdue else [])


@pytest.mark.parametrize("consented_days_ago, overdue", [(3, False), (4, True)])
def test_the_next_steps_clock_starts_when_the_step_before_it_is_decided(
    cast, consented_days_ago, overdue
):
    # Given a request submitted long ago whose first step the leader decided later
    request = _submitted(two_step_request(cast), _at(TODAY - timedelta(days=30)))
    first, _second = Step.objects.filter(request=request).order_by("position")
    step_decide(user=cast.users["alice"], step=first, approve=True)
    Step.objects.filter(pk=first.pk).update(
        decided_at=_at(TODAY - timedelta(days=consented_days_ago), 9)
    )
    # Then the town's step is judged from the consent, not from the submission
    assert bool(_overdue(cast.users["ed"])) is overdue
    assert _overdue(cast.users["alice"]) == []  # her own step is decided


def test_a_countys_own_deadline_applies_to_its_steps_only(cast):
    # Given 周至 sets 7 days (第三十八条) and two leader steps waiting 5 days, in 周至 and 蓝田
    ParameterOverride.objects.create(
        county=cast.county, key="approval_overdue_days", value=7, effective_from=date(2024, 1, 1)
    )
    since = _at(TODAY - timedelta(days=5), 10)
    _submitted(one_step_request(cast), since)
    olgas_team = cast.other_team
    blue = one_step_request(cast, body=olgas_team)
    Request.objects.filter(pk=blue.pk).update(submitted_at=since, team=olgas_team)
    # Then only the 蓝田 step is overdue (city deadline of 3 days)
    assert _overdue(cast.users["alice"]) == []
    assert [s.request_id for s in _overdue(cast.users["olga"])] == [blue.pk]
    rule = overdue_rule(TODAY)
    assert (rule.days_for(cast.county.pk), rule.days_for(cast.other_county.pk)) == (7, 3)


def test_an_overdue_team_leader_step_escalates_to_the_town_of_the_team(cast):
    request = _submitted(one_step_request(cast), _at(TODAY - timedelta(days=10)))
    assert [s.request_id for s in _escalated(cast.users["ed"])] == [request.pk]
    # Not two levels up, not another county, not the approver's peers
    assert _escalated(cast.users["dora"]) == []
    assert _escalated(cast.users["oscar"]) == []
    assert _escalated(cast.users["alice"]) == []


def test_a_step_within_its_deadline_is_not_escalated(cast):
    _submitted(one_step_request(cast), _at(TODAY - timedelta(days=3)))
    assert _escalated(cast.users["ed"]) == []


def test_an_overdue_town_step_escalates_to_the_county_and_a_county_step_to_the_city(cast):
    town = _submitted(
        one_step_request(cast, kind=ApproverKind.TOWN, body=cast.town),
        _at(TODAY - timedelta(days=6)),
    )
    county = _submitted(
        one_step_request(cast, kind=ApproverKind.COUNTY, body=cast.county),
        _at(TODAY - timedelta(days=6)),
    )
    assert [s.request_id for s in _escalated(cast.users["dora"])] == [town.pk]
    assert [s.request_id for s in _escalated(cast.users["gus"])] == [county.pk]
    assert _escalated(cast.users["oscar"]) == []
    # The town itself gets the reminder for its own step, not an escalation
    assert [s.request_id for s in _overdue(cast.users["ed"])] == [town.pk]
    assert _escalated(cast.users["ed"]) == []


# -- pages ----------------------------------------------------------------------------


def _days_ago(days):
    return timezone.now() - timedelta(days=days)


def test_the_approvers_home_panel_marks_an_overdue_step_with_its_evidence(cast, client):
    _submitted(one_step_request(cast), _days_ago(5))
    _submitted(one_step_request(cast), _days_ago(1))
    client.force_login(cast.users["alice"])
    page = client.get(reverse("home")).content.decode()
    assert '<span class="value">1</span><span class="label">其中逾期</span>' in page
    assert page.count("【逾期】") == 1
    assert "待审批5天,超过审批时限3天" in page and "第十六条" in page


def test_the_town_sees_the_teams_overdue_step_on_its_home_page_and_the_overdue_page(cast, client):
    request = _submitted(one_step_request(cast), _days_ago(6))
    client.force_login(cast.users["ed"])
    home = client.get(reverse("home")).content.decode()
    assert "逾期审批督办" in home and "下级逾期未审批" in home
    assert "待驻村工作队队长" in home and "超过审批时限3天" in home
    page = client.get(reverse("approvals:overdue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("approvals:detail", args=[request.pk]) in text and "第十六条" in text
    # and may open the request it supervises
    assert client.get(reverse("approvals:detail", args=[request.pk])).status_code == 200


def test_another_countys_office_sees_no_escalation(cast, client):
    request = _submitted(one_step_request(cast), _days_ago(6))
    client.force_login(cast.users["oscar"])
    assert "逾期审批督办" not in client.get(reverse("home")).content.decode()
    page = client.get(reverse("approvals:overdue")).content.decode()
    assert reverse("approvals:detail", args=[request.pk]) not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["ed", "alice"])
def test_the_home_page_and_the_overdue_page_keep_their_query_count_as_steps_grow(cast, client, who):
    client.force_login(cast.users[who])
    for _ in range(2):
        _submitted(one_step_request(cast), _days_ago(8))
    few = (_queries(client, reverse("home")), _queries(client, reverse("approvals:overdue")))
    for _ in range(20):
        _submitted(one_step_request(cast), _days_ago(8))
    many = (_queries(client, reverse("home")), _queries(client, reverse("approvals:overdue")))
    assert few == many
