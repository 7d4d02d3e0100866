"""Which days need a log and whether each log came in on time (第十二条(四), 第十六条).

The rule is zhucun.policy.worklogs. The days a log is due come from the
one cadre-day calendar (zhucun.stationing.calendar): stationed, official and
unjustified-absence days; leave and rest days need no log. A few queries
plus the calendar's own, whatever the number of cadres.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.utils import timezone

from zhucun.households.compliance import books_by_county
from zhucun.policy.worklogs import log_due_days, log_statuses
from zhucun.stationing.calendar import statuses_for
from zhucun.stationing.models import Assignment
from zhucun.worklogs.models import WorkLog


def due_days(cadre_ids, start: date, end: date, *, today: date) -> dict[int, set[date]]:
    statuses = statuses_for(list(cadre_ids), start, end, today=today)
    return {cadre: log_due_days(days) for cadre, days in statuses.items()}


def _deadlines(cadre_ids, end: date) -> dict[int, int]:
    """Each cadre's log deadline (days after), from their team's county's parameters."""
    county_of = dict(
        Assignment.objects.filter(cadre_id__in=cadre_ids, start__lte=end)
        .order_by("cadre_id", "start")
        .values_list("cadre_id", "team__village__county_id")
    )
    books = books_by_county(set(county_of.values()))
    return {
        cadre: books[county].on(end).log_deadline_days_after for cadre, county in county_of.items()
    }


def log_timeliness(
    cadre_ids, start: date, end: date, *, today: date | None = None
) -> dict[int, dict[date, str]]:
    """cadre → due day → on_time | late | missing | not_due."""
    today = today or timezone.localdate()
    cadre_ids = set(cadre_ids)
    due = due_days(cadre_ids, start, end, today=today)
    deadlines = _deadlines(cadre_ids, end)
    first_saved: dict[int, dict[date, date]] = defaultdict(dict)
    zone = timezone.get_current_timezone()  # once: localtime() looks it up for every row
    for cadre_id, day, saved in WorkLog.objects.filter(
        cadre_id__in=cadre_ids, day__range=(start, end)
    ).values_list("cadre_id", "day", "first_saved_at"):
        first_saved[cadre_id][day] = saved.astimezone(zone).date()
    return {
        cadre: log_statuses(
            due.get(cadre, ()),
            first_saved[cadre],
            today=today,
            deadline_days=deadlines.get(cadre, 1),
        )
        for cadre in cadre_ids
    }
