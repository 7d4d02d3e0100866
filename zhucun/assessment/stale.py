"""Marking stored assessment lists stale when a county's year changes: one small function for
the services (as dashboards.stale does for the boards)."""

from __future__ import annotations

from datetime import date

from zhucun.policy.calendar import attendance_window
from zhucun.stationing.models import Assignment

from .models import CohortSnapshot


def years_reading(day: date) -> list[int]:
    """The assessment years whose facts include `day`: a year reads its calendar facts a month
    on each side (attendance_window), so a day of early January also belongs to the year before
    and one of late December to the year after."""
    return [y for y in (day.year - 1, day.year, day.year + 1) if _within(day, y)]


def _within(day: date, year: int) -> bool:
    first, last = attendance_window(year)
    return first <= day <= last


def mark_cohorts_stale(
    *, day: date | None = None, year: int | None = None, counties=None, cadres=None
) -> int:
    """Mark stale the stored lists of the `counties` (county ids, or a query of one column of
    them; every county when None and no `cadres`) — or of every county any of the `cadres`
    (ids, or a query of one column) served in: a cadre is assessed by the county of their
    last team of the year, with every counted assignment of it — for the years that read
    `day`, or for `year`, or for every year (neither given).

    Call it inside the service's transaction: one UPDATE.
    """
    if cadres is not None:
        counties = Assignment.objects.filter(cadre_id__in=cadres).values("team__village__county_id")
    lists = CohortSnapshot.objects.filter(stale=False)
    if day is not None:
        lists = lists.filter(year__in=years_reading(day))
    if year is not None:
        lists = lists.filter(year=year)
    if counties is not None:
        lists = lists.filter(county_id__in=counties)
    return lists.update(stale=True)
