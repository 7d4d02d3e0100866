"""The one seam where the assessment reads other apps' records, set-based.

The assessment never recounts days: the calendar's facts (check-ins, official
business, approved leave, duty) come from zhucun.stationing.calendar, the logs
and rectification notices from zhucun.worklogs, and the policy engine turns
them into statuses and checks — exactly what `python -m zhucun.policy
evaluate` does with the same facts in JSON. Each function is a fixed number
of queries, whatever the number of cadres.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone

from zhucun.policy.calendar import AttendanceFacts
from zhucun.policy.worklogs import RectificationNotice
from zhucun.raw_rows import DayOrdinal, EpochMicroseconds, LocalDay, local_time, raw_rows
from zhucun.stationing.calendar import facts_for, workday_test
from zhucun.worklogs.models import NoticeStatus, WorkLog
from zhucun.worklogs.models import RectificationNotice as NoticeRow


def attendance(cadre_ids, start: date, end: date, *, periods=None) -> dict[int, AttendanceFacts]:
    """Each cadre's calendar facts; `periods` (cadre → assignment periods) replaces their
    recorded assignments (the assessment counts only the counted ones)."""
    return facts_for(cadre_ids, start, end, periods=periods)


def workdays(start: date, end: date):
    """is_workday for [start, end] (one query for the city's corrections)."""
    return workday_test(start, end)


def work_logs(cadre_ids, start: date, end: date) -> dict[int, dict[date, date | datetime]]:
    """cadre → {day: first saved}: the day itself when the log was first saved on its own day
    (local time), else the naive local date-time (the policy judges timeliness on the saved
    date; the facts export shows a later save to the minute)."""
    logs: dict[int, dict[date, date | datetime]] = defaultdict(dict)
    zone = timezone.get_current_timezone()
    local_day = LocalDay(zone)
    # A year of a county's logs: raw cursor rows, the day as an ordinal and the time as an
    # integer, both computed by the database — no date-time parsing per row, and a date-time
    # built only for a log saved after its day.
    for cadre_id, ordinal, saved in raw_rows(
        WorkLog.objects.filter(cadre_id__in=list(cadre_ids), day__range=(start, end))
        .order_by()  # not the model's newest-first: a sort of the whole year the loop does not need
        .annotate(ordinal=DayOrdinal("day"), saved=EpochMicroseconds("first_saved_at"))
        .values_list("cadre_id", "ordinal", "saved")
    ):
        day = date.fromordinal(ordinal)
        logs[cadre_id][day] = day if local_day(saved) == ordinal else local_time(saved, zone)
    return logs


def notices(cadre_ids, year: int) -> dict[int, tuple[RectificationNotice, ...]]:
    """cadre → the year's rectification notices, refused or not (第三十五条(五))."""
    found: dict[int, list[RectificationNotice]] = defaultdict(list)
    for cadre_id, day, status, log_days in (
        NoticeRow.objects.filter(cadre_id__in=list(cadre_ids), issued_on__year=year)
        .order_by("issued_on", "pk")
        .values_list("cadre_id", "issued_on", "status", "log_days")
    ):
        found[cadre_id].append(
            RectificationNotice(
                day,
                status == NoticeStatus.REFUSED,
                tuple(sorted(date.fromisoformat(d) for d in log_days or ())),
            )
        )
    return {cadre_id: tuple(rows) for cadre_id, rows in found.items()}
