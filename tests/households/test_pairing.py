"""Pairing (联户, 第九条、第二十三条): checks as findings, each cadre's load, changes by reason."""

from datetime import date

import pytest
from django.urls import reverse

from tests import factories as f
from zhucun.audit.models import AuditEvent
from zhucun.errors import ServiceError
from zhucun.households import selectors, services
from zhucun.households.models import Pairing, PairingChange
from zhucun.households.pairing_rules import pairing_checks, pairing_failures, pairing_fits

TODAY = date(2026, 3, 10)


def _fired(user):
    return {c.subject: c for c in pairing_checks(selectors.pairing_facts(user)) if c.fired}


def test_pairings_are_checked_against_article_9(cast):
    # Given: carol (team unit) helps a poor household — fine;
    # a poor household in the team's village helped by a cadre of another unit;
    # a household in a village without a team helped by a city unit's cadre;
    # an exited household helped by a non-party cadre who is no contact cadre;
    # and a household with nobody.
    stranger = f.CadreFactory(unit=f.UnitFactory(region=cast.city))
    wrong_unit = f.HouseholdFactory(village=cast.village)
    f.PairingFactory(household=wrong_unit, cadre=stranger)
    no_team = f.HouseholdFactory(village=cast.uncovered_village)
    f.PairingFactory(household=no_team, cadre=cast.household_cadre)
    county_unit = f.UnitFactory(level="county", region=cast.county)
    county_ok = f.HouseholdFactory(village=cast.uncovered_village)
    f.PairingFactory(household=county_ok, cadre=f.CadreFactory(unit=county_unit))
    exited = f.HouseholdFactory(village=cast.village, status="exited", exit_year=2019)
    f.PairingFactory(household=exited, cadre=f.CadreFactory(unit=cast.unit, is_party_member=False))
    exited_ok = f.HouseholdFactory(village=cast.village, status="exited", exit_year=2019)
    f.PairingFactory(
        household=exited_ok, cadre=f.CadreFactory(unit=cast.unit, is_party_member=True)
    )
    alone = f.HouseholdFactory(village=cast.village)
    # When the county looks at the pairings
    fired = _fired(cast.users["dora"])
    # Then exactly the four misfits are findings, citing 第九条 with the rule broken
    assert set(fired) == {f"household:{h.pk}" for h in (wrong_unit, no_team, exited, alone)}
    assert "该队参扶单位" in fired[f"household:{wrong_unit.pk}"].message
    assert "区县选派" in fired[f"household:{no_team.pk}"].message
    assert "党员" in fired[f"household:{exited.pk}"].message
    assert "没有在帮联户干部" in fired[f"household:{alone.pk}"].message
    assert all(c.article == "第九条" for c in fired.values())


@pytest.mark.parametrize("extra", [3, 60])
def test_the_pairing_review_page_uses_a_bounded_number_of_queries(
    cast, client, django_assert_max_num_queries, extra
):
    for _ in range(extra):
        f.PairingFactory(
            household=f.HouseholdFactory(village=cast.village), cadre=cast.household_cadre
        )
    client.force_login(cast.users["dora"])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("households:pairing_review"))
    assert page.status_code == 200
    text = page.content.decode()
    # Each cadre's load is shown
    assert cast.household_cadre.name in text and f"<td>{extra + 1}</td>" in text


def test_the_selecting_unit_changes_a_pairing_for_a_reason_of_article_23(cast):
    new = f.CadreFactory(unit=cast.unit, name="新干部")
    change = services.pairing_change(
        actor=cast.users["fay"],
        household=cast.household,
        cadre_id=new.pk,
        reason="illness",
        detail="原干部住院治疗",
        day=date(2026, 3, 1),
        today=TODAY,
    )
    old = Pairing.objects.get(household=cast.household, cadre=cast.household_cadre)
    assert old.end == date(2026, 2, 28)
    assert Pairing.objects.get(household=cast.household, end__isnull=True).cadre == new
    assert (change.filed_county, change.filed_town, change.filed_village) == (
        cast.county,
        cast.town,
        cast.village,
    )
    assert change.by_unit == cast.unit
    assert AuditEvent.objects.filter(event="pairing.change").count() == 1


@pytest.mark.parametrize(
    "username, reason, detail, day, message",
    [
        ("fay", "bored", "想换", date(2026, 3, 1), "第二十三条所列情形"),
        ("fay", "illness", "", date(2026, 3, 1), "具体情况"),
        ("fay", "illness", "住院", date(2026, 4, 1), "不能晚于今天"),
        ("dora", "illness", "住院", date(2026, 3, 1), "选派单位"),
        ("ed", "illness", "住院", date(2026, 3, 1), "选派单位"),
    ],
)
def test_a_pairing_change_outside_the_rules_is_refused_and_changes_nothing(
    cast, username, reason, detail, day, message
):
    new = f.CadreFactory(unit=cast.unit)
    with pytest.raises(ServiceError) as refused:
        services.pairing_change(
            actor=cast.users[username],
            household=cast.household,
            cadre_id=new.pk,
            reason=reason,
            detail=detail,
            day=day,
            today=TODAY,
        )
    assert message in refused.value.message
    assert (
        Pairing.objects.get(household=cast.household, end__isnull=True).cadre
        == cast.household_cadre
    )
    assert not PairingChange.objects.exists()


def test_the_county_pairs_a_household_of_a_village_without_a_team(cast):
    household = f.HouseholdFactory(village=cast.uncovered_village)
    county_cadre = f.CadreFactory(unit=f.UnitFactory(level="county", region=cast.county))
    services.pairing_change(
        actor=cast.users["dora"],
        household=household,
        cadre_id=county_cadre.pk,
        reason="initial",
        detail="区县选派",
        day=date(2026, 3, 1),
        today=TODAY,
    )
    assert household.pairings.get().cadre == county_cadre


@pytest.mark.parametrize(
    "username, own, other",
    [
        ("dora", 200, 404),
        ("fay", 200, 404),
        ("ed", 200, 404),
        ("oscar", 404, 200),
        ("alice", 403, 403),
        ("carol", 403, 403),
    ],
)
def test_the_change_page_opens_in_scope_and_answers_404_elsewhere(
    cast, client, username, own, other
):
    client.force_login(cast.users[username])
    url = "households:pairing_change"
    assert client.get(reverse(url, args=[cast.household.pk])).status_code == own
    assert client.get(reverse(url, args=[cast.other_household.pk])).status_code == other


@pytest.mark.parametrize(
    "username, status", [("dora", 200), ("alice", 200), ("fay", 200), ("carol", 403), ("bob", 403)]
)
def test_the_review_page_is_for_offices_and_team_leaders(cast, client, username, status):
    client.force_login(cast.users[username])
    assert client.get(reverse("households:pairing_review")).status_code == status


def test_the_review_shows_only_the_users_scope(cast, client):
    client.force_login(cast.users["oscar"])
    text = client.get(reverse("households:pairing_review")).content.decode()
    assert cast.other_leader.name in text and cast.household_cadre.name not in text


def test_the_review_builds_checks_for_the_failing_pairings_only_and_finds_the_same(cast):
    # Given households paired well, paired outside the rules, exited, and without anybody
    stranger = f.CadreFactory(unit=f.UnitFactory(region=cast.city))
    f.PairingFactory(household=f.HouseholdFactory(village=cast.village), cadre=stranger)
    f.PairingFactory(
        household=f.HouseholdFactory(village=cast.uncovered_village), cadre=cast.household_cadre
    )
    exited = f.HouseholdFactory(village=cast.village, status="exited", exit_year=2019)
    f.PairingFactory(household=exited, cadre=f.CadreFactory(unit=cast.unit, is_party_member=True))
    f.HouseholdFactory(village=cast.village)
    facts = selectors.pairing_facts(cast.users["dora"])
    # When the review keeps only the failures
    failed = pairing_failures(facts)
    # Then they are exactly the fired checks of every pairing, in the same order
    checks = pairing_checks(facts)
    assert failed == [c for c in checks if c.fired]
    assert len(failed) == 3 and len(checks) > len(failed)
    # and the verdict alone agrees with every check
    assert [pairing_fits(x) for x in facts] == [c.passed for c in checks]
