"""Contact compliance (第二十条) for everything in a user's scope, set-based.

The rule itself is zhucun.policy.contacts (pure Python). This module feeds it
from the database with a fixed number of queries whatever the number of
households: the counties and their parameter overrides, the pairings, and the
database's own summary of each household's contacts (policy.contacts.ContactSummary):
one row per household with the weeks that have a contact and the days that have a
visit, plus the figures of the rare weeks and days the rule needs counted exactly.
Python's work is per household, per visit day at most, and per failed check — not
per contact.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.households.models import Contact, Household, Pairing
from zhucun.org.models import Region
from zhucun.policy.contacts import (
    INQUIRY,
    MONTHLY,
    VISIT,
    ContactFailure,
    ContactSummary,
    contact_failures_summarised,
    week_number,
    weekly_ceiling,
    window_start,
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
    rows = Contact.objects.filter(
        household_id__in=visible.values("pk"), day__range=(window_start(since), until)
    )
    summaries = contact_summaries(
        rows, since=since, until=until, weekly_ceiling=weekly_ceiling(books.values())
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
    by_cadre, by_household = result.by_cadre, result.by_household
    for failure in failures:
        pairing = failure.pairing
        entry = by_cadre.get(pairing.cadre)
        if entry is None:
            entry = by_cadre[pairing.cadre] = CadreCompliance(pairing.cadre)
        if failure.rule == MONTHLY:
            entry.months_missed += 1
        else:
            entry.weeks_missed += 1
        by_household[pairing.household] += 1
    return result


# Bits per bit-set column: a column's sum stays under 2**62, inside a signed 64-bit integer.
_BITS = 62


def contact_summaries(
    contacts, *, since: date, until: date, weekly_ceiling: int
) -> dict[int, ContactSummary]:
    """policy.contacts.summarise() of a Contact queryset (limited to the window
    [window_start(since), until]), computed by the database.

    One aggregate query gives each household's bit set of weeks with a contact (a column
    per 62 weeks: one for a year), its visit days (PostgreSQL: a bit string of the window's
    days; SQLite: the list of their ordinals), its number of visits and of contacts of an
    unknown kind. Three more run only when needed: the days visited more than once, when a
    household has more visits than visited days (PostgreSQL; SQLite's list shows them);
    the weeks with fewer contacts than the weekly ceiling, when some county asks for more
    than one a week; the contacts of an unknown kind, to name them in the refusal.
    """
    first = window_start(since)
    base_week, first_day = week_number(first), first.toordinal()
    inner, params = (
        contacts.annotate(ordinal=DayOrdinal("day"))
        .order_by()
        .values_list("household_id", "ordinal", "kind")
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        bit_or, one = "BIT_OR({})", "CAST(1 AS BIGINT)"
    else:  # SQLite has no BIT_OR: distinct powers of two add up to the same number
        bit_or, one = "SUM(DISTINCT {})", "1"
    # Every number and word written into the SQL is computed here, never user input.
    visit = f"c.kind = '{VISIT}'"
    unknown = f"c.kind NOT IN ('{INQUIRY}', '{VISIT}')"

    def bit_sets(offset: str, span: int) -> list[str]:
        columns = []
        for low in range(0, span, _BITS):
            bits = bit_or.format(f"{one} << ({offset} - {low})")
            if span > _BITS:  # a window of one column needs no range test
                bits += f" FILTER (WHERE {offset} BETWEEN {low} AND {low + _BITS - 1})"
            columns.append(bits)
        return columns

    weeks = bit_sets(f"((c.ordinal - 1) / 7 - {base_week})", week_number(until) - base_week + 1)
    span = until.toordinal() - first_day + 1
    listed = connection.vendor != "postgresql"
    if listed:
        # A SUM(DISTINCT) per 62 days keeps a temporary b-tree each: the list costs a third
        # less (measured at S=0.1), and Python reads about two visits a month per household.
        days = f"group_concat(c.ordinal) FILTER (WHERE {visit})"
    else:
        # One bit string of the window's days (bit i, from the left, is day i): a single
        # aggregate instead of one per 62 days, the costliest part of the query.
        days = f"BIT_OR(B'1'::bit({span}) >> (c.ordinal - {first_day})) FILTER (WHERE {visit})"
    counts = [f"COUNT(*) FILTER (WHERE {visit})", f"COUNT(*) FILTER (WHERE {unknown})"]
    summaries: dict[int, ContactSummary] = {}
    repeated = unknown_kinds = False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.household_id, {', '.join([*weeks, days, *counts])} FROM ({inner}) c"
            " GROUP BY c.household_id",
            params,
        )
        for household, *values in cursor.fetchall():
            summary = summaries[household] = ContactSummary(weeks=_joined(values[: len(weeks)]))
            visit_days = values[len(weeks)]
            if listed and visit_days:
                for ordinal in map(int, visit_days.split(",")):
                    bit = 1 << (ordinal - first_day)
                    if summary.visit_days & bit:
                        day = date.fromordinal(ordinal)
                        summary.repeat_visits[day] = summary.repeat_visits.get(day, 1) + 1
                    summary.visit_days |= bit
            elif visit_days:
                summary.visit_days = int(visit_days[::-1], 2)
                repeated = repeated or values[-2] != summary.visit_days.bit_count()
            unknown_kinds = unknown_kinds or values[-1] > 0
        if repeated:
            cursor.execute(
                f"SELECT c.household_id, c.ordinal, COUNT(*) FROM ({inner}) c WHERE {visit}"
                " GROUP BY c.household_id, c.ordinal HAVING COUNT(*) > 1",
                params,
            )
            for household, ordinal, count in cursor.fetchall():
                summaries[household].repeat_visits[date.fromordinal(ordinal)] = count
        if weekly_ceiling > 1:
            cursor.execute(
                f"SELECT c.household_id, (c.ordinal - 1) / 7, COUNT(*) FROM ({inner}) c"
                f" GROUP BY c.household_id, (c.ordinal - 1) / 7 HAVING COUNT(*) < {weekly_ceiling}",
                params,
            )
            for household, week, count in cursor.fetchall():
                summaries[household].few_contacts[week] = count
        if unknown_kinds:
            cursor.execute(
                f"SELECT c.household_id, c.ordinal, c.kind FROM ({inner}) c WHERE {unknown}"
                " ORDER BY c.household_id, c.ordinal, c.kind",
                params,
            )
            for household, ordinal, kind in cursor.fetchall():
                if summaries[household].unknown_kind is None:
                    summaries[household].unknown_kind = (date.fromordinal(ordinal), kind)
    return summaries


def _joined(columns) -> int:
    """Bit-set columns as one number (a column is NULL when none of its bits is set)."""
    if len(columns) == 1:
        return columns[0] or 0
    return sum((bits or 0) << (_BITS * i) for i, bits in enumerate(columns))
