"""Marking board snapshots stale when the past changes: one small function for the services."""

from datetime import date

from django.db.models import Q

from zhucun.org.models import Region

from .models import BoardSnapshot


def mark_boards_stale(*, day: date | None, counties=None) -> int:
    """Mark stale the boards that read `day`: those of the `counties` (county ids, or a
    query of one column of them; every county when None) and of their city, for every
    month from January of `day`'s year on (every month when `day` is None).

    Why every month from January: a board runs the engines from 1 January of its year up
    to the day it was computed (its open findings are the year's), and a board of January
    reads the contacts of the week before it. Call it inside the service's transaction:
    one UPDATE.
    """
    boards = BoardSnapshot.objects.filter(stale=False)
    if day is not None:
        boards = boards.filter(month__gte=date(day.year, 1, 1))
    if counties is not None:
        cities = Region.objects.filter(pk__in=counties).values("city_id")
        boards = boards.filter(Q(region__county_id__in=counties) | Q(region_id__in=cities))
    return boards.update(stale=True)
