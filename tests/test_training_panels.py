"""Home-page reminders of 第十八条: the cadre's own early warning, the offices' count in scope."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from tests import factories as f
from zhucun.accounts.scope import scope_for
from zhucun.allowances.services import cover_record
from zhucun.training.panels import cadre_training_panel, office_training_panel
from zhucun.training.services import attendance_confirm, event_create, participants_add

EARLY = date(2025, 6, 10)  # plenty of the year left: no warning yet
LATE = date(2025, 12, 10)  # 22 days left < 5 needed + 30 margin: warned


def _panel(kind, cast, name, today):
    user = cast.users[name]
    return kind(user, scope_for(user), today)


def _trained(cast, cadre, days=5, start=date(2025, 9, 22)):
    event = event_create(
        user=cast.users["dora"],
        level="county",
        kind="rotation",
        title="产业扶贫专题轮训",
        organiser="周至县扶贫办",
        region=cast.county,
        start=start,
        end=start + timedelta(days=days - 1),
        place="周至县委党校",
    )
    participants_add(user=cast.users["dora"], event=event, cadre_ids=[cadre.pk])
    attendance_confirm(
        user=cast.users["dora"], event=event, cadre_ids=[cadre.pk], today=date(2026, 1, 5)
    )


def test_a_cadre_is_not_warned_while_the_year_leaves_time_to_train(cast):
    panel = _panel(cadre_training_panel, cast, "bob", EARLY)
    assert [(x.label, x.value) for x in panel.figures] == [
        ("2025年培训次数", 0),
        ("2025年培训天数", 0),
    ]
    assert not any(t.article == "第十八条" for t in panel.todos)


def test_a_cadre_short_of_training_late_in_the_year_sees_the_early_warning_with_the_article(cast):
    panel = _panel(cadre_training_panel, cast, "bob", LATE)
    warning = next(t for t in panel.todos if t.article == "第十八条")
    assert warning.text.startswith("培训预警:") and "仅剩22天" in warning.text
    assert "尚需培训5天" in warning.text


@pytest.mark.parametrize("days, warned", [(4, True), (5, False)])
def test_four_training_days_still_warn_and_five_do_not(cast, days, warned):
    _trained(cast, cast.member, days=days)
    panel = _panel(cadre_training_panel, cast, "bob", LATE)
    assert any(t.article == "第十八条" for t in panel.todos) is warned


def test_a_cadre_sees_their_own_missing_insurance_and_exam_until_the_unit_records_them(cast):
    today = date.today()
    reasons = [t.text for t in _panel(cadre_training_panel, cast, "bob", today).todos]
    assert any("尚未办理人身意外伤害保险" in r for r in reasons)
    assert any("尚未安排体检" in r for r in reasons)
    for kind in ("insurance", "exam"):
        cover_record(
            user=cast.users["fay"],
            cadre=cast.member,
            kind=kind,
            year=today.year,
            done_on=today,
            valid_until=today + timedelta(days=365) if kind == "insurance" else None,
        )
    reasons = [t.text for t in _panel(cadre_training_panel, cast, "bob", today).todos]
    assert not any("保险" in r or "体检" in r for r in reasons)


def test_offices_and_people_not_stationed_get_no_cadre_panel(cast):
    for name in ("dora", "ed", "fay", "carol", "gus"):
        assert _panel(cadre_training_panel, cast, name, LATE) is None


def test_the_county_and_town_see_how_many_cadres_in_their_scope_are_short_linked_to_the_list(
    cast,
):
    # Given alice and bob stationed in 周至, bob trained 5 days, alice not
    _trained(cast, cast.member, days=5)
    for name in ("dora", "ed"):
        panel = _panel(office_training_panel, cast, name, LATE)
        figures = {x.label: x for x in panel.figures}
        # Then one cadre is counted as warned, and the figure opens the shortfall list
        assert figures["本年应参训驻村干部"].value == 2
        assert figures["培训未达标/预警"].value == 1
        assert figures["培训未达标/预警"].url == reverse("training:checks") + (
            "?year=2025&only=shortfall"
        )
        assert any(
            t.text.startswith("1名驻村干部") and t.article == "第十八条" for t in panel.todos
        )
    # and the outsider county counts only its own cadre (olga)
    outsider = _panel(office_training_panel, cast, "oscar", LATE)
    assert {x.label: x.value for x in outsider.figures}["本年应参训驻村干部"] == 1


def test_after_the_year_the_shortfall_is_counted_as_not_met(cast):
    panel = _panel(office_training_panel, cast, "dora", date(2025, 12, 31))
    assert {x.label: x.value for x in panel.figures}["培训未达标/预警"] == 2


def test_units_cadres_and_the_city_get_no_office_training_panel(cast):
    for name in ("fay", "alice", "bob", "gus"):
        assert _panel(office_training_panel, cast, name, LATE) is None


def test_the_home_page_shows_the_training_panels(cast, login):
    assert "我的培训与保障" in login(cast.users["bob"]).get(reverse("home")).content.decode()
    body = login(cast.users["dora"]).get(reverse("home")).content.decode()
    assert "培训未达标/预警" in body and "only=shortfall" in body


@pytest.mark.parametrize("username", ["dora", "ed", "bob", "alice"])
def test_the_training_panels_cost_the_same_queries_for_more_cadres(
    cast, username, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = type(cast.users[username]).objects.get(pk=cast.users[username].pk)
    with CaptureQueriesContext(connection) as small:
        cadre_training_panel(user, scope_for(user), LATE)
        office_training_panel(user, scope_for(user), LATE)
    for _ in range(12):
        cadre = f.CadreFactory(unit=cast.unit)
        f.AssignmentFactory(team=cast.team, cadre=cadre)
        _trained(cast, cadre, days=2)
    user = type(user).objects.get(pk=user.pk)  # a fresh scope
    with django_assert_max_num_queries(len(small.captured_queries)):
        cadre_training_panel(user, scope_for(user), LATE)
        office_training_panel(user, scope_for(user), LATE)
