"""The cadre-day calendar: the one source of truth for every cadre's days (DESIGN.md §3).

Everything that counts days — attendance pages, work logs, assessment,
allowances — calls this module; nothing recounts days on its own.

    statuses_for(cadre_ids, start, end, *, today)
        -> dict[cadre_id, dict[date, DayStatus]]

    One status (zhucun.policy.calendar.DayStatus: stationed / official /
    leave / rest / absent / unknown) for every day of [start, end] that lies
    in one of the cadre's assignments, in date order; days outside every
    assignment are absent from the inner dict, and a cadre with no
    assignment in the range maps to {}. `today` is passed, never read from
    the clock: today without evidence and all later days are "unknown".

    facts_for(cadre_ids, start, end) -> dict[cadre_id, AttendanceFacts]
        The plain data the statuses are computed from (for callers that feed
        other zhucun.policy rules).

    attendance_for(cadre_ids, year, *, today) -> dict[cadre_id, AttendanceResult]
        zhucun.policy.calendar.attendance_checks for the year, with the
        parameters of the county the cadre is stationed in (第十六条 ≥20 days a
        month, 第三十五条(三) ≤199 days a year, 第三十五条(四) absence spells and
        the unjustified total), statuses covering the year ± 31 days.

Query budget, whatever the number of cadres: one query for the assignments,
one for check-ins, official business, approved leave and duty days together
(UNION ALL), one for the calendar corrections (`attendance_for` reads the
assignments with their teams' counties in the first, and adds one for county
parameter overrides). Reads on
(cadre, day) / (cadre, start, end) indexes; check-ins and duty days come as
one row per cadre (raw_rows.DayList), and the working
days of the range are worked out once for all cadres (policy DayCalendar).
"""

from collections import defaultdict
from datetime import date

from django.db.models import Field, IntegerField, Value
from django.db.models.functions import Cast

from zhucun.approvals.models import RequestState
from zhucun.gc_pause import gc_paused
from zhucun.policy.calendar import (
    Assignment as AssignmentPeriod,
)
from zhucun.policy.calendar import (
    AttendanceFacts,
    AttendanceResult,
    DayCalendar,
    DayStatus,
    attendance_calendar,
    attendance_checks,
    attendance_window,
)
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.raw_rows import Among, DayList, DayOrdinal, all_raw_rows, among, day_set
from zhucun.rulebook.models import ParameterOverride
from zhucun.rulebook.workdays import non_working_days
from zhucun.stationing.models import Assignment, CheckIn, DutyDay, Leave, OfficialBusiness

# The kinds of the one query in facts_for.
_CHECK_IN, _OFFICIAL, _LEAVE, _DUTY = range(4)


def _no_day():
    # Typed: PostgreSQL resolves a UNION's column types branch by branch, and two untyped
    # NULLs in the first two branches would make the column text.
    return Cast(Value(None), IntegerField())


def _day_rows(kind: int, queryset):
    """One row per cadre: (kind, cadre id, its days as a DayList, None, None, None)."""
    return (
        queryset.order_by()
        .values("cadre_id")
        .annotate(
            fact=Value(kind),
            fact_days=DayList("day"),
            fact_first=_no_day(),
            fact_last=_no_day(),
            fact_back=_no_day(),
        )
        .values_list("fact", "cadre_id", "fact_days", "fact_first", "fact_last", "fact_back")
    )


def _span_rows(kind: int, queryset, returned=None):
    """One row per record: (kind, cadre id, None, first, last, returned-on), days as ordinals."""
    return (
        queryset.order_by()
        .annotate(
            fact=Value(kind),
            fact_days=Value(None, output_field=Field()),
            fact_first=DayOrdinal("start"),
            fact_last=DayOrdinal("end"),
            fact_back=DayOrdinal(returned) if returned else _no_day(),
        )
        .values_list("fact", "cadre_id", "fact_days", "fact_first", "fact_last", "fact_back")
    )


def facts_for(cadre_ids, start: date, end: date, *, periods=None) -> dict[int, AttendanceFacts]:
    """The recorded facts of each cadre touching [start, end] (two queries).

    `periods` (cadre id → its assignment periods), when the caller has them
    (the assessment's counted assignments), replaces the assignment query.
    """
    ids = sorted(set(cadre_ids))
    if periods is None:
        periods = _periods_and_counties(ids, start, end)[0]
    return with_periods(recorded_facts(ids, start, end), ids, periods)


class RecordedFacts:
    """What recorded_facts read: each cadre's check-in and duty days and official business and
    leave days, before their assignment periods are known (with_periods)."""

    def __init__(self, day_sets: dict, spans: dict):
        self.day_sets, self.spans = day_sets, spans


def recorded_facts(cadres, start: date, end: date) -> RecordedFacts:
    """The check-ins, duty days, official business and approved leave of the cadres (ids, or a
    query of one column of them) touching [start, end], in one round trip."""
    of_cadres = among("cadre_id", cadres)
    # Check-ins and duty days (the biggest) as one row per cadre holding all its days, official
    # business and leave as one row per record. The first branch types the union's columns on
    # PostgreSQL.
    facts = _day_rows(_CHECK_IN, CheckIn.objects.filter(of_cadres, day__range=(start, end))).union(
        _day_rows(_DUTY, DutyDay.objects.filter(of_cadres, day__range=(start, end))),
        _span_rows(
            _OFFICIAL,
            OfficialBusiness.objects.filter(of_cadres, start__lte=end, end__gte=start),
        ),
        _span_rows(
            _LEAVE,
            Leave.objects.filter(
                of_cadres,
                approval__state=RequestState.APPROVED,
                start__lte=end,
                end__gte=start,
            ),
            returned="returned_on",
        ),
        all=True,
    )
    day_sets: dict[tuple[int, int], frozenset[date]] = {}
    spans: dict[tuple[int, int], set[date]] = defaultdict(set)
    lo, hi = start.toordinal(), end.toordinal()
    # The range's dates, built once: a span's days are then a slice of it, not a date each.
    dates = [date.fromordinal(n) for n in range(lo, hi + 1)]
    # A client-side read: one row per cadre (check-ins, duty) or per span, no more than the
    # sets made of them; a server-side cursor would materialise the result once more.
    for kind, cadre_id, days, first, last, returned in all_raw_rows(facts):
        if kind in (_CHECK_IN, _DUTY):
            day_sets[kind, cadre_id] = day_set(days)
            continue
        if returned is not None:  # 销假: the day back in the village ends the leave
            last = min(last, returned - 1)
        i, j = max(first, lo) - lo, min(last, hi) - lo + 1
        if i < j:  # (j may be negative: a leave reported back before the range)
            spans[kind, cadre_id].update(dates[i:j])
    return RecordedFacts(day_sets, spans)


def with_periods(recorded: RecordedFacts, ids, periods) -> dict[int, AttendanceFacts]:
    """cadre id → AttendanceFacts for each of `ids`, with its assignment `periods`."""
    day_sets, spans = recorded.day_sets, recorded.spans
    return {
        cadre_id: AttendanceFacts(
            assignments=tuple(periods.get(cadre_id, ())),
            check_ins=day_sets.get((_CHECK_IN, cadre_id), frozenset()),
            official=frozenset(spans.get((_OFFICIAL, cadre_id), ())),
            leave=frozenset(spans.get((_LEAVE, cadre_id), ())),
            duty=day_sets.get((_DUTY, cadre_id), frozenset()),
        )
        for cadre_id in ids
    }


def workday_test(start: date, end: date):
    """is_workday(day) for [start, end]: China's calendar with the city's corrections (one query)."""
    off = non_working_days(start, end)

    def is_workday(day: date) -> bool:
        if not start <= day <= end:
            raise ValueError(f"{day} is outside the calendar loaded ({start}–{end})")
        return day not in off

    return is_workday


def statuses_for(
    cadre_ids, start: date, end: date, *, today: date
) -> dict[int, dict[date, DayStatus]]:
    """One DayStatus per assignment day in [start, end], per cadre (see the module docstring)."""
    facts = facts_for(cadre_ids, start, end)
    # The working days are the same for every cadre: worked out once.
    calendar = DayCalendar(start, end, workday_test(start, end))
    return {cadre_id: calendar.statuses(f, today=today) for cadre_id, f in facts.items()}


def county_of_cadres(cadre_ids, on: date) -> dict[int, int]:
    """cadre id → county id of the team they were (last) stationed with up to `on` (one query)."""
    return _periods_and_counties(cadre_ids, on, on)[1]


def _periods_and_counties(cadre_ids, start: date, end: date):
    """facts_for's assignment periods touching [start, end] and county_of_cadres(..., end),
    from one read of the cadres' assignments started by `end` (the periods are among them)."""
    periods: dict[int, list[AssignmentPeriod]] = defaultdict(list)
    counties: dict[int, int] = {}
    touching = []
    for cadre_id, county_id, team_id, pk, a_start, a_end in (
        Assignment.objects.filter(Among("cadre_id", cadre_ids), start__lte=end)
        .order_by("start", "pk")
        .values_list("cadre_id", "team__village__county_id", "team_id", "pk", "start", "end")
    ):
        counties[cadre_id] = county_id  # the last started wins
        if a_end is None or a_end >= start:
            touching.append((team_id, a_start, pk, cadre_id, a_end))
    # In the model's order (team, start), as facts_for's own read gives them.
    for _team_id, a_start, _pk, cadre_id, a_end in sorted(touching):
        periods[cadre_id].append(AssignmentPeriod(a_start, a_end))
    return periods, counties


def books_for(county_ids) -> dict[int | None, ParameterBook]:
    """The parameter book of each county, with its overrides (第三十八条), in one query."""
    ids = sorted({c for c in county_ids if c is not None})
    books = _books(ParameterOverride.objects.filter(county_id__in=ids))
    city = books[None]
    return {None: city} | {county_id: books.get(county_id, city) for county_id in ids}


def every_book() -> dict[int | None, ParameterBook]:
    """The city's book (None) and that of every county with overrides, in one query.

    For a page that needs the books of several reads (the approval deadline, training)
    and reads them once; a county not in it follows the city's book.
    """
    return _books(ParameterOverride.objects.all())


def _books(overrides_query) -> dict[int | None, ParameterBook]:
    overrides: dict[int, list] = defaultdict(list)
    codes: dict[int, str] = {}
    for row in overrides_query.select_related("county").order_by("effective_from", "pk"):
        codes[row.county_id] = row.county.code
        overrides[row.county_id].append(
            Override(
                key=row.key,
                value=row.value,
                effective_from=row.effective_from,
                county=row.county.code,
            )
        )
    books: dict[int | None, ParameterBook] = {None: ParameterBook()}
    for county_id in sorted(overrides):
        books[county_id] = ParameterBook(county=codes[county_id], overrides=overrides[county_id])
    return books


@gc_paused()
def attendance_for(
    cadre_ids, year: int, *, today: date, subjects: dict[int, str] | None = None
) -> dict[int, AttendanceResult]:
    """The policy's attendance checks for `year` for each cadre (see the module docstring)."""
    start, end = attendance_window(year)
    ids = sorted(set(cadre_ids))  # read twice below (any iterable may be given)
    # The assignments once: the periods of the facts and the county whose book applies.
    periods, counties = _periods_and_counties(ids, start, end)
    facts = facts_for(ids, start, end, periods=periods)
    is_workday = workday_test(start, end)
    calendar = attendance_calendar(year, is_workday)  # the working days, once for every cadre
    books = books_for(counties.values())
    return {
        cadre_id: attendance_checks(
            f,
            subject=(subjects or {}).get(cadre_id, f"cadre:{cadre_id}"),
            year=year,
            today=today,
            is_workday=is_workday,
            book=books[counties.get(cadre_id)],
            calendar=calendar,
        )
        for cadre_id, f in facts.items()
    }
