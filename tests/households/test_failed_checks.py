"""contact_compliance keeps its failed checks as ContactFailures and builds a Check only when
one is read (第二十条): counting them, or showing a page of them, builds none or only those."""

from datetime import date

import pytest

from zhucun.households.compliance import FailedChecks
from zhucun.policy.contacts import (
    Pairing,
    contact_checks_summarised,
    contact_failures_by_pairing,
    contact_failures_summarised,
    summarise,
)
from zhucun.policy.parameters import ParameterBook

SINCE, UNTIL, TODAY = date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1)


class Counting:
    """A ContactFailure that counts the Checks built from it."""

    built = 0

    def __init__(self, failure):
        self.failure = failure

    def check(self):
        Counting.built += 1
        return self.failure.check()


def failures_of_two_households():
    # Given two households, one with a single inquiry and one visit in January
    rows = [(1, date(2026, 1, 6), "inquiry"), (1, date(2026, 1, 7), "visit")]
    pairings = [(Pairing(1, date(2025, 6, 1), None, 10), ParameterBook())]
    pairings += [(Pairing(2, date(2025, 6, 1), None, 11), ParameterBook())]
    summaries = summarise(rows, since=SINCE, until=UNTIL, weekly_ceiling=1)
    args = {"today": TODAY, "since": SINCE, "until": UNTIL}
    failures = contact_failures_summarised(pairings, summaries, **args)
    return failures, contact_checks_summarised(pairings, summaries, **args)


def test_the_failures_become_exactly_the_checks_of_the_summarised_rule():
    failures, expected = failures_of_two_households()
    # When each failure is made a Check
    # Then they are the rule's failed checks, in the same order
    assert len(expected) > 20
    assert [failure.check() for failure in failures] == expected
    # and each names its pairing, rule and count as the Check's evidence does
    for failure, check in zip(failures, expected, strict=True):
        assert check.rule == failure.rule
        assert check.evidence["cadre"] == failure.pairing.cadre
        assert check.evidence["required"] == failure.required
        assert check.evidence.get("contacts", check.evidence.get("visits")) == failure.count


def test_failed_checks_are_counted_and_sliced_without_building_the_others():
    failures, expected = failures_of_two_households()
    Counting.built = 0
    checks = FailedChecks([Counting(f) for f in failures])
    # When counted, and a page of 5 is read
    assert len(checks) == len(expected)
    assert checks[:5] == expected[:5]
    assert checks[-1] == expected[-1]
    # Then only those 6 Checks were built
    assert Counting.built == 6


def test_failed_checks_read_in_full_are_built_once_and_equal_the_list():
    failures, expected = failures_of_two_households()
    Counting.built = 0
    checks = FailedChecks([Counting(f) for f in failures])
    # When iterated twice, compared and indexed
    assert list(checks) == expected
    assert checks == expected and expected == checks
    assert [c.period for c in checks] == [c.period for c in expected]
    assert checks[3] == expected[3]
    # Then each Check was built once
    assert Counting.built == len(expected)
    assert FailedChecks() == []


class CountingPairing:
    """A PairingFailures that counts the pairings whose failures were made."""

    made = 0

    def __init__(self, group):
        self.group = group

    def __len__(self):
        return len(self.group)

    def failures(self):
        CountingPairing.made += 1
        return self.group.failures()


def failed_pairings():
    # Given three households paired for the first quarter: no contact, one visit, one inquiry
    rows = [(1, date(2026, 1, 6), "inquiry"), (1, date(2026, 1, 7), "visit")]
    rows += [(3, date(2026, 2, 3), "inquiry")]
    pairings = [(Pairing(h, date(2025, 6, 1), None, 10 + h), ParameterBook()) for h in (1, 2, 3)]
    summaries = summarise(rows, since=SINCE, until=UNTIL, weekly_ceiling=1)
    args = {"today": TODAY, "since": SINCE, "until": UNTIL}
    groups = contact_failures_by_pairing(pairings, summaries, **args)
    return groups, contact_checks_summarised(pairings, summaries, **args)


def test_failed_checks_of_pairings_are_counted_without_making_any_failure():
    groups, expected = failed_pairings()
    CountingPairing.made = 0
    # When the checks of the failed pairings are counted
    checks = FailedChecks.of_pairings(
        [CountingPairing(g) for g in groups], sum(len(g) for g in groups)
    )
    # Then their number is the rule's, and no pairing's failures were made
    assert len(checks) == len(expected) > 30
    assert CountingPairing.made == 0


def test_a_page_of_the_first_checks_makes_only_the_failures_of_the_pairings_it_shows():
    groups, expected = failed_pairings()
    first = len(groups[0])
    CountingPairing.made = 0
    checks = FailedChecks.of_pairings(
        [CountingPairing(g) for g in groups], sum(len(g) for g in groups)
    )
    # When the first page (the first pairing's failures) and its last check are read
    assert checks[:first] == expected[:first]
    assert checks[first - 1] == expected[first - 1]
    # Then only the first pairing's failures were made
    assert CountingPairing.made == 1
    # and reading further makes the next ones, in order, each pairing once
    assert checks[first] == expected[first]
    assert CountingPairing.made == 2
    assert checks[-1] == expected[-1]
    assert checks[first - 2 : first + 3] == expected[first - 2 : first + 3]
    assert checks[::-7] == expected[::-7]
    assert checks[len(expected) :] == [] and checks[:0] == []
    assert CountingPairing.made == len(groups)


def test_failed_checks_of_pairings_read_in_full_equal_the_rule_s_checks():
    groups, expected = failed_pairings()
    checks = FailedChecks.of_pairings(groups, sum(len(g) for g in groups))
    assert checks[-len(expected)] == expected[0]
    for out_of_range in (len(expected), -len(expected) - 1):
        with pytest.raises(IndexError):
            checks[out_of_range]
    assert list(checks) == expected
    assert checks == expected
