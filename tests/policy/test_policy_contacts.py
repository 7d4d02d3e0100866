import time
from datetime import date, timedelta

import pytest

from zhucun.policy.contacts import Pairing, contact_checks
from zhucun.policy.errors import PolicyError
from zhucun.policy.parameters import ParameterBook

CITY = ParameterBook()

PAIRED_2025 = Pairing(household=7, start=date(2025, 1, 1), cadre=12)


def checks(rows, today, pairings=(PAIRED_2025,), **window):
    return contact_checks(
        list(pairings), iter(rows), today=today, book=CITY, include_passed=True, **window
    )


def week(results, label):
    return [c for c in results if c.rule == "weekly_inquiry" and c.period == label]


def test_the_week_across_new_year_is_the_first_iso_week_of_the_new_year():
    results = checks([(7, date(2026, 1, 2), "inquiry")], today=date(2026, 1, 5))

    [first] = week(results, "2026-W01")
    assert first.passed is True
    assert (first.evidence["week_start"], first.evidence["week_end"]) == (
        "2025-12-29",
        "2026-01-04",
    )


def test_a_week_without_contact_is_a_finding_naming_the_iso_week():
    results = checks([], today=date(2027, 1, 4), pairings=[Pairing(7, date(2026, 12, 28))])

    [last] = week(results, "2026-W53")
    assert last.passed is False and last.article == "第二十条"
    assert last.subject == "household:7" and "2026-W53" in last.message


def test_a_week_across_a_month_end_counts_contacts_in_both_months():
    results = checks([(7, date(2025, 3, 31), "inquiry")], today=date(2025, 4, 7))

    assert week(results, "2025-W14")[0].passed is True  # 03-31 to 04-06


def test_a_home_visit_is_also_a_contact():
    results = checks([(7, date(2025, 1, 8), "visit")], today=date(2025, 1, 13))

    assert week(results, "2025-W02")[0].passed is True


def test_a_week_not_yet_over_is_not_judged():
    sunday = date(2025, 1, 12)

    assert week(checks([], today=sunday), "2025-W02") == []
    assert week(checks([], today=sunday + timedelta(1)), "2025-W02")[0].passed is False


def test_only_whole_weeks_inside_the_pairing_are_judged():
    wednesday_start = Pairing(7, date(2025, 1, 8), date(2025, 1, 25))

    results = checks([], today=date(2025, 3, 1), pairings=[wednesday_start])

    assert [c.period for c in results if c.rule == "weekly_inquiry"] == ["2025-W03"]
    assert [c for c in results if c.rule == "monthly_visits"] == []


def visits(*days):
    return [(7, day, "visit") for day in days]


def test_two_home_visits_in_a_month_pass_and_one_fails():
    two = checks(visits(date(2025, 2, 3), date(2025, 2, 17)), today=date(2025, 3, 1))
    one = checks(visits(date(2025, 2, 3)), today=date(2025, 3, 1))

    assert [(c.period, c.passed) for c in two if c.rule == "monthly_visits"] == [
        ("2025-01", False),
        ("2025-02", True),
    ]
    [january, february] = [c for c in one if c.rule == "monthly_visits"]
    assert january.passed is False and january.evidence["visits"] == 0
    assert february.passed is False and february.evidence["visit_days"] == ["2025-02-03"]
    assert "未达到每月至少2次" in february.message


def test_inquiries_do_not_count_as_home_visits():
    results = checks(
        [(7, date(2025, 1, 6), "inquiry"), (7, date(2025, 1, 7), "inquiry")], today=date(2025, 2, 1)
    )

    assert [c.passed for c in results if c.rule == "monthly_visits"] == [False]


def test_a_whole_county_is_judged_from_one_stream_in_one_pass(city):
    pairings = [Pairing(n, date(2025, 1, 1)) for n in range(1, 4)]
    rows = [
        (1, date(2025, 1, 6), "visit"),
        (2, date(2025, 1, 6), "inquiry"),
        (1, date(2025, 1, 20), "visit"),
    ]

    failed = contact_checks(pairings, iter(rows), today=date(2025, 1, 13), book=city)

    assert [(c.subject, c.period) for c in failed] == [("household:3", "2025-W02")]


def test_the_window_limits_the_weeks_and_months_judged():
    results = checks([], today=date(2025, 6, 1), since=date(2025, 3, 1), until=date(2025, 3, 31))

    weeks = [c.period for c in results if c.rule == "weekly_inquiry"]
    assert weeks == ["2025-W09", "2025-W10", "2025-W11", "2025-W12", "2025-W13"]
    assert [c.period for c in results if c.rule == "monthly_visits"] == ["2025-03"]


def test_an_unknown_contact_kind_is_refused():
    with pytest.raises(PolicyError, match="inquiry"):
        checks([(7, date(2025, 1, 6), "wechat")], today=date(2025, 2, 1))


def test_a_county_year_of_contacts_is_judged_quickly(city):
    households = 2000
    pairings = [Pairing(n, date(2025, 1, 1)) for n in range(households)]
    days = [date(2025, 1, 1) + timedelta(days=d) for d in range(0, 365, 5)]  # 73 a year
    rows = [
        (n, day, "visit" if i % 2 else "inquiry")
        for n in range(households)
        for i, day in enumerate(days)
    ]

    started = time.perf_counter()
    failed = contact_checks(pairings, rows, today=date(2026, 1, 1), book=city)
    elapsed = time.perf_counter() - started

    assert elapsed < 5, f"{len(rows)} rows took {elapsed:.1f}s"
    assert all(c.rule == "monthly_visits" for c in failed)
