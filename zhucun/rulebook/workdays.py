"""China's working days: weekends, statutory holidays and adjusted workdays (调休).

The `holidays` package supplies the State Council's arrangement; a city
administrator's corrections (CalendarCorrection) win over it, because the
package may lag behind the yearly announcement.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    cn = holidays.China(years=year, language="zh_CN")
    days_off = frozenset(d for d in cn if d.year == year)
    workdays = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)
    return days_off, workdays


def holiday_names(start: date, end: date) -> dict[date, str]:
    names: dict[date, str] = {}
    for year in range(start.year, end.year + 1):
        cn = holidays.China(years=year, language="zh_CN")
        names.update({d: n for d, n in cn.items() if start <= d <= end})
    return names


def non_working_days(start: date, end: date) -> set[date]:
    """Days from start to end (inclusive) on which nobody is due at work unless on duty."""
    from zhucun.rulebook.models import CalendarCorrection, DayKind

    corrections = dict(
        CalendarCorrection.objects.filter(day__range=(start, end)).values_list("day", "kind")
    )
    result = set()
    day = start
    while day <= end:
        off, adjusted = _package_year(day.year)
        kind = corrections.get(day)
        if kind == DayKind.HOLIDAY:
            is_off = True
        elif kind == DayKind.WORKDAY:
            is_off = False
        else:
            is_off = day in off or (day.weekday() >= 5 and day not in adjusted)
        if is_off:
            result.add(day)
        day += timedelta(days=1)
    return result
