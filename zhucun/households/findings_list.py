"""The contact-compliance findings list (第二十条) of a window: its counts from the database,
its shown findings judged in Python.

The page shows the number of pairings and of failed weeks and months, every cadre's
misses (the first 300 cadres, most misses first) and the first 500 failed checks with
their evidence. `contact_compliance` (zhucun.households.compliance) judges every pairing
in Python to give these: ~8 µs a pairing, 22,000 pairings in a county at S=1. Here the
database counts each pairing's failed weeks and months from the stored tallies
(ContactTally: a week failed when its bit is clear in every year's row, a month when its
byte of month_visits is under the county's minimum), sums them by cadre, and names the
first failing pairings; only those pairings are judged by the policy
(zhucun.policy.contacts), which gives the checks and evidence shown. `computed_findings_list` gives the same list from `contact_compliance` itself: it
serves the windows the counts cannot (a week whose minimum is not one contact), and the
tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Q

from zhucun.accounts.scope import scope_for, scoped
from zhucun.households.compliance import (
    CadreCompliance,
    books_by_county,
    contact_compliance,
)
from zhucun.households.models import ContactTally, Household, Pairing
from zhucun.households.tallies import SATURATED, stored_summaries
from zhucun.org.models import Cadre, Level, Region
from zhucun.policy.contacts import (
    Pairing as PolicyPairing,
)
from zhucun.policy.contacts import (
    contact_failures_summarised,
    week_number,
    weekly_ceiling,
    window_start,
)
from zhucun.policy.findings import Check
from zhucun.policy.periods import month_end
from zhucun.raw_rows import DayOrdinal

CADRES_SHOWN, CHECKS_SHOWN = 300, 500


@dataclass
class FindingsList:
    pairings: int  # pairings in the window
    failures: int  # failed weeks and months of all of them
    cadres: list[tuple[CadreCompliance, str]]  # the first CADRES_SHOWN, with their names
    checks: list[Check]  # the first CHECKS_SHOWN failed checks


def findings_list(user, *, since: date, until: date, today: date) -> FindingsList:
    """The findings list of the pairings `user` may see, weeks and months ending in
    [since, until] (as contact_compliance judges them)."""
    pairings = _pairings(user, since, until)
    books = books_by_county(_counties(user, pairings))
    if not books:
        return FindingsList(0, 0, [], [])
    plan = _Plan(since, until, today)
    week_minimums = {
        book.on(sunday).weekly_inquiries_min for book in books.values() for sunday in plan.sundays
    }
    month_minimums = {
        book.on(month_end(month)).monthly_visits_min
        for book in books.values()
        for month in plan.months
    }
    if week_minimums - {1} or any(
        type(m) is not int or not 0 <= m <= SATURATED for m in month_minimums
    ):
        # A week needing more (or no) contacts is judged on its count, a minimum that is not
        # a whole number as written, one over what a tally's byte holds on the count: the
        # policy does it.
        return computed_findings_list(user, since=since, until=until, today=today)
    try:
        return _counted(user, pairings, books, plan, since, until, today)
    except EmptyResultSet:
        return FindingsList(0, 0, [], [])


def computed_findings_list(user, *, since: date, until: date, today: date) -> FindingsList:
    """The same list from contact_compliance's judgement of every pairing."""
    result = contact_compliance(user, since=since, until=until, today=today)
    names = dict(Cadre.objects.filter(pk__in=result.by_cadre).values_list("pk", "name"))
    cadres = sorted(
        result.by_cadre.values(),
        key=lambda c: (-(c.weeks_missed + c.months_missed), names.get(c.cadre_id, "")),
    )
    return FindingsList(
        result.pairings,
        len(result.checks),
        [(c, names.get(c.cadre_id, "")) for c in cadres[:CADRES_SHOWN]],
        result.checks[:CHECKS_SHOWN],
    )


def _counties(user, pairings):
    """The counties whose books the list needs: for an office seeing regions only, the
    counties of those regions (a subquery of the books' own queries); otherwise those of
    the window's pairings. Reading them from the pairings was a second pass over the
    county's pairings (~6 ms for 4,500 at S=0.2 on PostgreSQL, ~30 ms at S=1). A county
    of the office without pairings in the window changes nothing: its book is read, and
    only a week whose minimum is not one sends the list to computed_findings_list, which
    gives the same list."""
    scope = scope_for(user)
    by_region = not scope.everything and (scope.city_ids or scope.county_ids or scope.town_ids)
    others = (
        scope.unit_ids or scope.led_team_ids or scope.member_team_ids or scope.cadre_id is not None
    )
    if by_region and not others:
        if scope.county_ids and not (scope.city_ids or scope.town_ids):
            return sorted(scope.county_ids)
        return Region.objects.filter(
            Q(pk__in=scope.county_ids)
            | Q(level=Level.COUNTY, city_id__in=scope.city_ids)
            | Q(pk__in=Region.objects.filter(pk__in=scope.town_ids).values("county_id"))
        ).values("pk")
    return pairings.values("p_county").distinct().order_by()


def _pairings(user, since: date, until: date):
    return (
        scoped(user, Pairing.objects.all())
        .filter(Q(end__isnull=True) | Q(end__gte=since), start__lte=until)
        .annotate(
            p_county=F("household__village__county_id"),
            p_household=F("household_id"),
            p_first=DayOrdinal("start"),
            p_last=DayOrdinal("end"),
            p_cadre=F("cadre_id"),
        )
    )


class _Plan:
    """The weeks and months of the window that any pairing can be judged on, and the SQL
    that counts a pairing's failed ones (columns p_first, p_last of the pairing, tally
    rows t<year>)."""

    def __init__(self, since: date, until: date, today: date):
        last_day = min(today - timedelta(days=1), until)
        # policy.contacts._judged: weeks begun on or after since - 6, ended by last_day;
        # months begun on or after since's month, ended by last_day.
        first_week = ((since - timedelta(days=6)).toordinal() + 5) // 7
        last_week = (last_day.toordinal() - 7) // 7
        self.weeks = list(range(first_week, last_week + 1))
        self.sundays = [date.fromordinal(w * 7 + 7) for w in self.weeks]
        self.months = []
        month = since.replace(day=1)
        while month_end(month) <= last_day:
            self.months.append(month)
            month = month_end(month) + timedelta(days=1)
        first = window_start(since)
        self.years = list(range(first.year, until.year + 1))

    def weeks_sql(self) -> str:
        terms = []
        for week in self.weeks:
            # Judged when the pairing covers the week (policy.contacts._judged: the first
            # whole week from its start, the last whole week to its end).
            monday, sunday = week * 7 + 1, week * 7 + 7
            none = []  # no contact in the week: its bit is clear in each year's row
            for year in self.years:
                jan1, dec31 = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
                if monday <= dec31 and sunday >= jan1:
                    bit = 1 << (week - week_number(date(year, 1, 1)))
                    none.append(f"(COALESCE(t{year}.weeks, 0) & {bit}) = 0")
            terms.append(
                f"CASE WHEN p.p_first <= {monday} AND (p.p_last IS NULL OR p.p_last >= {sunday})"
                f" AND {' AND '.join(none)} THEN 1 ELSE 0 END"
            )
        if not terms:
            return "0"
        if len(self.years) > 1:
            return " + ".join(terms)
        # Most pairings cover every week of the window and most households had a contact in
        # each: one test answers 0 for them before the week-by-week sum.
        year = self.years[0]
        base = week_number(date(year, 1, 1))
        mask = sum(1 << (week - base) for week in self.weeks)
        first_monday, last_sunday = self.weeks[0] * 7 + 1, self.weeks[-1] * 7 + 7
        return (
            f"CASE WHEN p.p_first <= {first_monday} AND (p.p_last IS NULL OR p.p_last >="
            f" {last_sunday}) AND (COALESCE(t{year}.weeks, 0) & {mask}) = {mask} THEN 0"
            f" ELSE {' + '.join(terms)} END"
        )

    def months_sql(self, books: dict) -> str:
        terms = []
        for month in self.months:
            last = month_end(month)
            minimums = {county: book.on(last).monthly_visits_min for county, book in books.items()}
            if len(set(minimums.values())) == 1:
                minimum = _byte(next(iter(minimums.values())))
            else:
                whens = " ".join(f"WHEN {county} THEN {_byte(m)}" for county, m in minimums.items())
                minimum = f"CASE p.p_county {whens} END"
            # Judged when the pairing covers the month; failed when the month's visits,
            # one byte of the tally (a household without a tally has none), come under
            # the minimum: bytes compare as their values on both databases.
            visits = f"COALESCE(substr(t{month.year}.month_visits, {month.month}, 1), {_byte(0)})"
            terms.append(
                f"CASE WHEN p.p_first > {month.toordinal()} OR p.p_last < {last.toordinal()}"
                f" THEN 0 WHEN {visits} < {minimum} THEN 1 ELSE 0 END"
            )
        return " + ".join(terms) or "0"


def _byte(value: int) -> str:
    """A one-byte binary literal."""
    if connection.vendor == "postgresql":
        return f"'\\x{value:02x}'::bytea"
    return f"x'{value:02x}'"


def _counted(user, pairings, books, plan: _Plan, since, until, today) -> FindingsList:
    inner, params = (
        pairings.values("p_county", "p_household", "p_first", "p_last", "p_cadre")
        .order_by()
        .query.sql_with_params()
    )
    visible, visible_params = (
        scoped(user, Household.objects.all()).values("pk").order_by().query.sql_with_params()
    )
    tally = connection.ops.quote_name(ContactTally._meta.db_table)
    # A household the user may not see is judged without contacts, as contact_compliance
    # reads the tallies of the visible households only. Through a region, unit or team
    # a pairing's household is always visible (accounts/scope.py PATHS); through the
    # cadre (their ended pairings) it may not be: only then is it asked.
    scope = scope_for(user)
    check_visible = not scope.everything and scope.cadre_id is not None
    joins = []
    for year in plan.years:
        joins.append(
            f"LEFT JOIN {tally} t{year} ON t{year}.household_id = p.p_household"
            f" AND t{year}.year = {year}"
            + (f" AND t{year}.household_id IN ({visible})" if check_visible else "")
        )
    judged = (
        f"SELECT p.p_county, p.p_household, p.p_first, p.p_last, p.p_cadre,"
        f" ({plan.weeks_sql()}) AS weeks_missed, ({plan.months_sql(books)}) AS months_missed"
        f" FROM ({inner}) p {' '.join(joins)}"
    )
    judged_params = (*params, *(visible_params * len(plan.years) if check_visible else ()))
    until_day = until.toordinal()
    cadre_table = connection.ops.quote_name(Cadre._meta.db_table)
    # One statement: the judged pairings once, summed by cadre and county, and the first
    # failing ones in contact_compliance's order (county, household, start; each fails at
    # least once: CHECKS_SHOWN are enough). The last column tells the two kinds apart.
    # `met`: where contact_compliance first meets the cadre in a county (household, start).
    statement = (
        f"WITH j AS MATERIALIZED ({judged})"
        f" SELECT a.p_cadre, c.name, a.n, a.active, a.weeks, a.months, a.p_county, a.met, NULL"
        f" FROM (SELECT j.p_cadre, j.p_county, COUNT(*) AS n,"
        f" SUM(CASE WHEN j.p_last IS NULL OR j.p_last >= {until_day} THEN 1 ELSE 0 END)"
        f" AS active, SUM(j.weeks_missed) AS weeks, SUM(j.months_missed) AS months,"
        f" MIN(j.p_household * {1 << 21} + j.p_first) AS met"
        f" FROM j GROUP BY j.p_cadre, j.p_county) a JOIN {cadre_table} c ON c.id = a.p_cadre"
        f" UNION ALL SELECT * FROM (SELECT j.p_cadre, NULL, j.p_household, j.p_first,"
        f" j.p_last, 0, j.p_county, 0, 1 FROM j"
        f" WHERE j.weeks_missed + j.months_missed > 0"
        f" ORDER BY j.p_county, j.p_household, j.p_first LIMIT {CHECKS_SHOWN}) f"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, judged_params)
        rows = cursor.fetchall()
    failing_rows = sorted(
        (
            (county, household, first, last, cadre)
            for cadre, _, household, first, last, _n, county, _m, kind in rows
            if kind is not None
        ),
        key=lambda row: row[:3],
    )
    by_cadre: dict[int, list] = {}
    for cadre, name, n, active, weeks, months, county, met, kind in rows:
        if kind is not None:
            continue
        entry = by_cadre.get(cadre)
        if entry is None:
            by_cadre[cadre] = [(county, met), name, n, active, weeks, months]
        else:
            entry[0] = min(entry[0], (county, met))
            entry[2:] = [entry[2] + n, entry[3] + active, entry[4] + weeks, entry[5] + months]
    # As contact_compliance meets the cadres (its order breaks ties of misses and name).
    met = sorted(by_cadre.items(), key=lambda item: item[1][0])
    cadres = [
        (CadreCompliance(cadre, active, weeks, months), name or "")
        for cadre, (_met, name, _n, active, weeks, months) in met
    ]
    cadres.sort(key=lambda c: (-(c[0].weeks_missed + c[0].months_missed), c[1]))
    return FindingsList(
        pairings=sum(entry[2] for entry in by_cadre.values()),
        failures=sum(entry[4] + entry[5] for entry in by_cadre.values()),
        cadres=cadres[:CADRES_SHOWN],
        checks=_shown(user, failing_rows, books, since, until, today),
    )


def _shown(user, rows, books, since, until, today) -> list[Check]:
    """The failed checks of the first failing pairings, judged by the policy as
    contact_compliance judges them (same summaries, same order)."""
    if not rows:
        return []
    days: dict[int, date] = {}

    def day(ordinal):
        return None if ordinal is None else days.setdefault(ordinal, date.fromordinal(ordinal))

    pairings = [
        (PolicyPairing(household, day(first), day(last), cadre), books[county])
        for county, household, first, last, cadre in rows
    ]
    households = {household for _c, household, *_rest in rows}
    summaries = stored_summaries(
        scoped(user, Household.objects.all()).filter(pk__in=households).values("pk"),
        since=since,
        until=until,
        weekly_ceiling=weekly_ceiling(books.values()),
    )
    failures = contact_failures_summarised(
        pairings, summaries, today=today, since=since, until=until
    )
    return [failure.check() for failure in failures[:CHECKS_SHOWN]]
