"""contact_compliance keeps its failed checks as ContactFailures and builds a Check only when
one is read (第二十条): counting them, or showing a page of them, builds none or only those."""

from datetime import date

from zhucun.households.compliance import FailedChecks
from zhucun.policy.contacts import (
    Pairing,
    contact_checks_summarised,
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
