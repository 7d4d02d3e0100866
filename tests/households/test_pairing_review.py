"""Pairing review (第九条) judged in the database: the same counts and checks as in Python,
and its rows written in Python as the template loop wrote them."""

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from zhucun.households import selectors
from zhucun.households.pairing_rules import pairing_checks, pairing_failures
from zhucun.households.review_rows import failure_rows, load_rows


def _every_kind_of_pairing(cast):
    """Households in a team's village, a village whose team withdrew, and another county's
    team village; poor, exited and returned; paired with nobody or with each kind of cadre."""
    member_unit = f.UnitFactory(name="市<财政>局&", level="city", region=cast.city)
    cast.team.units.add(member_unit)
    f.TeamFactory(
        village=cast.uncovered_village, lead_unit=cast.unit, withdrawn_on=date(2025, 12, 31)
    )
    own_county_unit = f.UnitFactory(level="county", region=cast.county)
    city_unit = f.UnitFactory(level="city", region=cast.city)
    contact = f.CadreFactory(unit=city_unit, is_party_member=False)
    f.AssignmentFactory(team=cast.other_team, cadre=contact, role="town_contact")
    former_contact = f.CadreFactory(unit=city_unit, is_party_member=False)
    f.AssignmentFactory(
        team=cast.team, cadre=former_contact, role="village_cadre", end=date(2026, 1, 31)
    )
    cadres = [
        None,
        f.CadreFactory(unit=cast.unit, is_party_member=False),  # the team's lead unit
        f.CadreFactory(unit=member_unit, is_party_member=False),  # a member unit only
        f.CadreFactory(unit=cast.other_unit, is_party_member=False),  # 蓝田's county unit
        f.CadreFactory(unit=own_county_unit, is_party_member=False),  # 周至's county unit
        f.CadreFactory(unit=city_unit, is_party_member=False),
        f.CadreFactory(unit=city_unit, is_party_member=True),
        contact,
        former_contact,
    ]
    for village in (cast.village, cast.uncovered_village, cast.other_village):
        for status in ("poor", "exited", "returned"):
            for cadre in cadres:
                household = f.HouseholdFactory(village=village, status=status, exit_year=2019)
                if cadre is not None:
                    f.PairingFactory(household=household, cadre=cadre)
    # A household whose only pairing has ended has nobody.
    ended = f.HouseholdFactory(village=cast.village)
    f.PairingFactory(household=ended, cadre=cadres[1], end=date(2026, 1, 31))


@pytest.mark.parametrize("username", ["gus", "dora", "ed", "fay", "alice", "oscar", "olga"])
@pytest.mark.parametrize("shown", [500, 3, 1])
def test_the_database_judges_every_pairing_as_pairing_rules_does(cast, username, shown):
    # Given households of every village kind and status, paired with every kind of cadre
    _every_kind_of_pairing(cast)
    user = cast.users[username]
    # When the review is judged in the database
    review = selectors.pairing_review(user, shown=shown)
    # Then it counts and shows what judging every household's facts in Python gives
    facts = selectors.pairing_facts(user)
    failed = pairing_failures(facts)
    assert review.checked == len(facts)
    assert review.failed_count == len(failed)
    assert review.failed == failed[:shown]


def test_the_judged_households_cover_both_verdicts_of_every_rule(cast):
    _every_kind_of_pairing(cast)
    checks = pairing_checks(selectors.pairing_facts(cast.users["gus"]))
    rules = {(c.message.rsplit(":", 1)[-1], c.passed) for c in checks if c.rule == "pairing_fits"}
    for rule in ("参扶单位", "区县选派", "党员"):
        assert {passed for text, passed in rules if rule in text} == {True, False}
    assert any(c.rule == "pairing_exists" for c in checks)
    assert selectors.pairing_review(cast.users["gus"]).failed_count > 30


def test_a_user_with_no_households_in_scope_gets_empty_figures(cast):
    review = selectors.pairing_review(cast.users["sam"])
    assert (review.checked, review.failed_count, review.failed) == (0, 0, [])


def test_the_review_reads_the_same_queries_with_failures_as_without(cast):
    # Given the county officer's review of the cast's county, then with failures added
    def queries(user):
        selectors.pairing_review(user)  # the user's scope read once
        with CaptureQueriesContext(connection) as captured:
            review = selectors.pairing_review(user)
        return len(captured), review.failed_count

    dora = cast.users["dora"]
    without, none_failed = queries(dora)
    _every_kind_of_pairing(cast)
    some, some_failed = queries(dora)
    # Then both read the count, the rows and the scope's team units: three queries
    assert (none_failed, some_failed > 0) == (0, True)
    assert without == some == 3


# The template loops the rows replaced, kept as the reference.
FAILURES_LOOP = Template(
    "{% for c in failed %}<tr><td><a href=\"{% url 'households:household_detail' "
    'c.subject|slice:"10:" %}">{{ c.evidence.household }}</a></td><td>{{ c.message }} '
    '<span class="article">{{ c.article }}</span></td></tr>\n'
    '{% empty %}<tr><td colspan="2">全部结对符合第九条。</td></tr>{% endfor %}'
)
LOADS_LOOP = Template(
    "{% for row in page %}<tr><td>{{ row.cadre__name }}</td><td>{{ row.cadre__unit__name }}"
    "</td><td>{{ row.households }}</td></tr>\n"
    '{% empty %}<tr><td colspan="3">暂无结对。</td></tr>{% endfor %}'
)


def test_the_rows_are_written_as_the_template_loops_wrote_them(cast):
    # Given failures and loads whose names need escaping
    _every_kind_of_pairing(cast)
    f.PairingFactory(
        household=f.HouseholdFactory(village=cast.village, head_name='<b>"O\'Neil"&'),
        cadre=f.CadreFactory(name="<i>张&'三\"</i>", unit=cast.other_unit),
    )
    user = cast.users["gus"]
    failed = selectors.pairing_review(user).failed
    page = Paginator(list(selectors.cadre_loads(user)), 4).get_page(2)
    assert "&lt;b&gt;" in failure_rows(failed) and "&lt;i&gt;" in load_rows(
        list(selectors.cadre_loads(user))
    )
    # Then the rows are the loops' characters, full and empty
    assert failure_rows(failed) == FAILURES_LOOP.render(Context({"failed": failed}))
    assert failure_rows([]) == FAILURES_LOOP.render(Context({"failed": []}))
    everyone = list(selectors.cadre_loads(user))
    assert load_rows(everyone) == LOADS_LOOP.render(Context({"page": everyone}))
    assert load_rows(page.object_list) == LOADS_LOOP.render(Context({"page": page}))
    assert load_rows([]) == LOADS_LOOP.render(Context({"page": []}))


def _review_queries(client) -> int:
    from django.urls import reverse

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("households:pairing_review")).status_code == 200
    return len(queries)


def test_the_review_page_reads_the_same_number_of_queries_at_two_sizes(cast, client):
    # Given the county officer's review of a small county with one failure, then of one
    # with more households, failures and cadres (more than a page of loads)
    f.PairingFactory(
        household=f.HouseholdFactory(village=cast.village),
        cadre=f.CadreFactory(unit=f.UnitFactory(region=cast.city)),
    )
    client.force_login(cast.users["dora"])
    client.get("/")
    small = _review_queries(client)
    _every_kind_of_pairing(cast)
    for _ in range(105):
        f.PairingFactory(
            household=f.HouseholdFactory(village=cast.village),
            cadre=f.CadreFactory(unit=f.UnitFactory(region=cast.city)),
        )
    large = _review_queries(client)
    # Then the page reads as many queries, well under the budget of 15
    assert small == large <= 10


def test_cadres_of_the_same_name_and_load_are_listed_in_a_fixed_order(cast):
    # Given two cadres named alike, each helping two households
    twins = [f.CadreFactory(name="余斌", unit=u) for u in (cast.unit, cast.other_unit)]
    for cadre in reversed(twins):
        for _ in range(2):
            f.PairingFactory(household=f.HouseholdFactory(village=cast.village), cadre=cadre)
    # When the city reads the loads, Then they come by load, name and then the cadre
    loads = [row["cadre_id"] for row in selectors.cadre_loads(cast.users["gus"])]
    assert [pk for pk in loads if pk in {t.pk for t in twins}] == sorted(t.pk for t in twins)
