"""第二十八条: the unit head visits each village the unit helps at least once a month.

A month with fewer visits than `unit_head_visits_per_month_min` is a finding
against the unit, for each team it helps; the evidence lists the visit dates.
A month still running is judged once it is over (no check for it yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from zhucun.policy.findings import Check
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import month_label, month_name, months_between
from zhucun.policy.reading import at_least

ARTICLE = "第二十八条"


def unit_head_visit_checks(
    visits: Iterable[date],
    *,
    unit: str,
    village: str,
    start: date,
    end: date,
    today: date,
    book: ParameterBook,
) -> list[Check]:
    """One check per finished calendar month of [start, end], by the parameters of its last day."""
    days = sorted(visits)
    checks = []
    for first, last in months_between(start, end):
        if last >= today:
            continue  # the month is not over
        minimum = book.on(last).unit_head_visits_per_month_min
        in_month = [d for d in days if first <= d <= last]
        passed = at_least(len(in_month), minimum)
        checks.append(
            Check(
                "unit_head_visit",
                ARTICLE,
                f"{unit}/{village}",
                month_label(first),
                passed,
                {
                    "visits": len(in_month),
                    "minimum": minimum,
                    "dates": [d.isoformat() for d in in_month],
                },
                f"{month_name(first)}{unit}主要负责人到{village}指导"
                f"{len(in_month)}次,{'达到' if passed else '未达到'}每月至少{minimum}次的要求",
            )
        )
    return checks
