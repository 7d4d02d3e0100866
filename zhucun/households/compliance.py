"""Contact compliance (第二十条) for everything in a user's scope, set-based.

The rule itself is zhucun.policy.contacts (pure Python). This module feeds it
from the database with a fixed number of queries whatever the number of
households: the counties and their parameter overrides, the pairings, and
one stream of raw (household, day ordinal, kind) rows in the order of the
(household, day) index, judged household by household in one pass.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.households.models import Contact, Household, Pairing
from zhucun.org.models import Region
from zhucun.policy.contacts import Pairing as PolicyPairing
from zhucun.policy.contacts import contact_checks_grouped
from zhucun.policy.findings import Check
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.raw_rows import DayOrdinal, raw_rows
from zhucun.rulebook.models import ParameterOverride


def books_by_county(county_ids) -> dict[int, ParameterBook]:
    """Each county's parameter book (第三十八条 overrides), in two queries for all of them."""
    codes = dict(Region.objects.filter(pk__in=county_ids).values_list("pk", "code"))
    overrides = defaultdict(list)
    for o in ParameterOverride.objects.filter(county_id__in=county_ids).order_by(
        "effective_from", "pk"
    ):
        overrides[o.county_id].append(
            Override(
                key=o.key, value=o.value, effective_from=o.effective_from, county=codes[o.county_id]
            )
        )
    return {
        pk: ParameterBook(county=code, overrides=overrides.get(pk, []))
        for pk, code in codes.items()
    }


@dataclass
class CadreCompliance:
    cadre_id: int
    households: int = 0
    weeks_missed: int = 0
    months_missed: int = 0


@dataclass
class Compliance:
    since: date
    until: date
    checks: list[Check] = field(default_factory=list)  # the failed checks only
    by_cadre: dict[int, CadreCompliance] = field(default_factory=dict)
    by_household: Counter = field(default_factory=Counter)
    pairings: int = 0


def contact_compliance(
    user, *, since: date, until: date, today: date, household_ids=None
) -> Compliance:
    """Weeks and months ending in [since, until] judged for every pairing the user may see."""
    pairings = scoped(user, Pairing.objects.all()).filter(
        Q(end__isnull=True) | Q(end__gte=since), start__lte=until
    )
    if household_ids is not None:
        pairings = pairings.filter(household_id__in=household_ids)
    by_county: dict[int, list[PolicyPairing]] = defaultdict(list)
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
    # The weeks ending on `since` began six days before; months on the 1st.
    earliest = min(since.replace(day=1), since - timedelta(days=6))
    visible = scoped(user, Household.objects.all()).values("pk")
    rows = Contact.objects.filter(household_id__in=visible, day__range=(earliest, until))
    if household_ids is not None:
        rows = rows.filter(household_id__in=household_ids)
    # Raw rows in the (household, day) index order, the day as its ordinal computed by
    # the database: no model instances, no per-row conversion in Python.
    rows = (
        rows.annotate(ordinal=DayOrdinal("day"))
        .order_by("household_id")
        .values_list("household_id", "ordinal", "kind")
    )
    result.checks = contact_checks_grouped(
        (
            (pairing, books[county_id])
            for county_id, pairings_of_county in by_county.items()
            for pairing in pairings_of_county
        ),
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
