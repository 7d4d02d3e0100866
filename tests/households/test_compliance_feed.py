"""contact_compliance, from the database's summaries of the contacts, finds exactly what the
rule finds from the contacts themselves (第二十条): the demo city, generated data, refusals."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f
from tests.households import generated
from tests.households.generated import FIRST, make_households
from zhucun.accounts.models import User
from zhucun.accounts.scope import scope_for, scoped
from zhucun.demo.city import build_city
from zhucun.households.compliance import (
    CadreCompliance,
    Compliance,
    books_by_county,
    contact_compliance,
    contact_summaries,
)
from zhucun.households.models import Contact, Household, Pairing
from zhucun.households.tallies import rebuild_contact_tallies
from zhucun.policy.contacts import Pairing as PolicyPairing
from zhucun.policy.contacts import (
    contact_checks,
    contact_checks_grouped,
    summarise,
    weekly_ceiling,
    window_start,
)
from zhucun.raw_rows import DayOrdinal, raw_rows
from zhucun.rulebook.models import ParameterOverride

TODAY = date(2026, 11, 29)


def reference_checks(since, until):
    """The per-county feed: model rows with dates, grouped by county, one contact_checks per county."""
    pairings = defaultdict(list)
    for county, household, start, end, cadre in (
        Pairing.objects.filter(start__lte=until)
        .exclude(end__lt=since)
        .order_by("household__village__county_id", "household_id", "start")
        .values_list("household__village__county_id", "household_id", "start", "end", "cadre_id")
    ):
        pairings[county].append(PolicyPairing(household, start, end, cadre))
    rows = defaultdict(list)
    for county, household, day, kind in Contact.objects.order_by("household_id", "day").values_list(
        "household__village__county_id", "household_id", "day", "kind"
    ):
        rows[county].append((household, day, kind))
    books = books_by_county(pairings)
    checks = []
    for county in sorted(pairings):
        checks += contact_checks(
            pairings[county],
            rows[county],
            today=TODAY,
            book=books[county],
            since=since,
            until=until,
        )
    return checks


def reference_compliance(user, *, since, until, today) -> Compliance:
    """The former contact_compliance, kept as the reference: every contact row read raw, in
    household order, and judged one household at a time by contact_checks_grouped."""
    pairings = scoped(user, Pairing.objects.all()).filter(
        Q(end__isnull=True) | Q(end__gte=since), start__lte=until
    )
    by_county = defaultdict(list)
    result = Compliance(since, until)
    for county_id, household_id, start, end, cadre_id in pairings.values_list(
        "household__village__county_id", "household_id", "start", "end", "cadre_id"
    ).order_by("household__village__county_id", "household_id", "start"):
        by_county[county_id].append(PolicyPairing(household_id, start, end, cadre_id))
        result.pairings += 1
        entry = result.by_cadre.setdefault(cadre_id, CadreCompliance(cadre_id))
        if end is None or end >= until:
            entry.households += 1
    if not by_county:
        return result
    books = books_by_county(by_county)
    visible = scoped(user, Household.objects.all()).values("pk")
    rows = Contact.objects.filter(household_id__in=visible, day__range=(window_start(since), until))
    rows = (
        rows.annotate(ordinal=DayOrdinal("day"))
        .order_by("household_id")
        .values_list("household_id", "ordinal", "kind")
    )
    result.checks = contact_checks_grouped(
        ((p, books[county]) for county, of_county in by_county.items() for p in of_county),
        raw_rows(rows),
        today=today,
        since=since,
        until=until,
    )
    for check in result.checks:
        entry = result.by_cadre.setdefault(
            check.evidence["cadre"], CadreCompliance(check.evidence["cadre"])
        )
        if check.rule == "weekly_inquiry":
            entry.weeks_missed += 1
        else:
            entry.months_missed += 1
        result.by_household[int(check.subject.split(":")[1])] += 1
    return result


def test_the_city_compliance_equals_the_references_on_the_demo_city(db):
    # Given the demo city with a year of contacts, and one county asking for more visits
    build_city(scale=0.02, seed=7, today=TODAY)
    county_id = Pairing.objects.values_list("household__village__county_id", flat=True).first()
    ParameterOverride.objects.create(
        county_id=county_id, key="monthly_visits_min", value=3, effective_from=date(2026, 5, 1)
    )
    city = User.objects.get(username="city")
    for since, until in [
        (date(2026, 1, 1), date(2026, 11, 28)),
        (date(2026, 3, 15), date(2026, 6, 3)),
        (date(2025, 12, 29), date(2026, 1, 4)),
    ]:
        # When the city office's compliance is computed from the database's summaries
        result = contact_compliance(city, since=since, until=until, today=TODAY)
        # Then it lists the same failed checks, in the same order, as the per-county rule
        expected = reference_checks(since, until)
        assert len(expected) > 10
        assert result.checks == expected
        # and the same counts by cadre and household as the former raw-row feed
        assert result == reference_compliance(city, since=since, until=until, today=TODAY)


offsets = st.integers(0, 150)  # dense: most weeks and months have some contacts
a_household = generated.households(days=150, length=150, contacts=60)
overrides = st.lists(
    st.tuples(
        st.sampled_from(["weekly_inquiries_min", "monthly_visits_min"]),
        st.integers(1, 4),
        offsets,
    ),
    max_size=3,
    unique_by=lambda rule: (rule[0], rule[2]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    households=st.lists(a_household, min_size=1, max_size=4),
    county_rules=overrides,
    window=st.tuples(offsets, st.integers(0, 150)),
    today=st.integers(-30, 30),  # days after the window's end
)
def test_compliance_from_summaries_equals_the_raw_feed_on_generated_data(
    cast, households, county_rules, window, today
):
    since, until = FIRST + timedelta(window[0]), FIRST + timedelta(window[0] + window[1])
    today = until + timedelta(today)
    with transaction.atomic():
        # Given households in two counties, each with a closed pairing and maybe a later one,
        # contacts on any day (some visits twice or three times the same day), and 周至's
        # own minimums from any date
        make_households(cast, households, county_rules, [cast.household_cadre])
        city = cast.users["gus"]
        # When the city's compliance is computed from the database's summaries
        result = contact_compliance(city, since=since, until=until, today=today)
        # Then it equals the former feed's: checks, order, evidence, counts
        assert result == reference_compliance(city, since=since, until=until, today=today)
        # and the stored summaries are the policy's own summaries of the same rows
        books = books_by_county([cast.county.pk, cast.other_county.pk])
        ceiling = weekly_ceiling(books.values())
        rows = Contact.objects.filter(day__range=(window_start(since), until))
        assert contact_summaries(
            None, since=since, until=until, weekly_ceiling=ceiling
        ) == summarise(
            rows.values_list("household_id", "day", "kind"),
            since=since,
            until=until,
            weekly_ceiling=ceiling,
        )
        transaction.set_rollback(True)


def test_a_contact_of_an_unknown_kind_is_refused_when_it_is_written(cast):
    # Given a contact whose kind is neither an inquiry nor a visit, written around the service
    # When it is saved, then the database refuses it: the stored tallies count inquiries and
    # visits only, so no contact of another kind can reach compliance (the engine's own
    # refusal, naming the household and day, is tested in tests/policy)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(
            household=cast.household,
            cadre=cast.household_cadre,
            pairing=cast.household.pairings.get(),
            day=date(2026, 2, 3),
            kind="letter",
            channel="phone",
            learned="x",
        )
    assert not Contact.objects.filter(kind="letter").exists()


def _county_with_repeats_of(size, cast):
    cadre = f.CadreFactory(unit=cast.unit)
    for i in range(size):
        household = f.HouseholdFactory(village=cast.village)
        pairing = f.PairingFactory(household=household, cadre=cadre, start=date(2026, 1, 1))
        for week in range(0, 8, 2 if i % 3 else 1):
            day = date(2026, 1, 5) + timedelta(days=7 * week)
            for _ in range(1 + i % 2):  # every other household visited twice the same day
                Contact.objects.create(
                    household=household,
                    cadre=cadre,
                    pairing=pairing,
                    day=day,
                    kind="visit",
                    channel="home",
                    learned="x",
                )
    rebuild_contact_tallies()  # written around the service: as a bulk load does


def test_every_query_runs_once_whatever_the_number_of_households(cast):
    # Given a county asking for two contacts a week, and households visited twice a day
    ParameterOverride.objects.create(
        county=cast.county, key="weekly_inquiries_min", value=2, effective_from=date(2026, 1, 1)
    )
    scope_for(cast.users["dora"])  # the user's scope is read once per request, before this
    counts = []
    for size in (10, 200):
        _county_with_repeats_of(size, cast)
        # When the county's compliance is computed
        with CaptureQueriesContext(connection) as queries:
            result = contact_compliance(
                cast.users["dora"], since=date(2026, 1, 1), until=date(2026, 2, 28), today=TODAY
            )
        counts.append(len(queries))
        assert result.pairings > size
        assert any(c.evidence["contacts"] == 1 for c in result.checks if c.evidence.get("contacts"))
    # Then the queries are the same whatever the size: pairings, counties, overrides, the
    # summaries, the weeks under the ceiling and (PostgreSQL) the days visited twice
    assert counts[0] == counts[1] <= 6


def test_a_month_short_of_visits_lists_a_day_visited_twice_twice(cast):
    # Given a county asking for three visits a month from March, and two visits on 03-03
    ParameterOverride.objects.create(
        county=cast.county, key="monthly_visits_min", value=3, effective_from=date(2026, 3, 1)
    )
    pairing = cast.household.pairings.get()
    for day in (date(2026, 3, 3), date(2026, 3, 3), date(2026, 4, 7)):
        Contact.objects.create(
            household=cast.household,
            cadre=cast.household_cadre,
            pairing=pairing,
            day=day,
            kind="visit",
            channel="home",
            learned="x",
        )
    rebuild_contact_tallies()  # written around the service: as a bulk load does
    # When March and April are judged
    result = contact_compliance(
        cast.users["dora"], since=date(2026, 3, 1), until=date(2026, 4, 30), today=TODAY
    )
    # Then both months are short, March with its day listed twice, as the raw feed says
    months = {c.period: c.evidence for c in result.checks if c.rule == "monthly_visits"}
    assert months["2026-03"]["visits"] == 2
    assert months["2026-03"]["visit_days"] == ["2026-03-03", "2026-03-03"]
    assert months["2026-04"]["visit_days"] == ["2026-04-07"]
    assert result == reference_compliance(
        cast.users["dora"], since=date(2026, 3, 1), until=date(2026, 4, 30), today=TODAY
    )
