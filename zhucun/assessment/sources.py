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

from django.db import connection
from django.db.models import BooleanField, Case, F, IntegerField, TextField, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from zhucun.policy.calendar import AttendanceFacts
from zhucun.policy.worklogs import FirstSaved, RectificationNotice
from zhucun.raw_rows import (
    DayOrdinal,
    EpochMicroseconds,
    LocalDay,
    SavedOnDay,
    TextList,
    all_raw_rows,
    among,
    fixed_offset,
    local_time,
)
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
    """One row per cadre: (kind, cadre id, None, None, same-day logs, later logs).

    A year of logs is one row per cadre, not one per log: the days of the logs first saved on
    their own local day as day texts joined by commas (`_day_as_text`; most logs; neither the
    database nor Python builds a row for each), the others as "ordinal@first saved (EpochMicroseconds)".
    The local day is the database's (`SavedOnDay`: `OffsetDate`) when the zone keeps one UTC offset around
    [start, end] (Asia/Shanghai does); else every log comes as a later one and Python finds
    its local day (`_read`).
    """
    offset = fixed_offset(timezone.get_current_timezone(), start, end)
    same_day = (
        SavedOnDay("first_saved_at", "day", offset)
        if offset is not None
        else Value(False, output_field=BooleanField())
    )
    saved = Concat(
        Cast(DayOrdinal("day"), TextField()),
        Value("@"),
        Cast(EpochMicroseconds("first_saved_at"), TextField()),
        output_field=TextField(),
    )
    return (
        WorkLog.objects.filter(among("cadre_id", cadre_ids), day__range=(start, end))
        .order_by()  # not the model's newest-first: a sort of the whole year the loop does not need
        .values("cadre_id")
        .annotate(
            row_kind=Value(_LOG),
            ordinal=Cast(Value(None), IntegerField()),
            pk_=Cast(Value(None), IntegerField()),
            same_days=TextList(Case(When(same_day, then=_day_as_text()))),
            later=TextList(Case(When(same_day, then=None), default=saved)),
        )
        .values_list("row_kind", "cadre_id", "ordinal", "pk_", "same_days", "later")
    )


def _notice_rows(cadre_ids, year: int):
    """(kind, cadre id, issued-on ordinal, pk, status, log days as JSON text) per notice."""
    return (
        NoticeRow.objects.filter(among("cadre_id", cadre_ids), issued_on__year=year)
        .order_by()
        .annotate(
            row_kind=Value(_NOTICE),
            ordinal=DayOrdinal("issued_on"),
            notice_status=F("status"),
            notice_days=Cast("log_days", TextField()),
        )
        .values_list("row_kind", "cadre_id", "ordinal", "pk", "notice_status", "notice_days")
    )


def _day_as_text():
    """A log's day in the same-day list: SQLite's stored ISO text as it is (no `julianday` per
    row), PostgreSQL's ordinal (an integer's text is cheaper to make than a date's)."""
    return F("day") if connection.vendor == "sqlite" else DayOrdinal("day")


class _Ordinals(dict):
    """Day text (an ordinal, or ISO on SQLite) → its ordinal, worked out once per text: a year
    of logs names each day many times."""

    def __missing__(self, text: str) -> int:
        found = self[text] = date.fromisoformat(text).toordinal() if "-" in text else int(text)
        return found


def _cadre_logs(
    same_days: str | None, later: str | None, local_day, zone, ordinals: dict | None = None
) -> FirstSaved:
    """A _log_rows row's logs: {day: the day itself, or the local date-time of a later save},
    as a FirstSaved (the same-day logs kept as ordinals). `ordinals` (an _Ordinals), shared
    by the rows of one read, turns day texts into ordinals."""
    ordinals = _Ordinals() if ordinals is None else ordinals
    same_day = list(map(ordinals.__getitem__, same_days.split(","))) if same_days else []
    found: dict[date, date | datetime] = {}
    for item in later.split(",") if later else ():
        ordinal, value = map(int, item.split("@"))
        day = date.fromordinal(ordinal)
        # A date-time is built only for a log saved after its day.
        found[day] = day if local_day(value) == ordinal else local_time(value, zone)
    return FirstSaved(same_day, found)


def _read(rows) -> tuple[dict, dict]:
    """The logs (see work_logs) and the notices (see notices) among log and notice rows."""
    logs: dict[int, dict[date, date | datetime]] = {}
    found: dict[int, list[tuple[int, int, RectificationNotice]]] = defaultdict(list)
    zone = timezone.get_current_timezone()
    local_day = LocalDay(zone)
    ordinals = _Ordinals()
    # One row per cadre's year of logs (and one per notice): read client-side, see facts_for.
    for kind, cadre_id, ordinal, value, status, log_days in all_raw_rows(rows):
        if kind == _LOG:
            logs[cadre_id] = _cadre_logs(status, log_days, local_day, zone, ordinals)
            continue
        if isinstance(log_days, str):  # the JSON column's text
            log_days = json.loads(log_days)
        notice = RectificationNotice(
            date.fromordinal(ordinal),
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
