"""The year's logs read as one row per cadre (assessment/sources.py) are what each log says:
its day when first saved on that local day, else the local date-time it was first saved."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.assessment.builders import YEAR
from zhucun.assessment import sources
from zhucun.policy.calendar import attendance_window
from zhucun.raw_rows import fixed_offset
from zhucun.worklogs.models import WorkLog
from zhucun.worklogs.tasks import Task

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
# (day, first saved, as an instant in UTC): edges of the Beijing and Berlin days, fractions of a
# second, saves days earlier or later, Berlin's daylight-saving changes (30 March, 26 October).
SAVES = [
    (date(2025, 1, 6), datetime(2025, 1, 6, 15, 59, 59, 999999, UTC)),  # 23:59:59.999999 Beijing
    (date(2025, 1, 7), datetime(2025, 1, 7, 16, 0, tzinfo=UTC)),  # Beijing midnight: 8 January
    (date(2025, 1, 8), datetime(2025, 1, 7, 16, 0, 0, 1, UTC)),  # Beijing 00:00:00.000001
    (date(2025, 1, 9), datetime(2025, 1, 8, 23, 0, tzinfo=UTC)),  # Berlin midnight
    (date(2025, 3, 30), datetime(2025, 3, 29, 22, 30, tzinfo=UTC)),  # Berlin 23:30 the day before
    (date(2025, 3, 31), datetime(2025, 3, 30, 22, 30, tzinfo=UTC)),  # Berlin 00:30 (summer)
    (date(2025, 6, 2), datetime(2025, 6, 5, 2, 0, tzinfo=UTC)),  # three days late
    (date(2025, 6, 3), datetime(2025, 6, 1, 12, 0, tzinfo=UTC)),  # saved before its day
    (date(2025, 10, 26), datetime(2025, 10, 26, 22, 59, 59, tzinfo=UTC)),  # Berlin 23:59:59
    (date(2025, 12, 31), datetime(2026, 12, 31, 12, 0, tzinfo=UTC)),  # a year later
    (date(2026, 1, 31), datetime(2026, 1, 31, 9, 0, 0, 500000, UTC)),  # the window's last day
    (date(2024, 12, 1), datetime(2024, 12, 1, 1, 0, tzinfo=UTC)),  # the window's first day
    (date(2024, 11, 30), datetime(2024, 11, 30, 1, 0, tzinfo=UTC)),  # outside the window
    # Bogotá (UTC−5, no daylight saving) and Kolkata (UTC+5:30): SQLite's text comparison of
    # the stored UTC time against the offset's bound, on both sides of local midnight
    (date(2025, 2, 3), datetime(2025, 2, 4, 4, 59, 59, 999999, UTC)),  # Bogotá 23:59:59.999999
    (date(2025, 2, 4), datetime(2025, 2, 4, 5, 0, tzinfo=UTC)),  # Bogotá midnight
    (date(2025, 2, 5), datetime(2025, 2, 4, 18, 30, tzinfo=UTC)),  # Kolkata midnight
    (date(2025, 2, 6), datetime(2025, 2, 6, 18, 29, 59, 999999, UTC)),  # Kolkata 23:59:59.999999
    (date(2025, 2, 7), datetime(2025, 2, 7, 18, 30, tzinfo=UTC)),  # Kolkata: 8 February
    (date(2025, 2, 8), datetime(2025, 2, 8, 2, 0, tzinfo=UTC)),  # Bogotá 7 February 21:00
    (date(2025, 2, 10), datetime(2025, 2, 10, 16, 0, 0, 1, UTC)),  # Beijing 11 Feb, 00:00:00.000001
]


def _expected(rows, zone):
    """What the former row-by-row read gave: the local date of each save compared in Python."""
    found = {}
    for day, saved in rows:
        local = saved.astimezone(zone).replace(tzinfo=None)
        found[day] = day if local.date() == day else local
    return found


@pytest.mark.parametrize(
    "zone", ["Asia/Shanghai", "Europe/Berlin", "UTC", "America/Bogota", "Asia/Kolkata"]
)
def test_each_log_is_its_day_or_the_local_time_it_was_first_saved(cast, zone):
    # Given a cadre's logs saved at the edges of local days, earlier and later
    WorkLog.objects.bulk_create(
        WorkLog(
            cadre=cast.member,
            day=day,
            tasks=[Task.POLICY],
            content="走访",
            first_saved_at=s,
            updated_at=s,
        )
        for day, s in SAVES
    )
    window = attendance_window(YEAR)
    in_window = [(day, s) for day, s in SAVES if window[0] <= day <= window[1]]
    with override_settings(TIME_ZONE=zone), timezone.override(ZoneInfo(zone)):
        # When the window's logs are read (one row per cadre), with their year's notices
        logs, notices = sources.logs_and_notices([cast.member.pk, cast.leader.pk], *window, YEAR)
        # Then each is its day or its exact local time; a cadre without logs has none
        assert logs == {cast.member.pk: _expected(in_window, ZoneInfo(zone))}
        assert sources.work_logs([cast.member.pk], *window) == logs
        assert notices == {}


def test_a_zone_has_a_fixed_offset_only_where_it_keeps_one():
    window = attendance_window(YEAR)
    assert fixed_offset(ZoneInfo("Asia/Shanghai"), *window) == 8 * 3600
    assert fixed_offset(ZoneInfo("UTC"), *window) == 0
    assert fixed_offset(ZoneInfo("America/Bogota"), *window) == -5 * 3600
    assert fixed_offset(ZoneInfo("Asia/Kolkata"), *window) == 5 * 3600 + 1800
    # Berlin changes in March and October; its summer alone keeps one offset
    assert fixed_offset(ZoneInfo("Europe/Berlin"), *window) is None
    assert fixed_offset(ZoneInfo("Europe/Berlin"), date(2025, 4, 1), date(2025, 9, 30)) == 7200
    # The day around the range counts: 30 March is one day before 31 March
    assert fixed_offset(ZoneInfo("Europe/Berlin"), date(2025, 3, 31), date(2025, 9, 30)) is None
    assert fixed_offset(ZoneInfo("Asia/Kolkata"), *window) == 19800
    assert fixed_offset(ZoneInfo("Asia/Shanghai"), date(1991, 1, 1), date(1991, 12, 31)) is None
