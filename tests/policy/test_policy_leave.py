from datetime import date

import pytest

from zhucun.policy.errors import PolicyError
from zhucun.policy.leave import RouteStep, leave_days, leave_route


def route(role, start, end, params):
    return leave_route(role=role, start=start, end=end, params=params)


def test_leave_days_count_both_ends():
    assert leave_days(date(2026, 5, 1), date(2026, 5, 3)) == 3
    assert leave_days(date(2026, 5, 1), date(2026, 5, 1)) == 1


def test_leave_ending_before_it_starts_is_refused():
    with pytest.raises(PolicyError, match="早于开始日期"):
        leave_days(date(2026, 5, 3), date(2026, 5, 1))


def test_member_leave_of_three_days_is_approved_by_the_team_leader(params):
    result = route("member", date(2026, 5, 1), date(2026, 5, 3), params)

    assert result.steps == (RouteStep("team_leader", "approve"),)
    assert result.days == 3 and result.article == "第十六条"
    assert "3天以内" in result.explanation


def test_member_leave_of_four_days_needs_the_town(params):
    result = route("member", date(2026, 5, 1), date(2026, 5, 4), params)

    assert result.steps == (RouteStep("team_leader", "consent"), RouteStep("town", "approve"))
    assert "超过3天" in result.explanation


def test_leader_leave_of_seven_days_is_approved_by_the_town(params):
    result = route("leader", date(2026, 5, 1), date(2026, 5, 7), params)

    assert result.steps == (RouteStep("town", "approve"),)


def test_leader_leave_of_eight_days_needs_the_county(params):
    result = route("leader", date(2026, 5, 1), date(2026, 5, 8), params)

    assert result.steps == (RouteStep("town", "consent"), RouteStep("county", "approve"))
    assert "超过7天" in result.explanation


def test_leave_spanning_a_month_end_counts_calendar_days(params):
    result = route("member", date(2026, 4, 29), date(2026, 5, 2), params)

    assert result.days == 4 and len(result.steps) == 2


def test_an_unknown_role_is_refused(params):
    with pytest.raises(PolicyError):
        route("mayor", date(2026, 5, 1), date(2026, 5, 1), params)
