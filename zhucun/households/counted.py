"""Each pairing's failed weeks and months (第二十条) counted by the database, in one statement.

contact_compliance (zhucun.households.compliance) and the findings list
(zhucun.households.findings_list) both run it. The policy (zhucun.policy.contacts) judges
~8 µs a pairing in Python, 75,000 pairings in a city at S=1; here the database counts
each pairing's failed weeks and months from the stored tallies (ContactTally: a week
failed when its bit is clear in every year's row, a month when its byte of month_visits
is under the county's minimum), sums them by cadre and county, and lists the failing
pairings in the policy's order; only the pairings whose checks are read are then judged
by the policy, for their messages and evidence.

The counts are the policy's only for windows whose weekly minimum is one contact and
whose monthly minimums are whole numbers a tally's byte holds (Plan.counts): anything else
is judged by the policy for every pairing (compliance.computed_compliance). The tests
compare both on generated data (tests/households/test_findings_list.py,
tests/households/test_counted_compliance.py).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.db.models import F, Q

from zhucun.accounts.scope import scope_for, scoped
from zhucun.households.models import ContactTally, Household, Pairing
from zhucun.households.tallies import SATURATED
from zhucun.org.models import Cadre, Level, Region
from zhucun.policy.contacts import week_number, window_start
from zhucun.policy.periods import month_end
from zhucun.raw_rows import DayOrdinal


def pairings_in_window(user, since: date, until: date, household_ids=None):
    """The pairings `user` may see that meet [since, until] (of these households, if given),
    with the columns the statement reads."""
    pairings = scoped(user, Pairing.objects.all()).filter(
        Q(end__isnull=True) | Q(end__gte=since), start__lte=until
    )
    if household_ids is not None:
        pairings = pairings.filter(household_id__in=household_ids)
    return pairings.annotate(
        p_county=F("household__village__county_id"),
        p_household=F("household_id"),
        p_first=DayOrdinal("start"),
        p_last=DayOrdinal("end"),
        p_cadre=F("cadre_id"),
    )


def counties_of(user, pairings):
    """The counties whose books the count needs: for an office seeing regions only, the
    counties of those regions (a subquery of the books' own queries); otherwise those of
    the window's pairings. Reading them from the pairings was a second pass over the
    county's pairings (~6 ms for 4,500 at S=0.2 on PostgreSQL, ~30 ms at S=1). A county
    of the office without pairings in the window changes nothing: its book is read, and
    only a week whose minimum is not one sends the count to the policy, which judges the
    same."""
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


class Plan:
    """The weeks and months of the window that any pairing can be judged on, and the SQL
    that counts a pairing's failed ones (columns p_first, p_last of the pairing, tally
    rows t<year>)."""

    def __init__(self, since: date, until: date, today: date):
        last_day = min(today - timedelta(days=1), until)
        self.first_day, self.last_day = since - timedelta(days=6), last_day
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

    def counts(self, books: dict) -> bool:
        """Whether the statement's counts are the policy's for these counties' books: a
        week needing more (or no) contacts is judged on its count, a minimum that is not a
        whole number as written, one over what a tally's byte holds on the count — the
        policy judges those."""
        weekly = {
            book.on(sunday).weekly_inquiries_min
            for book in books.values()
            for sunday in self.sundays
        }
        monthly = {
            book.on(month_end(month)).monthly_visits_min
            for book in books.values()
            for month in self.months
        }
        return not (weekly - {1}) and all(type(m) is int and 0 <= m <= SATURATED for m in monthly)

    def judged_weeks_sql(self) -> tuple[str, str]:
        """SQL of the first and last week number judged for the pairing p (policy.contacts
        ._judged: the first whole week from max(start, since - 6), the last whole week to
        min(end, the day before today, until))."""
        low, high = self.first_day.toordinal(), self.last_day.toordinal()
        first = f"(CASE WHEN p.p_first > {low} THEN p.p_first ELSE {low} END)"
        last = f"(CASE WHEN p.p_last IS NULL OR p.p_last > {high} THEN {high} ELSE p.p_last END)"
        # Day ordinals are positive: integer division is the floor on both databases.
        return f"(({first} + 5) / 7)", f"(({last} - 7) / 7)"

    def missing_weeks_sql(self) -> dict[str, str]:
        """Columns of the pairing's judged weeks without a contact (columns wf, wl: its
        first and last judged week; tally rows t<year>): for each year, those lying wholly
        in it as the bits of its row (mYEAR, for popcount_sql); the weeks across New Year,
        missing when clear in both years' rows, counted (m_across)."""
        columns, across = {}, []
        for year in self.years:
            jan1, dec31 = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            base = week_number(date(year, 1, 1))
            own = [w for w in self.weeks if w * 7 + 1 >= jan1 and w * 7 + 7 <= dec31]
            if own:
                lo, hi = own[0], own[-1]
                first = f"(CASE WHEN wf > {lo} THEN wf ELSE {lo} END)"
                last = f"(CASE WHEN wl < {hi} THEN wl ELSE {hi} END)"
                # The bits first..last of the year's row, set; PostgreSQL's 1 is 32 bits.
                mask = (
                    f"CASE WHEN {last} >= {first} THEN (CAST(1 AS BIGINT) << ({last} - {base} + 1))"
                    f" - (CAST(1 AS BIGINT) << ({first} - {base})) ELSE 0 END"
                )
                columns[f"m{year}"] = f"(~COALESCE(t{year}.weeks, 0)) & ({mask})"
            if year > self.years[0]:
                week = (jan1 - 1) // 7
                if week in self.weeks and week * 7 + 1 < jan1:
                    previous = week - week_number(date(year - 1, 1, 1))
                    across.append(
                        f"CASE WHEN wf <= {week} AND wl >= {week}"
                        f" AND (COALESCE(t{year - 1}.weeks, 0) & {1 << previous}) = 0"
                        f" AND (COALESCE(t{year}.weeks, 0) & 1) = 0 THEN 1 ELSE 0 END"
                    )
        columns["m_across"] = " + ".join(across) or "0"
        return columns

    def months_sql(self, books: dict) -> str:
        tests, terms = [], []
        for month in self.months:
            last = month_end(month)
            minimums = {county: book.on(last).monthly_visits_min for county, book in books.items()}
            if len(set(minimums.values())) == 1:
                minimum = _byte(next(iter(minimums.values())))
            else:
                whens = " ".join(f"WHEN {county} THEN {_byte(m)}" for county, m in minimums.items())
                minimum = f"CASE p.p_county {whens} END"
            # Failed when the month's visits, one byte of the tally (a household without a
            # tally has none), come under the minimum: bytes compare as their values on
            # both databases. Judged when the pairing covers the month.
            visits = f"COALESCE(substr(t{month.year}.month_visits, {month.month}, 1), {_byte(0)})"
            test = f"CASE WHEN {visits} < {minimum} THEN 1 ELSE 0 END"
            tests.append(test)
            terms.append(
                f"CASE WHEN p.p_first > {month.toordinal()} OR p.p_last < {last.toordinal()}"
                f" THEN 0 ELSE {test} END"
            )
        if not terms:
            return "0"
        # Most pairings cover every month of the window: the months' tests alone for them.
        first, last = self.months[0].toordinal(), month_end(self.months[-1]).toordinal()
        return (
            f"CASE WHEN p.p_first <= {first} AND (p.p_last IS NULL OR p.p_last >= {last})"
            f" THEN {' + '.join(tests)} ELSE {' + '.join(terms)} END"
        )


def popcount_sql(column: str) -> str:
    """SQL of the number of bits set in a column holding 0 to 2**62 (a year's weeks): the
    bits summed in pairs, fours and bytes, the bytes summed by casting out 255s (256 ≡ 1:
    at most 64 < 255). The same integer arithmetic on both databases; no overflow. For a
    statement run with parameters (% doubled)."""
    x1 = f"({column} - (({column} >> 1) & {0x5555555555555555}))"
    x2 = f"(({x1} & {0x3333333333333333}) + (({x1} >> 2) & {0x3333333333333333}))"
    x3 = f"(({x2} + ({x2} >> 4)) & {0x0F0F0F0F0F0F0F0F})"
    return f"({x3} %% 255)"  # a statement with parameters: %% is the operator


def _byte(value: int) -> str:
    """A one-byte binary literal."""
    if connection.vendor == "postgresql":
        return f"'\\x{value:02x}'::bytea"
    return f"x'{value:02x}'"


# A cadre's row: (0, county, met, cadre, pairings, still paired at the window's end, weeks
# failed, months failed, name); `met` orders where the policy's pass first meets the cadre
# in the county: household * 2**21 + start (a day ordinal is below 2**21).
CADRE, FAILING = 0, 1


def count_failures(user, pairings, books: dict, plan: Plan, *, until: date, listed=None):
    """The statement's rows, ordered: first each cadre's figures per county (CADRE rows,
    by county and where the policy meets the cadre), then the pairings that fail some week
    or month in the policy's order (county, household, start): (FAILING, county,
    household, first day, last day, cadre, failed weeks and months) — all of them, or the
    first `listed`. Raises EmptyResultSet when the scope leaves no pairing to ask for."""
    inner, params = (
        pairings.values("p_county", "p_household", "p_first", "p_last", "p_cadre")
        .order_by()
        .query.sql_with_params()
    )
    tally = connection.ops.quote_name(ContactTally._meta.db_table)
    # A household the user may not see is judged without contacts, as the policy's feed
    # reads the tallies of the visible households only. Through a region, unit or team
    # a pairing's household is always visible (accounts/scope.py PATHS); through the
    # cadre (their ended pairings) it may not be: only then is it asked.
    scope = scope_for(user)
    check_visible = not scope.everything and scope.cadre_id is not None
    visible, visible_params = "", ()
    if check_visible:
        visible, visible_params = (
            scoped(user, Household.objects.all()).values("pk").order_by().query.sql_with_params()
        )
    joins = []
    for year in plan.years:
        joins.append(
            f"LEFT JOIN {tally} t{year} ON t{year}.household_id = p.p_household"
            f" AND t{year}.year = {year}"
            + (f" AND t{year}.household_id IN ({visible})" if check_visible else "")
        )
    wf, wl = plan.judged_weeks_sql()
    missing = plan.missing_weeks_sql()
    # Each pairing's missing weeks as bits (m), then counted (j): each column read by the
    # popcount is computed once. (Counted as an integer: PostgreSQL sums bigints as
    # decimals.)
    bits = (
        f"SELECT p.p_county, p.p_household, p.p_first, p.p_last, p.p_cadre,"
        f" {', '.join(f'({sql}) AS {name}' for name, sql in missing.items())},"
        f" ({plan.months_sql(books)}) AS months_missed"
        f" FROM (SELECT p.*, {wf} AS wf, {wl} AS wl FROM ({inner}) p) p {' '.join(joins)}"
    )
    weeks = " + ".join(
        [*(popcount_sql(f"m.{name}") for name in missing if name != "m_across"), "m.m_across"]
    )
    judged = (
        f"SELECT m.p_county, m.p_household, m.p_first, m.p_last, m.p_cadre,"
        f" CAST({weeks} AS INTEGER) AS weeks_missed, m.months_missed FROM m"
    )
    judged_params = (*params, *(visible_params * len(plan.years)))
    until_day = until.toordinal()
    cadre_table = connection.ops.quote_name(Cadre._meta.db_table)
    failing = (
        f"SELECT {FAILING}, j.p_county, j.p_household, j.p_first, j.p_last, j.p_cadre,"
        f" j.weeks_missed + j.months_missed, 0, NULL FROM j"
        f" WHERE j.weeks_missed + j.months_missed > 0"
    )
    if listed is not None:
        failing = (
            f"SELECT * FROM ({failing} ORDER BY j.p_county, j.p_household, j.p_first"
            f" LIMIT {int(listed)}) f"
        )
    # One statement: the judged pairings once, summed by cadre and county, and the failing
    # ones.
    statement = (
        f"WITH m AS MATERIALIZED ({bits}), j AS MATERIALIZED ({judged})"
        f" SELECT {CADRE}, a.p_county, a.met, a.p_cadre, a.n, a.active, a.weeks, a.months, c.name"
        f" FROM (SELECT j.p_cadre, j.p_county, COUNT(*) AS n,"
        f" SUM(CASE WHEN j.p_last IS NULL OR j.p_last >= {until_day} THEN 1 ELSE 0 END)"
        f" AS active, SUM(j.weeks_missed) AS weeks, SUM(j.months_missed) AS months,"
        f" MIN(j.p_household * {1 << 21} + j.p_first) AS met"
        f" FROM j GROUP BY j.p_cadre, j.p_county) a JOIN {cadre_table} c ON c.id = a.p_cadre"
        f" UNION ALL {failing} ORDER BY 1, 2, 3, 4"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, judged_params)
        return cursor.fetchall()
