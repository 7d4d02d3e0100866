"""contact_compliance counted by the database (zhucun/households/counted.py) equals the
policy's judgement of every pairing (computed_compliance, the reference) — figures, checks,
their order and evidence (第二十条) — and reads a pairing's checks only when they are read."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.households import generated
from tests.households.generated import FIRST, make_households
from zhucun.accounts.models import User
from zhucun.households import compliance as module
from zhucun.households.compliance import computed_compliance, contact_compliance
from zhucun.households.models import Household, Pairing
from zhucun.rulebook.models import ParameterOverride
from zhucun.stationing.models import Team

TODAY = date(2026, 11, 29)
CAST = ["alice", "bob", "carol", "dora", "ed", "fay", "gus", "oscar", "olga"]


def both(username: str, reads=(), **kw):
    """The counted and the computed compliance of a fresh user (its scope is cached on the
    object), the counted one's checks first read as `reads` says (slices, indexes); and
    whether contact_compliance counted it (rather than sending it to the policy)."""
    judged = []
    with mock.patch.object(
        module,
        "computed_compliance",
        lambda *a, **k: judged.append(1) or computed_compliance(*a, **k),
    ):
        counted = contact_compliance(User.objects.get(username=username), **kw)
    for read in reads:
        try:
            counted.checks[read]
        except IndexError:
            assert not -len(counted.checks) <= read < len(counted.checks)
    computed = computed_compliance(User.objects.get(username=username), **kw)
    return counted, computed, not judged


def assert_same(counted, computed):
    # Every figure, every check with its evidence, in order; the cadres in the order the
    # policy met them (the findings list breaks its ties by it)
    assert counted == computed
    assert list(counted.by_cadre) == list(computed.by_cadre)
    assert list(counted.checks) == list(computed.checks)
    assert len(counted.checks) == len(computed.checks)


offsets = st.integers(0, 480)  # 2025-10-01 to 2027-01-24: two New Years
a_household = generated.households(days=480, length=200, contacts=80, cadres=3)
overrides = st.lists(
    st.one_of(
        st.tuples(st.just("weekly_inquiries_min"), st.sampled_from([1, 1, 1, 0, 2]), offsets),
        st.tuples(st.just("monthly_visits_min"), st.integers(0, 4), offsets),
    ),
    max_size=3,
    unique_by=lambda rule: (rule[0], rule[2]),
)
reads = st.lists(
    st.one_of(
        st.integers(-3, 30),
        st.tuples(st.integers(0, 30), st.integers(0, 60)).map(lambda t: slice(*t)),
    ),
    max_size=3,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    households=st.lists(a_household, min_size=1, max_size=5),
    county_rules=overrides,
    window=st.tuples(offsets, st.integers(0, 400)),
    today=st.integers(-30, 30),  # days after the window's end
    users=st.lists(st.sampled_from(CAST), min_size=1, max_size=3, unique=True),
    narrowed=st.booleans(),
    read=reads,
)
def test_the_counted_compliance_equals_the_computed_one_on_generated_data(
    cast, households, county_rules, window, today, users, narrowed, read
):
    since, until = FIRST + timedelta(window[0]), FIRST + timedelta(window[0] + window[1])
    today = until + timedelta(today)
    with transaction.atomic():
        # Given households in two counties, each with a closed pairing and maybe a later one,
        # of carol's cadre, another cadre of her name or 蓝田's leader; contacts on any day
        # of two New Years (visits repeated on a day); 周至's own minimums from any date
        twin = f.CadreFactory(name=cast.household_cadre.name, unit=cast.unit)
        make_households(
            cast, households, county_rules, [cast.household_cadre, twin, cast.other_leader]
        )
        # (the households of 周至's team village only, as a board or the API narrows them)
        household_ids = (
            Household.objects.filter(village=cast.village).values("pk") if narrowed else None
        )
        window_of = {"since": since, "until": until, "today": today}
        for username in users:
            # When each user's compliance is counted (its checks read in pieces first) and
            # computed by the policy
            counted, computed, by_database = both(
                username, read, household_ids=household_ids, **window_of
            )
            event("counted by the database" if by_database else "judged by the policy")
            # Then they are the same
            assert_same(counted, computed)
        transaction.set_rollback(True)


WINDOWS = [
    (date(2026, 1, 1), date(2026, 11, 28)),  # the year to date (the engine)
    (date(2025, 12, 29), date(2026, 1, 4)),  # a week over New Year
    (date(2025, 11, 15), date(2026, 2, 10)),  # months over New Year
    (date(2026, 6, 1), date(2026, 6, 30)),  # a month (the findings list, the report)
]


@pytest.fixture
def demo_city(db):
    # Given the demo city with a year of contacts, one county asking for three visits a month
    # from May, and a day visited twice
    generated.demo_city_with_repeats(today=TODAY, twice_on=date(2026, 6, 11))


def test_the_counted_compliance_equals_the_computed_one_on_the_demo_city(demo_city):
    team = Team.objects.order_by("pk").first()
    in_team_village = Household.objects.filter(village_id=team.village_id).values("pk")
    for since, until in WINDOWS:
        window = {"since": since, "until": until, "today": TODAY}
        for username in ["city", "county", "town", "leader", "household"]:
            # When each demo login's compliance is counted and computed, for all it sees and
            # for one team's village (the boards, the report), its checks read in pieces
            for household_ids in (None, in_team_village):
                counted, computed, by_database = both(
                    username, [slice(0, 3), 7, -1], household_ids=household_ids, **window
                )
                # Then it was counted by the database, and they are the same
                assert by_database
                assert_same(counted, computed)
        city, _, _ = both("city", **window)
        assert len(city.checks) > 10 and city.by_household and city.pairings > 10


def test_the_city_is_counted_without_judging_every_pairing(demo_city, monkeypatch):
    # Given the default weekly minimum of one contact
    def refused(*args, **kwargs):
        raise AssertionError("every pairing judged")

    monkeypatch.setattr(module, "computed_compliance", refused)
    # When the city's year is counted and its checks are read, then the policy judges only
    # the pairings read
    result = contact_compliance(
        User.objects.get(username="city"), since=WINDOWS[0][0], until=WINDOWS[0][1], today=TODAY
    )
    assert len(result.checks) > 100 and list(result.checks)


def test_a_county_asking_two_contacts_a_week_is_judged_by_the_policy(demo_city, monkeypatch):
    # Given one county asking for two contacts a week from March
    county_id = Pairing.objects.values_list("household__village__county_id", flat=True).first()
    ParameterOverride.objects.create(
        county_id=county_id, key="weekly_inquiries_min", value=2, effective_from=date(2026, 3, 1)
    )
    called = []
    real = module.computed_compliance
    monkeypatch.setattr(
        module, "computed_compliance", lambda *a, **kw: called.append(1) or real(*a, **kw)
    )
    city = User.objects.get(username="city")
    # When the city's spring and January are judged
    spring = contact_compliance(city, since=date(2026, 3, 1), until=date(2026, 5, 31), today=TODAY)
    january = contact_compliance(city, since=date(2026, 1, 1), until=date(2026, 1, 31), today=TODAY)
    # Then the spring, whose weeks need two contacts, is judged by the policy, January counted
    assert called == [1]
    assert spring == real(city, since=date(2026, 3, 1), until=date(2026, 5, 31), today=TODAY)
    assert january == real(city, since=date(2026, 1, 1), until=date(2026, 1, 31), today=TODAY)


@pytest.mark.parametrize("username", ["city", "county", "household"])
def test_the_checks_are_read_in_one_query_per_read(demo_city, username):
    user = User.objects.get(username=username)
    window = {"since": WINDOWS[0][0], "until": WINDOWS[0][1], "today": TODAY}
    contact_compliance(user, **window)  # the scope is read once per request, before this
    # When the year is counted
    with CaptureQueriesContext(connection) as counting:
        result = contact_compliance(user, **window)
        figures = (len(result.checks), result.pairings, dict(result.by_cadre))
    # Then it takes the books (2) and the counted statement, and no check is judged
    assert len(counting) == 3 and figures[0] > 20
    # and each read of checks beyond those already made takes one query (the households'
    # tallies), whatever the number of pairings it needs; a read of made ones none
    for read, queries in [
        (slice(0, 5), 1),
        (slice(0, 5), 0),
        (3, 0),
        (slice(10, 20), 1),
        (-1, 1),
        (slice(None), 0),
    ]:
        with CaptureQueriesContext(connection) as reading:
            result.checks[read]
        assert len(reading) == queries, read
    assert list(result.checks) == list(computed_compliance(user, **window).checks)
