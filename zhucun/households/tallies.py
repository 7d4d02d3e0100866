"""Each household's contacts of a calendar year, stored as a ContactTally (第二十条).

Contact compliance needs, per household, the weeks with a contact, the days with a visit
and a few exact counts (policy.contacts.ContactSummary). Aggregating them from the
contacts on every call cost 5.5 times a count of the table (docs/benchmarks-history.md); the
tallies hold them per household and year, so a call reads one short row per household and
year of its window and does a few shifts and masks per row.

Kept exact by whoever writes contacts, in the same transaction: a service calls
contact_tallies_update() for the household and the days it wrote; a bulk load calls
rebuild_contact_tallies() at its end. Both encode a year from the same per-day counts
(_encode), read from the Contact rows, so what a row holds never depends on how the
contacts came in.

Encoding (what reads fastest on both databases): the bit sets the summary needs as they
are — the weeks as one 64-bit integer (a year touches at most 54 weeks), the visit days as
a little-endian bit set (int.from_bytes, one C call) —, the days visited more than once as
a short list, and the per-day and per-week contact counts as one byte each; and each
month's visits as one byte (what the findings list compares with the monthly minimum, in
SQL, for every pairing of a county: a byte instead of counting bits). A call reads
the counts only where it needs them: the database cuts out the days of the (at most two)
weeks the window cuts (substr), and the per-week counts only when some county asks for
more than one contact a week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Max, Min

from zhucun.households.models import Contact, ContactTally
from zhucun.policy.contacts import VISIT, ContactSummary, week_number, window_start
from zhucun.raw_rows import day_ordinal_sql

# A stored count stops here: exact for any minimum up to it.
SATURATED = 255
_BATCH = 2000


def _year_bounds(year: int) -> tuple[int, int]:
    return date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()


def _encode(year: int, days: Iterable[tuple[int, int, int]]) -> dict:
    """A year's tally fields from (day ordinal, contacts, visits) of its days with contacts."""
    first, last = _year_bounds(year)
    first_week = (first - 1) // 7
    day_contacts = bytearray(last - first + 1)
    week_contacts = bytearray((last - 1) // 7 - first_week + 1)
    weeks = visit_days = 0
    repeats = bytearray()
    month_visits = [0] * 12
    for ordinal, contacts, visits in days:  # runs for every day with a contact: kept lean
        d, w = ordinal - first, (ordinal - 1) // 7 - first_week
        day_contacts[d] = contacts if contacts < SATURATED else SATURATED
        week = week_contacts[w] + contacts
        week_contacts[w] = week if week < SATURATED else SATURATED
        if visits:
            visit_days |= 1 << d
            month_visits[date.fromordinal(ordinal).month - 1] += visits
            if visits > 1:
                repeats += d.to_bytes(2, "little") + bytes([min(visits, SATURATED)])
    for w, count in enumerate(week_contacts):
        if count:
            weeks |= 1 << w
    return {
        "weeks": weeks,
        "week_contacts": bytes(week_contacts),
        "day_contacts": bytes(day_contacts),
        "visit_days": visit_days.to_bytes((last - first) // 8 + 1, "little"),
        "repeat_visits": bytes(repeats),
        "month_visits": bytes(min(visits, SATURATED) for visits in month_visits),
    }


def _per_day(cursor, table: str, where: str, params: list):
    """(household, day ordinal, contacts, visits) of the contacts matching `where`, by household
    and day: the cursor's own tuples (the ORM's converters cost three times the query)."""
    cursor.execute(
        f"SELECT household_id, {day_ordinal_sql('day')}, COUNT(*),"
        f" SUM(CASE WHEN kind = %s THEN 1 ELSE 0 END) FROM {table} WHERE {where}"
        " GROUP BY household_id, day ORDER BY household_id, day",
        [VISIT, *params],
    )
    return cursor.fetchall()


def contact_tallies_update(*, household_id: int, days: Iterable[date]) -> None:
    """Bring the household's tallies of these days' years up to date: call it inside the
    transaction that created, changed or deleted the household's contacts on those days
    (for a change, the day before and the day after).

    The tally rows are locked first (SELECT … FOR UPDATE), so a second transaction writing
    a contact of the same household waits, then counts this one's contacts too.
    """
    years = sorted({day.year for day in days})
    # Plain SQL: building these three statements through the ORM cost more CPU than
    # running them (a contact is written on a phone's request).
    q = connection.ops.quote_name
    tally, contact = q(ContactTally._meta.db_table), q(Contact._meta.db_table)
    marks = ", ".join(["%s"] * len(years))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT year FROM {tally} WHERE household_id = %s AND year IN ({marks}){lock}",
            [household_id, *years],
        )
        missing = set(years) - {year for (year,) in cursor.fetchall()}
        if missing:
            # Two first contacts of a year at once: the second insert waits for the first
            # and is dropped; both then lock the same row.
            ContactTally.objects.bulk_create(
                [ContactTally(household_id=household_id, year=year) for year in missing],
                ignore_conflicts=True,
            )
            cursor.execute(
                f"SELECT year FROM {tally} WHERE household_id = %s AND year IN ({marks}){lock}",
                [household_id, *years],
            )
        rows = _per_day(
            cursor,
            contact,
            "household_id = %s AND day BETWEEN %s AND %s",
            [household_id, date(years[0], 1, 1), date(years[-1], 12, 31)],
        )
        by_year: dict[int, list] = {year: [] for year in years}
        for _, ordinal, contacts, visits in rows:
            year = date.fromordinal(ordinal).year
            if year in by_year:
                by_year[year].append((ordinal, contacts, visits))
        for year, of_year in by_year.items():
            fields = _encode(year, of_year)
            cursor.execute(
                f"UPDATE {tally} SET {', '.join(f'{q(k)} = %s' for k in fields)}"
                " WHERE household_id = %s AND year = %s",
                [*fields.values(), household_id, year],
            )


def rebuild_contact_tallies(
    household_ids=None, *, contact_model=Contact, tally_model=ContactTally
) -> int:
    """Rewrite the tallies of these households (None: every household) from their contacts,
    set-based: one grouped query over the contacts, the rows inserted in batches. For bulk
    loads, at their end, and for operators (manage.py rebuild_contact_tallies). Returns the
    number of tally rows written. The migration passes its historical models."""
    tallies = tally_model.objects.all()
    if household_ids is None:
        bounds = contact_model.objects.aggregate(low=Min("household_id"), high=Max("household_id"))
        low, high = bounds["low"] or 0, bounds["high"] or -1
        chunks = [
            ("household_id BETWEEN %s AND %s", [first, min(first + _BATCH - 1, high)])
            for first in range(low, high + 1, _BATCH)
        ]
    else:
        if not isinstance(household_ids, list | tuple | set):
            household_ids = household_ids.values_list("pk", flat=True)
        ids = sorted(set(household_ids))
        tallies = tallies.filter(household_id__in=ids)
        chunks = [
            (f"household_id IN ({', '.join(['%s'] * len(part))})", part)
            for part in (ids[i : i + _BATCH // 2] for i in range(0, len(ids), _BATCH // 2))
        ]
    tallies.delete()
    written, batch = 0, []
    current, year, year_end, days = None, None, 0, []

    # A migration's historical model may have fewer fields than _encode writes.
    stored = {field.name for field in tally_model._meta.fields}

    def flush():
        nonlocal written, batch
        fields = {k: v for k, v in _encode(year, days).items() if k in stored}
        batch.append(tally_model(household_id=current, year=year, **fields))
        if len(batch) >= _BATCH:
            tally_model.objects.bulk_create(batch)
            written += len(batch)
            batch = []

    # A few thousand households at a time: a city's contacts grouped by day would not fit
    # in memory at once (PostgreSQL's client cursor fetches all).
    table = connection.ops.quote_name(contact_model._meta.db_table)
    with connection.cursor() as cursor:
        for where, params in chunks:
            for household, ordinal, n, visits in _per_day(cursor, table, where, params):
                if household != current or ordinal > year_end:
                    if current is not None:
                        flush()
                    current, year = household, date.fromordinal(ordinal).year
                    year_end, days = _year_bounds(year)[1], []
                days.append((ordinal, n, visits))
    if current is not None:
        flush()
    tally_model.objects.bulk_create(batch)
    return written + len(batch)


@dataclass(frozen=True)
class _Part:
    """How one year's rows fill the summaries of a window: the year's days in the window,
    their weeks (skip, mask, shift), the weeks the window cuts (SQL substr of day_contacts)."""

    year: int
    skip: int  # first week in the window, counted from the year's first week
    weeks: int  # weeks of the year's part
    shift: int  # the part's first week counted from the window's first week
    day_skip: int  # the part's first day, counted from 1 January
    days: int
    day_shift: int  # the part's first day, counted from the window's first day
    low_cut: tuple[int, int] | None  # (1-based substr start, length): days of the first week
    high_cut: tuple[int, int] | None  # the same for the last week, when it is another week
    base: int  # the week number of the part's first week
    shared_low: bool  # its first week began in the window's previous year
    shared_high: bool  # its last week ends in the window's next year


def _parts(first: date, until: date) -> list[_Part]:
    base_week, parts = week_number(first), []
    for year in range(first.year, until.year + 1):
        jan1, dec31 = _year_bounds(year)
        p0, p1 = max(first.toordinal(), jan1), min(until.toordinal(), dec31)
        low, high = (p0 - 1) // 7, (p1 - 1) // 7

        parts.append(
            _Part(
                year=year,
                skip=low - (jan1 - 1) // 7,
                weeks=high - low + 1,
                shift=low - base_week,
                day_skip=p0 - jan1,
                days=p1 - p0 + 1,
                day_shift=p0 - first.toordinal(),
                low_cut=_cut(low, jan1, dec31, p0, p1),
                high_cut=_cut(high, jan1, dec31, p0, p1) if high != low else None,
                base=low,
                shared_low=year > first.year and low * 7 + 1 < jan1,
                shared_high=year < until.year and high * 7 + 7 > dec31,
            )
        )
    return parts


def _cut(week: int, jan1: int, dec31: int, p0: int, p1: int) -> tuple[int, int] | None:
    """The days of the week that the window [p0, p1] keeps, as (substr start, length) in the
    year's day_contacts, when it leaves some of the week's days of this year out."""
    e0, e1 = max(week * 7 + 1, jan1), min(week * 7 + 7, dec31)
    k0, k1 = max(e0, p0), min(e1, p1)
    return None if (k0, k1) == (e0, e1) else (k0 - jan1 + 1, k1 - k0 + 1)


def stored_summaries(
    households, *, since: date, until: date, weekly_ceiling: int
) -> dict[int, ContactSummary]:
    """policy.contacts.summarise() of the contacts of these households (a queryset of
    their pks; None: every household) from window_start(since) to until, read from the
    tallies: one query, one row per household and year of the window."""
    if weekly_ceiling > SATURATED:
        raise ValueError(f"每周联系次数下限不能超过{SATURATED}次")
    first = window_start(since)
    parts = {part.year: part for part in _parts(first, until)}
    counted = weekly_ceiling > 1
    table = connection.ops.quote_name(ContactTally._meta.db_table)
    where, params = "t.year BETWEEN %s AND %s", [first.year, until.year]
    if households is not None:
        # The user's scope, as a subquery of household pks.
        try:
            inner, inner_params = households.order_by().query.sql_with_params()
        except EmptyResultSet:
            return {}
        where += f" AND t.household_id IN ({inner})"
        params += inner_params

    def cuts(which):
        # Every number written into the SQL is computed here from dates, never user input.
        whens = [
            f"WHEN {part.year} THEN substr(t.day_contacts, {cut[0]}, {cut[1]})"
            for part in parts.values()
            if (cut := getattr(part, which)) is not None
        ]
        return f"CASE t.year {' '.join(whens)} END" if whens else "NULL"

    columns = ["t.household_id", "t.year", "t.weeks", "t.visit_days", "t.repeat_visits"]
    columns += [cuts("low_cut"), cuts("high_cut")]
    if counted:
        columns.append("t.week_contacts")
    sql = f"SELECT {', '.join(columns)} FROM {table} t WHERE {where}"
    summaries: dict[int, ContactSummary] = {}
    shared: dict[tuple[int, int], int] = {}  # (household, week across New Year): contacts
    # Each part's shifts and masks, worked out once rather than on each of its rows.
    shifts = {
        year: (
            part.skip,
            (1 << part.weeks) - 1,
            1 << (part.weeks - 1),
            part.shift,
            part.day_skip,
            (1 << part.days) - 1,
            part.day_shift,
        )
        for year, part in parts.items()
    }
    from_bytes = int.from_bytes
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            household, year, weeks, visit_days, repeats, low, high = row[:7]
            skip, week_mask, top, shift, day_skip, day_mask, day_shift = shifts[year]
            bits = (weeks >> skip) & week_mask
            if low is not None:
                bits = (bits & ~1) | any(low)
            if high is not None:
                bits = (bits & ~top) | (top if any(high) else 0)
            if not bits:
                continue  # no contact inside the window
            summary = summaries.get(household)
            if summary is None:
                summary = summaries[household] = ContactSummary()
            summary.weeks |= bits << shift
            summary.visit_days |= (
                (from_bytes(visit_days, "little") >> day_skip) & day_mask
            ) << day_shift
            part = parts[year] if repeats or counted else None
            if repeats:
                _add_repeats(summary, bytes(repeats), year, part)
            if counted:
                counts = bytearray(row[7][part.skip : part.skip + part.weeks])
                if low is not None:
                    counts[0] = min(sum(low), SATURATED)
                if high is not None:
                    counts[-1] = min(sum(high), SATURATED)
                # A week across New Year is judged on its two parts added up, below.
                if part.shared_low and counts[0]:
                    shared[(household, part.base)] = (
                        shared.get((household, part.base), 0) + counts[0]
                    )
                    counts[0] = 0
                if part.shared_high and counts[-1]:
                    key = (household, part.base + part.weeks - 1)
                    shared[key] = shared.get(key, 0) + counts[-1]
                    counts[-1] = 0
                base = part.base
                summary.few_contacts.update(
                    {base + i: n for i, n in enumerate(counts) if 0 < n < weekly_ceiling}
                )
    for (household, week), count in shared.items():
        if count < weekly_ceiling:
            summaries[household].few_contacts[week] = count
    return summaries


def repeated_days(repeats: bytes) -> Iterable[tuple[int, int]]:
    """(day of the year from 0, visits) of each day of a tally's `repeat_visits` (_encode:
    two bytes of the day, little-endian, and one of the visits)."""
    for i in range(0, len(repeats), 3):
        yield int.from_bytes(repeats[i : i + 2], "little"), repeats[i + 2]


def _add_repeats(summary: ContactSummary, repeats: bytes, year: int, part: _Part) -> None:
    jan1 = date(year, 1, 1)
    for d, visits in repeated_days(repeats):
        if part.day_skip <= d < part.day_skip + part.days:
            summary.repeat_visits[jan1 + timedelta(days=d)] = visits
