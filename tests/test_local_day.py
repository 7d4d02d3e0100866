"""raw_rows.LocalDay: the local date of a stored time stamp, as `local_time(...).date()` gives it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from zhucun.raw_rows import LocalDay, local_time

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
FIRST = int(datetime(1985, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)
LAST = int(datetime(2040, 1, 1, tzinfo=UTC).timestamp() * 1_000_000)


@settings(max_examples=400, deadline=None)
@given(zone=st.sampled_from(ZONES), microseconds=st.integers(min_value=FIRST, max_value=LAST))
def test_the_local_day_of_any_instant_is_that_of_its_local_time(zone, microseconds):
    tz = ZoneInfo(zone)
    assert LocalDay(tz)(microseconds) == local_time(microseconds, tz).date().toordinal()


def test_the_local_day_is_right_on_both_sides_of_a_daylight_saving_change_and_midnight():
    # Given Berlin's change to summer time (2025-03-30 01:00 UTC) and Shanghai's midnight
    berlin, shanghai = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Shanghai")
    change = int(datetime(2025, 3, 30, 1, 0, tzinfo=UTC).timestamp() * 1_000_000)
    midnight = int(datetime(2025, 3, 29, 16, 0, tzinfo=UTC).timestamp() * 1_000_000)
    days = LocalDay(berlin), LocalDay(shanghai)
    # When the microseconds around them are read, then each gets the date of its local time
    for zone, local_day, instant in ((berlin, days[0], change), (shanghai, days[1], midnight)):
        for delta in (-3_600_000_001, -1, 0, 1, 3_600_000_000, 86_399_999_999):
            value = instant + delta
            assert local_day(value) == local_time(value, zone).date().toordinal()
