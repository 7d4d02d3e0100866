"""The contact-compliance findings list (第二十条) of a window: its counts from the database,
its shown findings judged in Python.

The page shows the number of pairings and of failed weeks and months, every cadre's
misses (the first 300 cadres, most misses first) and the first 500 failed checks with
their evidence: contact_compliance's figures, counted by the database
(zhucun.households.counted) with the cadres' names, and only the first 500 failing
pairings read — their checks judged by the policy when the list takes them.
`computed_findings_list` gives the same list from the policy's judgement of every
pairing (computed_compliance): it serves the windows the counts cannot (a week whose
minimum is not one contact), and the tests compare the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhucun.households.compliance import (
    CadreCompliance,
    Compliance,
    books_by_county,
    computed_compliance,
    counted_compliance,
)
from zhucun.households.counted import Plan, counties_of, pairings_in_window
from zhucun.org.models import Cadre
from zhucun.policy.findings import Check

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
    pairings = pairings_in_window(user, since, until)
    books = books_by_county(counties_of(user, pairings))
    plan = Plan(since, until, today)
    if books and not plan.counts(books):
        return computed_findings_list(user, since=since, until=until, today=today)
    result = counted_compliance(
        user, pairings, books, plan, since=since, until=until, today=today, listed=CHECKS_SHOWN
    )
    return _listed(result, result.names)


def computed_findings_list(user, *, since: date, until: date, today: date) -> FindingsList:
    """The same list from the policy's judgement of every pairing (computed_compliance)."""
    result = computed_compliance(user, since=since, until=until, today=today)
    names = dict(Cadre.objects.filter(pk__in=result.by_cadre).values_list("pk", "name"))
    return _listed(result, names)


def _listed(result: Compliance, names: dict[int, str]) -> FindingsList:
    # A stable sort: cadres of equal misses and name stay in the order the policy met them.
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
