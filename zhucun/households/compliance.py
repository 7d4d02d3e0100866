"""Contact compliance (第二十条) for everything in a user's scope, set-based.

The rule itself is zhucun.policy.contacts (pure Python). This module feeds it
from the database with a fixed number of queries whatever the number of
households: the counties and their parameter overrides, the pairings, and each
household's summary of its contacts (policy.contacts.ContactSummary), read from the
stored tallies (zhucun.households.tallies: one row per household and year, kept with
the contacts). Python's work is per household, per failed check — not per contact.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.gc_pause import gc_paused
from zhucun.households.models import Household, Pairing
from zhucun.households.tallies import stored_summaries
from zhucun.org.models import Region
from zhucun.policy.contacts import (
    MONTHLY,
    ContactFailure,
    ContactSummary,
    contact_failures_summarised,
    weekly_ceiling,
)
from zhucun.policy.contacts import Pairing as PolicyPairing
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


class FailedChecks(Sequence):
    """The failed checks, each built as a Check when it is read.

    A city's year has some 160,000; the figures by cadre and by household, a count or
    a page of 500 need only some or none of them as Checks. Reading them all (iterating,
    comparing) builds them once and keeps them.
    """

    def __init__(self, failures: list[ContactFailure] | None = None):
        self._failures = failures or []
        self._checks: list[Check] | None = None

    def __len__(self) -> int:
        return len(self._failures)

    def __getitem__(self, index):
        if self._checks is not None:
            return self._checks[index]
        if isinstance(index, slice):
            return [failure.check() for failure in self._failures[index]]
        return self._failures[index].check()

    def __iter__(self):
        if self._checks is None:
            self._checks = [failure.check() for failure in self._failures]
        return iter(self._checks)

    def __eq__(self, other) -> bool:
        if isinstance(other, FailedChecks | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"FailedChecks({len(self)} checks)"


@dataclass
class Compliance:
    since: date
    until: date
    checks: FailedChecks = field(default_factory=FailedChecks)  # the failed checks only
    by_cadre: dict[int, CadreCompliance] = field(default_factory=dict)
    by_household: Counter = field(default_factory=Counter)
    pairings: int = 0


@gc_paused()
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
    rows = (
        pairings.annotate(first=DayOrdinal("start"), last=DayOrdinal("end"))
        .values_list("household__village__county_id", "household_id", "first", "last", "cadre_id")
        .order_by("household__village__county_id", "household_id", "start")
    )
    # The cursor's rows, the dates as ordinals: most pairings share a few start days, and
    # the ORM's conversion of every date was a third of a county's month (22,000 pairings).
    days: dict[int, date] = {}
    by_cadre, last_day = result.by_cadre, until.toordinal()
    for county_id, household_id, first, last, cadre_id in raw_rows(rows):
        start = days.get(first) or days.setdefault(first, date.fromordinal(first))
        end = (
            None
            if last is None
            else days.get(last) or days.setdefault(last, date.fromordinal(last))
        )
        by_county[county_id].append(PolicyPairing(household_id, start, end, cadre_id))
        result.pairings += 1
        entry = by_cadre.get(cadre_id)
        if entry is None:
            entry = by_cadre[cadre_id] = CadreCompliance(cadre_id)
        if last is None or last >= last_day:
            entry.households += 1
    if not by_county:
        return result
    books = books_by_county(by_county)
    visible = scoped(user, Household.objects.all())
    if household_ids is not None:
        # Narrow the visible set itself: a team's board opened by its county must not
        # make the database walk the whole county's households first.
        visible = visible.filter(pk__in=household_ids)
    summaries = contact_summaries(
        visible.values("pk"),
        since=since,
        until=until,
        weekly_ceiling=weekly_ceiling(books.values()),
    )
    failures = contact_failures_summarised(
        (
            (pairing, books[county_id])
            for county_id, pairings_of_county in by_county.items()
            for pairing in pairings_of_county
        ),
        summaries,
        today=today,
        since=since,
        until=until,
    )
    result.checks = FailedChecks(failures)
    # Counted in C (Counter over attrgetter), then added up per cadre: a city's year has
    # some 160,000 failures and a Python loop over them was a tenth of the computation.
    by_cadre = result.by_cadre
    for (cadre_id, rule), count in Counter(map(_CADRE_AND_RULE, failures)).items():
        entry = by_cadre.get(cadre_id)
        if entry is None:
            entry = by_cadre[cadre_id] = CadreCompliance(cadre_id)
        if rule == MONTHLY:
            entry.months_missed += count
        else:
            entry.weeks_missed += count
    result.by_household.update(map(_HOUSEHOLD, failures))
    return result


_CADRE_AND_RULE = attrgetter("pairing.cadre", "rule")
_HOUSEHOLD = attrgetter("pairing.household")


def contact_summaries(
    households, *, since: date, until: date, weekly_ceiling: int
) -> dict[int, ContactSummary]:
    """policy.contacts.summarise() of the contacts of these households (a queryset of their
    pks; None: every household) from window_start(since) to until: read from the stored
    tallies (zhucun.households.tallies), one query."""
    return stored_summaries(households, since=since, until=until, weekly_ceiling=weekly_ceiling)
