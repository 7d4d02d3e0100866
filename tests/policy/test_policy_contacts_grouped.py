"""The one-pass grouped and the summarised contact checks give exactly the checks of
contact_checks (第二十条)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhucun.policy.contacts import (
    Pairing,
    contact_checks,
    contact_checks_grouped,
    contact_checks_summarised,
    contact_failures_by_pairing,
    summarise,
    week_number,
    weekly_ceiling,
    window_start,
)
from zhucun.policy.errors import PolicyError
from zhucun.policy.parameters import Override, ParameterBook

CITY = ParameterBook()
STRICT = ParameterBook(
    county="610124000000",
    overrides=[
        Override("weekly_inquiries_min", 2, date(2025, 4, 1), county="610124000000"),
        Override("monthly_visits_min", 3, date(2025, 6, 1), county="610124000000"),
    ],
)
FIRST = date(2025, 1, 1)

days = st.integers(min_value=0, max_value=400).map(lambda n: FIRST + timedelta(n))
contact_rows = st.lists(
    st.tuples(st.integers(1, 6), days, st.sampled_from(["inquiry", "visit"])), max_size=120
)
pairings = st.lists(
    st.builds(
        lambda household, start, length, cadre: Pairing(
            household, start, None if length is None else start + timedelta(length), cadre
        ),
        st.integers(1, 7),
        days,
        st.none() | st.integers(0, 200),
        st.integers(1, 3),
    ),
    max_size=8,
)


def as_grouped(rows):
    return sorted((h, d.toordinal(), k) for h, d, k in rows)


@settings(max_examples=200, deadline=None)
@given(
    rows=contact_rows,
    paired=pairings,
    today=days,
    window=st.none() | st.tuples(days, st.integers(0, 120)),
    include_passed=st.booleans(),
    book=st.sampled_from([CITY, STRICT]),
)
def test_grouped_checks_equal_the_indexed_checks_for_any_rows_and_pairings(
    rows, paired, today, window, include_passed, book
):
    since, until = (None, None) if window is None else (window[0], window[0] + timedelta(window[1]))
    # Given the same pairings and contacts, when judged by both functions
    expected = contact_checks(
        paired,
        rows,
        today=today,
        book=book,
        since=since,
        until=until,
        include_passed=include_passed,
    )
    grouped = contact_checks_grouped(
        [(p, book) for p in paired],
        as_grouped(rows),
        today=today,
        since=since,
        until=until,
        include_passed=include_passed,
    )
    # then the checks are the same, in the same order
    assert grouped == expected


def test_each_pairing_is_judged_with_the_book_of_its_county():
    paired = [(Pairing(1, date(2025, 5, 1)), CITY), (Pairing(2, date(2025, 5, 1)), STRICT)]
    one_visit_each = [(1, date(2025, 7, 3).toordinal(), "visit")]
    one_visit_each += [(2, date(2025, 7, 3).toordinal(), "visit")]

    checks = contact_checks_grouped(
        paired, one_visit_each, today=date(2025, 8, 1), since=date(2025, 7, 1)
    )

    july = {c.subject: c.evidence["required"] for c in checks if c.period == "2025-07"}
    assert july == {"household:1": 2, "household:2": 3}


def test_rows_not_grouped_by_household_are_refused():
    paired = [(Pairing(1, FIRST), CITY), (Pairing(2, FIRST), CITY)]
    rows = [(1, FIRST.toordinal(), "inquiry"), (2, FIRST.toordinal(), "inquiry")]
    rows.append((1, FIRST.toordinal() + 1, "inquiry"))

    with pytest.raises(PolicyError, match="未按户排列"):
        contact_checks_grouped(paired, rows, today=date(2025, 3, 1))


def test_an_unknown_contact_kind_is_refused_naming_the_household_and_day():
    with pytest.raises(PolicyError, match="户 1 在 2025-01-01"):
        contact_checks_grouped(
            [(Pairing(1, FIRST), CITY)], [(1, FIRST.toordinal(), "letter")], today=date(2025, 3, 1)
        )


BUSY = ParameterBook(
    county="610122000000",
    overrides=[
        Override("weekly_inquiries_min", 3, date(2025, 3, 1), county="610122000000"),
        Override("monthly_visits_min", 4, date(2025, 2, 1), county="610122000000"),
        Override("monthly_visits_min", 1, date(2025, 9, 1), county="610122000000"),
    ],
)
BOOKS = [CITY, STRICT, BUSY]


@settings(max_examples=300, deadline=None)
@given(
    rows=contact_rows,
    paired=pairings,
    today=days,
    window=st.tuples(days, st.integers(0, 400)),
    counties=st.sampled_from([(CITY,), (STRICT,), (CITY, STRICT, BUSY)]),
)
def test_summarised_checks_equal_the_grouped_checks_for_any_rows_pairings_and_counties(
    rows, paired, today, window, counties
):
    since, until = window[0], window[0] + timedelta(window[1])
    # Given pairings in one or several counties (a household's county by its number)
    with_books = [(p, counties[p.household % len(counties)]) for p in paired]
    # When judged from the contacts, and from the summaries of the same contacts
    expected = contact_checks_grouped(
        with_books, as_grouped(rows), today=today, since=since, until=until
    )
    summaries = summarise(rows, since=since, until=until, weekly_ceiling=weekly_ceiling(counties))
    summarised = contact_checks_summarised(
        with_books, summaries, today=today, since=since, until=until
    )
    # then the failed checks are the same, in the same order, with the same evidence
    assert summarised == expected


@settings(max_examples=200, deadline=None)
@given(
    rows=contact_rows,
    paired=pairings,
    today=days,
    window=st.tuples(days, st.integers(0, 400)),
    counties=st.sampled_from([(CITY,), (STRICT,), (CITY, STRICT, BUSY)]),
)
def test_the_failures_grouped_by_pairing_are_the_grouped_checks_pairing_by_pairing(
    rows, paired, today, window, counties
):
    since, until = window[0], window[0] + timedelta(window[1])
    with_books = [(p, counties[p.household % len(counties)]) for p in paired]
    expected = contact_checks_grouped(
        with_books, as_grouped(rows), today=today, since=since, until=until
    )
    summaries = summarise(rows, since=since, until=until, weekly_ceiling=weekly_ceiling(counties))
    # When the failures are grouped by pairing
    groups = contact_failures_by_pairing(
        with_books, summaries, today=today, since=since, until=until
    )
    # Then each group is a pairing that failed something, in the order of the pairings,
    positions = [next(i for i, (p, _) in enumerate(with_books) if p is g.pairing) for g in groups]
    assert positions == sorted(set(positions))
    checks = []
    for group in groups:
        failures = group.failures()
        assert failures and all(f.pairing is group.pairing for f in failures)
        # its counts are its failed weeks and months, without making them
        assert group.weeks_failed == sum(f.rule == "weekly_inquiry" for f in failures)
        assert group.months_failed == sum(f.rule == "monthly_visits" for f in failures)
        assert len(group) == len(failures)
        checks += [f.check() for f in failures]
    # and made one after the other they are the failed checks, same order and evidence
    assert checks == expected


def test_the_weekly_ceiling_is_the_largest_weekly_minimum_any_county_ever_sets():
    assert weekly_ceiling([]) == 1
    assert weekly_ceiling([CITY]) == 1
    assert weekly_ceiling([CITY, STRICT]) == 2
    assert weekly_ceiling([CITY, STRICT, BUSY]) == 3


def test_a_summary_holds_bit_sets_of_weeks_and_visit_days_and_the_figures_below_the_ceiling():
    # Given two contacts in one week, one in the next, and two visits on one February day
    rows = [(1, date(2025, 1, 6), "visit"), (1, date(2025, 1, 7), "inquiry")]
    rows += [(1, date(2025, 1, 13), "inquiry")]
    rows += [(1, date(2025, 2, 3), "visit"), (1, date(2025, 2, 3), "visit")]
    # When summarised for counties asking for at most 2 contacts a week
    [(household, summary)] = summarise(
        rows, since=date(2025, 1, 6), until=date(2025, 2, 28), weekly_ceiling=2
    ).items()
    # Then weeks are bits from the window's first week, visit days bits from its first day
    first = window_start(date(2025, 1, 6))
    assert first == date(2024, 12, 31)
    assert summary.weeks == (1 << 1) | (1 << 2) | (1 << 5)  # 2025-W02, W03, W06 (from W01)
    assert summary.visit_days == (1 << 6) | (1 << 34)  # 01-06 and 02-03
    # and only the weeks with one contact and the day visited twice keep their figures
    first_week = week_number(date(2025, 1, 6))
    assert summary.few_contacts == {first_week + 1: 1}
    assert summary.repeat_visits == {date(2025, 2, 3): 2}


def test_an_unknown_contact_kind_in_a_summary_is_refused_naming_the_household_and_day():
    summaries = summarise(
        [(1, FIRST, "letter")], since=FIRST, until=date(2025, 2, 1), weekly_ceiling=1
    )
    with pytest.raises(PolicyError, match="户 1 在 2025-01-01"):
        contact_checks_summarised(
            [(Pairing(1, FIRST), CITY)],
            summaries,
            today=date(2025, 3, 1),
            since=FIRST,
            until=date(2025, 2, 1),
        )
