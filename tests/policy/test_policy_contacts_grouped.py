"""The one-pass grouped contact checks give exactly the checks of contact_checks (第二十条)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhucun.policy.contacts import Pairing, contact_checks, contact_checks_grouped
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
