"""Contact compliance (第二十条) for everything in a user's scope, set-based.

The rule itself is zhucun.policy.contacts (pure Python). contact_compliance feeds it
from the database with a fixed number of queries whatever the number of households.
Where the database's counts are the policy's (zhucun.households.counted: a weekly
minimum of one contact, whole monthly minimums), one statement counts each pairing's
failed weeks and months from the stored tallies and gives every figure (by cadre, by
household, the pairings, the number of failed checks); a pairing's checks — message,
evidence, article — are judged by the policy only when they are read (FailedChecks),
from its household's summary (policy.contacts.ContactSummary, read from the tallies:
one query per read). Elsewhere computed_compliance judges every pairing from every
household's summary, as the reference the tests compare the counts with.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.gc_pause import gc_paused
from zhucun.households.counted import (
    FAILING,
    Plan,
    count_failures,
    counties_of,
    pairings_in_window,
)
from zhucun.households.models import Household, Pairing
from zhucun.households.tallies import stored_summaries
from zhucun.org.models import Region
from zhucun.policy.contacts import (
    ContactFailure,
    ContactSummary,
    PairingFailures,
    contact_failures_by_pairing,
    weekly_ceiling,
)
from zhucun.policy.contacts import Pairing as PolicyPairing
from zhucun.policy.findings import Check
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.raw_rows import DayOrdinal, all_raw_rows
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
    comparing) builds them once and keeps them. Made from the pairings that failed
    (of_pairings, of_groups), it makes a pairing's ContactFailures only when a check of
    it, or after it, is read: a count, or the first page, makes none or only those.
    """

    def __init__(self, failures: list[ContactFailure] | None = None):
        self._failures = failures or []
        self._count = len(self._failures)
        self._pending = iter(())  # (number of failures, group) of the groups not made yet
        self._judge = None  # a batch of pending groups -> their PairingFailures, in order
        self._checks: list[Check] | None = None

    @classmethod
    def of_pairings(cls, failed: list[PairingFailures], count: int) -> FailedChecks:
        """The failures of these pairings, in order; `count` is their number."""
        return cls.of_groups(((len(f), f) for f in failed), count, judge=lambda batch: batch)

    @classmethod
    def of_groups(cls, groups, count: int, *, judge) -> FailedChecks:
        """The failures of groups known by their number of failures ((number, group), in
        order): `judge` turns the groups of a read into their PairingFailures, once per
        read however many groups it needs (count of failures `count`)."""
        checks = cls()
        checks._pending, checks._count, checks._judge = iter(groups), count, judge
        return checks

    def _made(self, upto: int) -> list[ContactFailure]:
        """The failures, made at least up to this number: the groups they need judged
        together."""
        failures = self._failures
        short = upto - len(failures)
        if short > 0:
            batch = []
            for number, group in self._pending:
                batch.append(group)
                short -= number
                if short <= 0:
                    break
            with gc_paused():  # as while judging: many objects kept, no cycles
                for failed in self._judge(batch):
                    failures += failed.failures()
            if len(failures) < upto:
                raise IndexError("FailedChecks: fewer failures than counted")
        return failures

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._checks is not None:
            return self._checks[index]
        if isinstance(index, slice):
            positions = range(*index.indices(self._count))
            failures = self._made(max(positions) + 1 if positions else 0)
            return [failures[i].check() for i in positions]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("FailedChecks index out of range")
        return self._made(index + 1)[index].check()

    def __iter__(self):
        if self._checks is None:
            failures = self._made(self._count)
            with gc_paused():
                self._checks = [failure.check() for failure in failures]
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
    # Each cadre's name, when read with the counts (counted_compliance); not compared.
    names: dict[int, str] = field(default_factory=dict, compare=False, repr=False)


@gc_paused()
def contact_compliance(
    user, *, since: date, until: date, today: date, household_ids=None
) -> Compliance:
    """Weeks and months ending in [since, until] judged for every pairing the user may see
    (of these households, a queryset of their pks, if given).

    Counted by the database (zhucun.households.counted) wherever its counts are the
    policy's, a pairing's checks judged by the policy only when they are read; other
    windows judged by the policy for every pairing (computed_compliance)."""
    pairings = pairings_in_window(user, since, until, household_ids)
    books = books_by_county(counties_of(user, pairings))
    plan = Plan(since, until, today)
    if books and not plan.counts(books):
        return computed_compliance(
            user, since=since, until=until, today=today, household_ids=household_ids, books=books
        )
    return counted_compliance(
        user,
        pairings,
        books,
        plan,
        since=since,
        until=until,
        today=today,
        household_ids=household_ids,
    )


def counted_compliance(
    user, pairings, books, plan: Plan, *, since, until, today, household_ids=None, listed=None
) -> Compliance:
    """contact_compliance counted by the database, for the pairings of pairings_in_window()
    whose counties' books (books_by_county(counties_of())) the plan counts.

    With `listed`, only the first `listed` failing pairings are read (the findings list
    shows the first 500 checks): their checks, at least the first `listed`, can be read,
    not the later ones, and by_household counts theirs only; the other figures are whole.
    The result's `names` are the cadres' names, read with the counts."""
    result = Compliance(since, until)
    if not books:
        return result
    try:
        rows = count_failures(user, pairings, books, plan, until=until, listed=listed)
    except EmptyResultSet:
        return result
    by_cadre, names, count, failing, by_household = result.by_cadre, result.names, 0, [], {}
    for row in rows:
        if row[0] == FAILING:  # (FAILING, county, household, first, last, cadre, failures, …)
            household, failures = row[2], row[6]
            by_household[household] = by_household.get(household, 0) + failures
            failing.append((failures, row[1:7]))
            continue
        _kind, _county, _met, cadre, n, active, weeks, months, name = row
        # The rows come county after county, by where the policy's pass meets the cadre:
        # the cadres are met in its order.
        entry = by_cadre.get(cadre)
        if entry is None:
            entry = by_cadre[cadre] = CadreCompliance(cadre)
            names[cadre] = name or ""
        entry.households += active
        entry.weeks_missed += weeks
        entry.months_missed += months
        result.pairings += n
        count += weeks + months
    result.by_household.update(by_household)
    visible = scoped(user, Household.objects.all())
    if household_ids is not None:
        visible = visible.filter(pk__in=household_ids)
    ceiling = weekly_ceiling(books.values())

    def judge(batch):
        return _judged(batch, books, visible, ceiling, since=since, until=until, today=today)

    result.checks = FailedChecks.of_groups(failing, count, judge=judge)
    return result


# A read of more households' checks than this reads every visible household's tallies, as
# the policy's full pass does, instead of naming each household in the query.
_NAMED_HOUSEHOLDS = 1000


def _judged(rows, books, visible, ceiling, *, since, until, today) -> list[PairingFailures]:
    """The PairingFailures of these failing pairings ((county, household, first, last,
    cadre, failures) of count_failures), judged by the policy as computed_compliance
    judges them: the same summaries (one query), the same order."""
    days: dict[int, date] = {}

    def day(ordinal):
        return None if ordinal is None else days.setdefault(ordinal, date.fromordinal(ordinal))

    pairings = [
        (PolicyPairing(household, day(first), day(last), cadre), books[county])
        for county, household, first, last, cadre, _failures in rows
    ]
    households = {household for _county, household, *_rest in rows}
    if len(households) <= _NAMED_HOUSEHOLDS:
        visible = visible.filter(pk__in=households)
    summaries = stored_summaries(
        visible.values("pk"), since=since, until=until, weekly_ceiling=ceiling
    )
    failed = contact_failures_by_pairing(pairings, summaries, today=today, since=since, until=until)
    if [len(f) for f in failed] != [row[-1] for row in rows]:
        # The database's counts and the policy's judgement must agree pairing by pairing.
        raise RuntimeError("第二十条: counted and judged failures differ")
    return failed


@gc_paused()
def computed_compliance(
    user, *, since: date, until: date, today: date, household_ids=None, books=None
) -> Compliance:
    """contact_compliance judged by the policy for every pairing, from each household's
    summary of its contacts: the windows the database cannot count, and the reference
    the tests compare the counts with. `books`: the counties' books, if already read (of
    at least the pairings' counties)."""
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
    county_of, of_county = None, []
    for county_id, household_id, first, last, cadre_id in all_raw_rows(rows):
        start = days.get(first) or days.setdefault(first, date.fromordinal(first))
        end = (
            None
            if last is None
            else days.get(last) or days.setdefault(last, date.fromordinal(last))
        )
        if county_id != county_of:  # the rows come county after county
            county_of, of_county = county_id, by_county[county_id]
        of_county.append(PolicyPairing(household_id, start, end, cadre_id))
        entry = by_cadre.get(cadre_id)
        if entry is None:
            entry = by_cadre[cadre_id] = CadreCompliance(cadre_id)
        if last is None or last >= last_day:
            entry.households += 1
    result.pairings = sum(map(len, by_county.values()))
    if not by_county:
        return result
    if books is None:
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
    failed = contact_failures_by_pairing(
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
    # Counted per pairing that failed, not per failure (a city's year fails some 34,000
    # weeks and months at S=0.2, 2.8 for each pairing that fails any): no ContactFailure
    # is made for the figures, only for the checks read.
    by_cadre, by_household, count = result.by_cadre, result.by_household, 0
    for failures in failed:
        pairing, weeks, months = failures.pairing, failures.weeks_failed, failures.months_failed
        entry = by_cadre[pairing.cadre]  # made above for every pairing's cadre
        entry.weeks_missed += weeks
        entry.months_missed += months
        by_household[pairing.household] += weeks + months
        count += weeks + months
    result.checks = FailedChecks.of_pairings(failed, count)
    return result


def contact_summaries(
    households, *, since: date, until: date, weekly_ceiling: int
) -> dict[int, ContactSummary]:
    """policy.contacts.summarise() of the contacts of these households (a queryset of their
    pks; None: every household) from window_start(since) to until: read from the stored
    tallies (zhucun.households.tallies), one query."""
    return stored_summaries(households, since=since, until=until, weekly_ceiling=weekly_ceiling)
