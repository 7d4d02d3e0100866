"""contact_compliance fed with raw presorted rows finds exactly what the per-county rule finds."""

from collections import defaultdict
from datetime import date

from zhucun.accounts.models import User
from zhucun.demo.city import build_city
from zhucun.households.compliance import books_by_county, contact_compliance
from zhucun.households.models import Contact, Pairing
from zhucun.policy.contacts import Pairing as PolicyPairing
from zhucun.policy.contacts import contact_checks
from zhucun.rulebook.models import ParameterOverride

TODAY = date(2026, 11, 29)


def reference_checks(since, until):
    """The former feed: model rows with dates, grouped by county, one contact_checks per county."""
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


def test_the_city_compliance_equals_the_per_county_reference_on_the_demo_city(db):
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
    ]:
        # When the city office's compliance is computed from the raw feed
        result = contact_compliance(city, since=since, until=until, today=TODAY)
        # Then it lists the same failed checks, in the same order, as the reference
        expected = reference_checks(since, until)
        assert len(expected) > 100
        assert result.checks == expected
