"""Generated households, pairings and contacts for the hypothesis comparisons of contact
compliance (第二十条): the counted and the computed paths, the summaries and the raw feed."""

from datetime import date, timedelta

from hypothesis import strategies as st

from tests import factories as f
from zhucun.demo.city import build_city
from zhucun.households.models import Contact, Pairing
from zhucun.households.tallies import rebuild_contact_tallies
from zhucun.rulebook.models import ParameterOverride

FIRST = date(2025, 10, 1)


def households(*, days: int, length: int, contacts: int, cadres: int = 1):
    """A household's spec: its county (the cast's or the other), its cadre (of `cadres`), a
    closed pairing starting within `days` of FIRST and lasting up to `length` days, maybe a
    later one (open or closed), and up to `contacts` contacts (visits repeated on a day)."""
    offsets = st.integers(0, days)
    return st.fixed_dictionaries(
        {
            "other_county": st.booleans(),
            "cadre": st.integers(0, cadres - 1),
            "first": st.tuples(offsets, st.integers(0, length)),
            "then": st.none() | st.tuples(st.integers(1, 40), st.none() | st.integers(0, length)),
            "contacts": st.lists(
                st.tuples(
                    offsets, st.sampled_from(["inquiry", "visit"]), st.sampled_from([1, 1, 2, 3])
                ),
                max_size=contacts,
            ),
        }
    )


def make_households(cast, specs, county_rules, cadres) -> None:
    """The households of `specs` in the cast's county or the other, each with its closed
    pairing with cadres[spec["cadre"]] and maybe a later one, their contacts written around
    the contact service (as a bulk load does: tallies rebuilt), and the cast county's own
    minimums (key, value, days after FIRST)."""
    contacts = []
    for spec in specs:
        village = cast.other_village if spec["other_county"] else cast.village
        household = f.HouseholdFactory(village=village)
        cadre = cadres[spec["cadre"]]
        start = FIRST + timedelta(spec["first"][0])
        end = start + timedelta(spec["first"][1])
        pairing = f.PairingFactory(household=household, cadre=cadre, start=start, end=end)
        if spec["then"] is not None:
            gap, length = spec["then"]
            later = end + timedelta(gap)
            f.PairingFactory(
                household=household,
                cadre=cadre,
                start=later,
                end=None if length is None else later + timedelta(length),
            )
        for offset, kind, times in spec["contacts"]:
            contacts += [
                Contact(
                    household=household,
                    cadre=cadre,
                    pairing=pairing,
                    day=FIRST + timedelta(offset),
                    kind=kind,
                    channel="home" if kind == "visit" else "phone",
                    learned="x",
                )
                for _ in range(times if kind == "visit" else 1)
            ]
    Contact.objects.bulk_create(contacts)
    rebuild_contact_tallies()
    for key, value, offset in county_rules:
        ParameterOverride.objects.create(
            county=cast.county, key=key, value=value, effective_from=FIRST + timedelta(offset)
        )


def demo_city_with_repeats(*, today: date, twice_on: date) -> None:
    """The demo city with a year of contacts up to `today`, its first county asking for three
    visits a month from May 2026, and the first open pairing's household visited twice on
    `twice_on`."""
    build_city(scale=0.02, seed=7, today=today)
    county_id = Pairing.objects.values_list("household__village__county_id", flat=True).first()
    ParameterOverride.objects.create(
        county_id=county_id, key="monthly_visits_min", value=3, effective_from=date(2026, 5, 1)
    )
    pairing = Pairing.objects.filter(end__isnull=True).order_by("pk").first()
    for _ in range(2):
        Contact.objects.create(
            household_id=pairing.household_id,
            cadre_id=pairing.cadre_id,
            pairing=pairing,
            day=twice_on,
            kind="visit",
            channel="home",
            learned="x",
        )
    rebuild_contact_tallies()
