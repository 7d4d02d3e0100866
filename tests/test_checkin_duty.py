"""Check-in, backfill, official business and the weekend/holiday duty roster (第十六条)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from zhucun.approvals.services import step_decide
from zhucun.errors import ErrorCode, ServiceError
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing import selectors
from zhucun.stationing.models import CheckIn, DutyDay, OfficialBusiness
from zhucun.stationing.services import (
    check_in,
    check_in_backfill,
    duty_roster_rotate,
    duty_roster_set,
    leave_request_submit,
    official_business_record,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_one_tap_records_today_at_server_time_and_a_second_tap_changes_nothing(cast):
    # Given it is 23:30 in Xi'an (15:30 UTC)
    now = datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI)
    # When bob taps twice
    first, created = check_in(user=cast.users["bob"], cadre=cast.member, now=now)
    again, created_again = check_in(
        user=cast.users["bob"], cadre=cast.member, now=now + timedelta(minutes=5)
    )
    # Then one check-in for the local day exists, at the first tap's time
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and first.day == date(2026, 3, 10)
    assert CheckIn.objects.count() == 1 and not first.backfilled


def test_location_is_optional_and_checked_when_given(cast):
    record, _ = check_in(
        user=cast.users["bob"], cadre=cast.member, latitude="34.1", longitude="108.2"
    )
    assert record.latitude is not None
    with pytest.raises(ServiceError) as refused:
        check_in(user=cast.users["alice"], cadre=cast.leader, latitude="95", longitude="108")
    assert refused.value.field == "location"


def test_nobody_checks_in_for_someone_else(cast):
    with pytest.raises(ServiceError) as refused:
        check_in(user=cast.users["alice"], cadre=cast.member)
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_no_check_in_outside_the_assignment(cast):
    with pytest.raises(ServiceError) as refused:
        check_in(
            user=cast.users["bob"],
            cadre=cast.member,
            now=datetime(2025, 5, 1, 9, tzinfo=SHANGHAI),
        )
    assert refused.value.code == ErrorCode.OUTSIDE_ASSIGNMENT


def test_a_backfilled_day_needs_a_reason_and_is_marked(cast):
    today = date(2026, 3, 10)
    with pytest.raises(ServiceError) as refused:
        check_in_backfill(
            user=cast.users["bob"], cadre=cast.member, day=date(2026, 3, 9), reason="", today=today
        )
    assert refused.value.field == "reason"
    record = check_in_backfill(
        user=cast.users["bob"],
        cadre=cast.member,
        day=date(2026, 3, 9),
        reason="手机没电",
        today=today,
    )
    assert record.backfilled and record.reason == "手机没电"
    with pytest.raises(ServiceError) as refused:
        check_in_backfill(
            user=cast.users["bob"], cadre=cast.member, day=today, reason="x", today=today
        )
    assert refused.value.code == ErrorCode.FUTURE_DATE


def test_official_business_records_what_and_where_and_refuses_overlaps(cast):
    record = official_business_record(
        user=cast.users["bob"],
        cadre=cast.member,
        kind="training",
        start=date(2026, 3, 2),
        end=date(2026, 3, 4),
        what="县驻村干部轮训",
        where="周至县委党校",
        today=date(2026, 3, 10),
    )
    assert record.days == 3
    with pytest.raises(ServiceError) as refused:
        official_business_record(
            user=cast.users["bob"],
            cadre=cast.member,
            kind="meeting",
            start=date(2026, 3, 4),
            end=date(2026, 3, 4),
            what="会",
            where="县里",
            today=date(2026, 3, 10),
        )
    assert refused.value.code == ErrorCode.OVERLAP
    with pytest.raises(ServiceError) as refused:
        official_business_record(
            user=cast.users["bob"],
            cadre=cast.member,
            kind="meeting",
            start=date(2026, 3, 5),
            end=date(2026, 3, 5),
            what="",
            where="县里",
            today=date(2026, 3, 10),
        )
    assert refused.value.field == "what"
    assert OfficialBusiness.objects.count() == 1


def _month_ahead():
    first = (timezone.localdate().replace(day=1) + timedelta(days=40)).replace(day=1)
    return first.year, first.month


def test_the_leader_rotates_duty_over_every_weekend_and_holiday(cast):
    year, month = _month_ahead()
    rows = duty_roster_rotate(user=cast.users["alice"], team=cast.team, year=year, month=month)
    first = date(year, month, 1)
    off = non_working_days(first, (first + timedelta(days=31)).replace(day=1) - timedelta(days=1))
    assert {r.day for r in rows} == off
    assert {r.cadre_id for r in rows} == {cast.leader.pk, cast.member.pk}


def test_only_the_team_leader_sets_the_roster(cast):
    year, month = _month_ahead()
    with pytest.raises(ServiceError) as refused:
        duty_roster_rotate(user=cast.users["bob"], team=cast.team, year=year, month=month)
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_a_working_day_cannot_be_rostered(cast):
    with pytest.raises(ServiceError) as refused:
        duty_roster_set(
            user=cast.users["alice"],
            team=cast.team,
            year=2026,
            month=3,
            plan={date(2026, 3, 10): {cast.member.pk}},  # a Tuesday
        )
    assert refused.value.field == "plan"


def test_a_weekend_left_uncovered_by_an_approved_leave_is_flagged(cast):
    # Given bob alone on duty on a Saturday, and his approved leave that day
    today = timezone.localdate()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    duty_roster_set(
        user=cast.users["alice"],
        team=cast.team,
        year=saturday.year,
        month=saturday.month,
        plan={saturday: {cast.member.pk}},
    )
    leave = leave_request_submit(
        user=cast.users["bob"], cadre=cast.member, start=saturday, end=saturday, reason="家事"
    )
    step_decide(user=cast.users["alice"], step=leave.approval.steps.get(), approve=True)
    # When the month's roster is checked
    first = saturday.replace(day=1)
    roster = selectors.team_roster(cast.team, first, first + timedelta(days=27))
    # Then that Saturday is a 第十六条 finding naming bob's leave
    finding = next(c for c in roster.checks if c.period == saturday.isoformat())
    assert finding.fired and finding.article == "第十六条"
    assert finding.evidence["on_leave"] == [cast.member.name]
    assert "无人值班" in finding.message


def test_the_roster_page_saves_the_leaders_plan(cast, client):
    year, month = _month_ahead()
    first = date(year, month, 1)
    day = min(non_working_days(first, first + timedelta(days=27)))
    client.force_login(cast.users["alice"])
    url = reverse("stationing:roster", args=[cast.team.pk])
    response = client.post(
        url, {"month": f"{year}-{month:02d}", f"duty-{day}": [cast.member.pk], "action": "save"}
    )
    assert response.status_code == 302
    assert list(DutyDay.objects.values_list("day", "cadre_id")) == [(day, cast.member.pk)]


def test_a_member_sees_the_roster_but_cannot_change_it(cast, client):
    client.force_login(cast.users["bob"])
    url = reverse("stationing:roster", args=[cast.team.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "rotate"}).status_code == 403


def test_a_member_checks_in_on_the_page(cast, client):
    client.force_login(cast.users["bob"])
    assert "我在村 · 签到" in client.get(reverse("stationing:my_day")).content.decode()
    assert client.post(reverse("stationing:check_in")).status_code == 302
    page = client.get(reverse("stationing:my_day")).content.decode()
    assert "今天已签到" in page


def test_a_backfill_without_reason_shows_a_chinese_error_on_the_page(cast, client):
    client.force_login(cast.users["bob"])
    response = client.post(
        reverse("stationing:backfill"), {"day": timezone.localdate() - timedelta(days=1)}
    )
    assert response.status_code == 422
    assert "补签理由:补签须填写理由" in response.content.decode()
    assert not CheckIn.objects.exists()
