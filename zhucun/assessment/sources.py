"""The one seam where the assessment reads other apps' records, set-based.

The assessment never recounts days: the calendar's facts (check-ins, official
business, approved leave, duty) come from zhucun.stationing.calendar, the logs
and rectification notices from zhucun.worklogs, and the policy engine turns
them into statuses and checks — exactly what `python -m zhucun.policy
evaluate` does with the same facts in JSON. Each function is a fixed number
of queries, whatever the number of cadres.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

from django.db.models import CharField, F, JSONField, Value
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


_LOG, _NOTICE = range(2)


def _log_rows(cadre_ids, start: date, end: date):
    """(kind, cadre id, day ordinal, first saved as EpochMicroseconds, None, None) per log."""
    # A year of a county's logs: raw cursor rows, the day as an ordinal and the time as an
    # integer, both computed by the database — no date-time parsing per row.
    return (
        WorkLog.objects.filter(cadre_id__in=list(cadre_ids), day__range=(start, end))
        .order_by()  # not the model's newest-first: a sort of the whole year the loop does not need
        .annotate(
            row_kind=Value(_LOG),
            ordinal=DayOrdinal("day"),
            saved=EpochMicroseconds("first_saved_at"),
            notice_status=Value(None, output_field=CharField()),
            notice_days=Value(None, output_field=JSONField()),
        )
        .values_list("row_kind", "cadre_id", "ordinal", "saved", "notice_status", "notice_days")
    )


def _notice_rows(cadre_ids, year: int):
    """(kind, cadre id, issued-on ordinal, pk, status, log days) per rectification notice."""
    return (
        NoticeRow.objects.filter(cadre_id__in=list(cadre_ids), issued_on__year=year)
        .order_by()
        .annotate(
            row_kind=Value(_NOTICE),
            ordinal=DayOrdinal("issued_on"),
            notice_status=F("status"),
            notice_days=F("log_days"),
        )
        .values_list("row_kind", "cadre_id", "ordinal", "pk", "notice_status", "notice_days")
    )


def _read(rows) -> tuple[dict, dict]:
    """The logs (see work_logs) and the notices (see notices) among raw log and notice rows."""
    logs: dict[int, dict[date, date | datetime]] = defaultdict(dict)
    found: dict[int, list[tuple[int, int, RectificationNotice]]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    local_day = LocalDay(zone)
    for kind, cadre_id, ordinal, value, status, log_days in raw_rows(rows):
        day = date.fromordinal(ordinal)
        if kind == _LOG:
            # A date-time is built only for a log saved after its day.
            logs[cadre_id][day] = day if local_day(value) == ordinal else local_time(value, zone)
            continue
        if isinstance(log_days, str):  # the JSON column's text (SQLite; psycopg as Django sets it)
            log_days = json.loads(log_days)
        notice = RectificationNotice(
            day,
            status == NoticeStatus.REFUSED,
            tuple(sorted(date.fromisoformat(d) for d in log_days or ())),
        )
        found[cadre_id].append((ordinal, value, notice))
    notices = {
        cadre_id: tuple(notice for _, _, notice in sorted(rows, key=lambda r: r[:2]))
        for cadre_id, rows in found.items()
    }
    return logs, notices


def work_logs(cadre_ids, start: date, end: date) -> dict[int, dict[date, date | datetime]]:
    """cadre → {day: first saved}: the day itself when the log was first saved on its own day
    (local time), else the naive local date-time (the policy judges timeliness on the saved
    date; the facts export shows a later save to the minute)."""
    return _read(_log_rows(cadre_ids, start, end))[0]


def notices(cadre_ids, year: int) -> dict[int, tuple[RectificationNotice, ...]]:
    """cadre → the year's rectification notices, refused or not (第三十五条(五)), by issue date."""
    return _read(_notice_rows(cadre_ids, year))[1]


def logs_and_notices(cadre_ids, start: date, end: date, year: int) -> tuple[dict, dict]:
    """work_logs(cadre_ids, start, end) and notices(cadre_ids, year) in one query (UNION ALL;
    the notices first, whose columns type the union's on PostgreSQL)."""
    return _read(_notice_rows(cadre_ids, year).union(_log_rows(cadre_ids, start, end), all=True))
