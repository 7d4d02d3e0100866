"""Training (第十八条): events feed the cadre-day calendar; ≥1 training and ≥5 days a year."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests import factories as f
from zhucun.errors import ErrorCode, ServiceError
from zhucun.policy.calendar import DayStatus
from zhucun.stationing.calendar import statuses_for
from zhucun.stationing.models import OfficialBusiness
from zhucun.training.models import TrainingEvent
from zhucun.training.selectors import training_checks
from zhucun.training.services import attendance_confirm, event_create, participants_add

AFTER_2025 = date(2026, 1, 5)


def _event(cast, start=date(2025, 9, 22), days=5, who="dora"):
    user = cast.users[who]
    level = "city" if who == "gus" else "county"
    return event_create(
        user=user,
        level=level,
        kind="demonstration" if level == "city" else "rotation",
        title="产业扶贫专题轮训",
        organiser="周至县扶贫办",
        region=cast.city if level == "city" else cast.county,
        start=start,
        end=start + timedelta(days=days - 1),
        place="周至县委党校",
    )


def _attended(cast, cadre, start=date(2025, 9, 22), days=5):
    event = _event(cast, start, days)
    participants_add(user=cast.users["dora"], event=event, cadre_ids=[cadre.pk])
    attendance_confirm(user=cast.users["dora"], event=event, cadre_ids=[cadre.pk], today=AFTER_2025)
    return event


def _check(cast, cadre, today=AFTER_2025):
    rows = training_checks(cast.users["dora"], 2025, today=today)
    return next(r.check for r in rows if r.cadre == cadre)


def test_confirmed_attendance_puts_the_training_days_in_the_calendar_as_official_business(cast):
    _attended(cast, cast.member)
    record = OfficialBusiness.objects.get(cadre=cast.member)
    assert (record.kind, record.start, record.end) == (
        "training",
        date(2025, 9, 22),
        date(2025, 9, 26),
    )
    days = statuses_for([cast.member.pk], date(2025, 9, 22), date(2025, 9, 26), today=AFTER_2025)
    assert set(days[cast.member.pk].values()) == {DayStatus.OFFICIAL}


@pytest.mark.parametrize("trainings, fired", [(0, True), (1, False)])
def test_a_cadre_needs_at_least_one_training_a_year(cast, trainings, fired):
    if trainings:
        _attended(cast, cast.member, days=5)
    check = _check(cast, cast.member)
    assert check.fired is fired and check.article == "第十八条"
    assert check.evidence["sessions"] == trainings


@pytest.mark.parametrize("days, fired", [(4, True), (5, False)])
def test_a_cadre_needs_five_training_days_a_year(cast, days, fired):
    _attended(cast, cast.member, days=days)
    check = _check(cast, cast.member)
    assert check.fired is fired
    assert check.evidence["training_days"] == days
    if fired:
        assert check.severity == "violation" and "未达到" in check.message


def test_a_shortfall_late_in_the_year_is_warned_early(cast):
    check = _check(cast, cast.member, today=date(2025, 12, 10))
    assert check.fired and check.severity == "warning"
    assert check.evidence["days_left_in_year"] == 22


def test_attendance_clashing_with_other_official_business_is_refused(cast):
    OfficialBusiness.objects.create(
        cadre=cast.member,
        assignment=cast.member.assignments.get(),
        kind="trip",
        start=date(2025, 9, 23),
        end=date(2025, 9, 23),
        what="出差",
        where="西安",
        created_at="2025-09-01T00:00:00Z",
    )
    event = _event(cast)
    participants_add(user=cast.users["dora"], event=event, cadre_ids=[cast.member.pk])
    with pytest.raises(ServiceError) as refused:
        attendance_confirm(
            user=cast.users["dora"], event=event, cadre_ids=[cast.member.pk], today=AFTER_2025
        )
    assert refused.value.code == ErrorCode.OVERLAP and "2025-09-23" in refused.value.message
    assert OfficialBusiness.objects.filter(cadre=cast.member).count() == 1


def test_only_the_city_or_the_own_county_organises_and_enrols(cast):
    with pytest.raises(ServiceError):
        _event(cast, who="oscar")
    with pytest.raises(ServiceError):
        _event(cast, who="ed")
    event = _event(cast)
    with pytest.raises(ServiceError) as refused:
        participants_add(user=cast.users["dora"], event=event, cadre_ids=[cast.other_leader.pk])
    assert refused.value.code == ErrorCode.INVALID


@pytest.mark.parametrize("who", ["dora", "ed", "fay", "alice", "bob", "gus"])
def test_an_event_with_the_teams_cadre_opens_for_those_in_scope(cast, login, who):
    event = _attended(cast, cast.member)
    assert (
        login(cast.users[who]).get(reverse("training:event_detail", args=[event.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("who", ["oscar", "olga"])
def test_an_event_is_not_found_for_outsiders(cast, login, who):
    event = _attended(cast, cast.member)
    assert (
        login(cast.users[who]).get(reverse("training:event_detail", args=[event.pk])).status_code
        == 404
    )
    body = login(cast.users[who]).get(reverse("training:checks") + "?year=2025").content.decode()
    assert cast.member.name not in body


def test_the_county_enrols_and_confirms_through_the_page(cast, login):
    event = _event(cast)
    client = login(cast.users["dora"])
    url = reverse("training:event_detail", args=[event.pk])
    assert client.post(url, {"action": "enrol", "cadres": [cast.member.pk]}).status_code == 302
    assert client.post(url, {"action": "attend", "cadres": [cast.member.pk]}).status_code == 302
    assert OfficialBusiness.objects.filter(cadre=cast.member, kind="training").exists()


@pytest.mark.parametrize("extra", [1, 15])
def test_the_checks_page_needs_a_bounded_number_of_queries(
    cast, client, extra, django_assert_max_num_queries
):
    for _ in range(extra):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre, role="member")
    _attended(cast, cast.member)
    client.force_login(cast.users["dora"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("training:checks") + "?year=2025")
    assert response.status_code == 200
    assert TrainingEvent.objects.count() == 1
