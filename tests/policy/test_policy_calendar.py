import time
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zhucun.policy.calendar import (
    Assignment,
    AttendanceFacts,
    DayStatus,
    absence_checks,
    absence_spells,
    attendance_checks,
    day_statuses,
    monthly_stationed_days_checks,
    status_counts,
    year_stationed_days_check,
)
from zhucun.policy.periods import days_between
from zhucun.policy.workdays import WorkCalendar

WEEKDAYS = WorkCalendar()
LABOUR_DAY = WorkCalendar(
    holidays=[date(2026, 5, day) for day in range(1, 6)], adjusted_workdays=[date(2026, 5, 9)]
)


def workdays(start, end, calendar=WEEKDAYS):
    return {day for day in days_between(start, end) if calendar.is_workday(day)}


def facts(start=date(2024, 1, 1), end=None, **dates):
    return AttendanceFacts(
        assignments=(Assignment(start, end),),
        **{name: frozenset(days) for name, days in dates.items()},
    )


def statuses_of(cadre, start, end, today, calendar=WEEKDAYS):
    return day_statuses(cadre, start=start, end=end, today=today, is_workday=calendar.is_workday)


# --- the day statuses -------------------------------------------------------------------------


def test_a_check_in_beats_official_business_which_beats_leave():
    day = date(2026, 5, 11)
    cadre = facts(
        check_ins=[day],
        official=[day, day + timedelta(1)],
        leave=[day, day + timedelta(1), day + timedelta(2)],
    )

    statuses = statuses_of(cadre, day, day + timedelta(2), today=date(2026, 6, 1))

    assert list(statuses.values()) == [DayStatus.STATIONED, DayStatus.OFFICIAL, DayStatus.LEAVE]


def test_a_weekend_is_rest_unless_the_roster_puts_the_cadre_on_duty():
    saturday, sunday = date(2026, 5, 16), date(2026, 5, 17)
    cadre = facts(duty=[sunday])

    statuses = statuses_of(cadre, saturday, sunday, today=date(2026, 6, 1))

    assert statuses == {saturday: DayStatus.REST, sunday: DayStatus.ABSENT}


def test_holidays_are_rest_and_an_adjusted_saturday_is_a_working_day():
    statuses = statuses_of(
        facts(), date(2026, 5, 1), date(2026, 5, 9), date(2026, 6, 1), LABOUR_DAY
    )

    assert statuses[date(2026, 5, 4)] is DayStatus.REST
    assert statuses[date(2026, 5, 8)] is DayStatus.ABSENT
    assert statuses[date(2026, 5, 9)] is DayStatus.ABSENT, "调休 Saturday"


def test_today_without_evidence_and_the_future_are_unknown():
    today = date(2026, 5, 13)
    cadre = facts(check_ins=[date(2026, 5, 14)], leave=[date(2026, 5, 15)])

    statuses = statuses_of(cadre, date(2026, 5, 12), date(2026, 5, 15), today)

    assert [statuses[d] for d in sorted(statuses)] == [
        DayStatus.ABSENT,
        DayStatus.UNKNOWN,
        DayStatus.UNKNOWN,
        DayStatus.UNKNOWN,
    ]


def test_today_with_a_check_in_is_stationed():
    today = date(2026, 5, 13)

    statuses = statuses_of(facts(check_ins=[today]), today, today, today)

    assert statuses == {today: DayStatus.STATIONED}


def test_days_outside_the_assignment_get_no_status():
    cadre = AttendanceFacts(
        assignments=(
            Assignment(date(2026, 5, 10), date(2026, 5, 12)),
            Assignment(date(2026, 5, 20), None),
        )
    )

    statuses = statuses_of(cadre, date(2026, 5, 1), date(2026, 5, 21), date(2026, 6, 1))

    assert sorted(statuses) == [date(2026, 5, d) for d in (10, 11, 12, 20, 21)]


# --- 第十六条: monthly stationed days ------------------------------------------------------------


def may_check(
    stationed_days, city, start=date(2024, 1, 1), today=date(2026, 6, 10), official_days=0
):
    days = sorted(workdays(date(2026, 5, 1), date(2026, 5, 31)))
    cadre = facts(
        start,
        check_ins=days[:stationed_days],
        official=days[stationed_days : stationed_days + official_days],
    )
    statuses = statuses_of(cadre, date(2026, 5, 1), date(2026, 5, 31), today)
    [check] = monthly_stationed_days_checks(
        statuses,
        assignments=cadre.assignments,
        subject="cadre:1",
        first=date(2026, 5, 1),
        last=date(2026, 5, 31),
        today=today,
        book=city,
    )
    return check


def test_a_month_of_twenty_stationed_days_passes(city):
    check = may_check(20, city)

    assert check.passed is True
    assert check.evidence["stationed_days"] == 20 and check.evidence["required_days"] == 20


def test_a_month_of_nineteen_stationed_days_fails_with_the_numbers(city):
    check = may_check(19, city)

    assert check.passed is False and check.severity == "violation"
    assert check.article == "第十六条" and check.period == "2026-05"
    assert "19天" in check.message and "20天" in check.message
    assert len(check.evidence["days"]["absent_days"]) == 21 - 19


def test_official_business_counts_as_stationed(city):
    assert may_check(15, city, official_days=5).passed is True


def test_a_partly_covered_month_prorates_the_minimum(city):
    # 15 of 31 days: ceil(20 × 15 / 31) = 10.
    check = may_check(10, city, start=date(2026, 5, 17))

    assert check.evidence["required_days"] == 10 and check.evidence["prorated"] is True
    assert "按比例" in check.message


def test_a_running_month_is_not_judged(city):
    check = may_check(8, city, today=date(2026, 5, 13))

    assert check.passed is None and "尚未结束" in check.message


def test_a_running_month_that_can_no_longer_reach_the_minimum_is_a_warning(city):
    # By 05-28 (today unknown), only 4 days are left: 8 + 4 < 20.
    check = may_check(8, city, today=date(2026, 5, 28))

    assert check.passed is False and check.severity == "warning"


# --- 第三十五条(三): the year's stationed days -------------------------------------------------


def year_check(stationed_days, city, start=date(2024, 1, 1), today=date(2026, 1, 10)):
    days = list(days_between(date(2025, 1, 1), date(2025, 12, 31)))
    cadre = facts(start, check_ins=days[:stationed_days])
    statuses = statuses_of(cadre, date(2025, 1, 1), date(2025, 12, 31), today)
    return year_stationed_days_check(
        statuses,
        assignments=cadre.assignments,
        subject="cadre:1",
        year=2025,
        today=today,
        book=city,
    )


def test_a_full_year_of_two_hundred_days_passes(city):
    assert year_check(200, city).passed is True


def test_a_full_year_of_one_hundred_ninety_nine_days_makes_the_cadre_unfit(city):
    check = year_check(199, city)

    assert check.passed is False and check.severity == "violation"
    assert check.article == "第三十五条(三)" and "不足200天" in check.message
    assert sum(check.evidence["by_month"].values()) == 199


def test_a_partial_year_is_prorated_and_only_warned(city):
    check = year_check(50, city, start=date(2025, 7, 1))

    assert check.evidence["required_days"] == 101  # ceil(200 × 184 / 365)
    assert check.passed is False and check.severity == "warning"


def test_a_running_year_is_not_judged_until_it_cannot_reach_the_threshold(city):
    assert year_check(100, city, today=date(2025, 8, 1)).passed is None
    check = year_check(30, city, today=date(2025, 8, 1))
    assert check.passed is False and check.severity == "warning"


# --- 第三十五条(四): absence spells and the yearly total ----------------------------------------


def stationed_except(gap_start, gap_days, year=2025):
    gap = set(days_between(gap_start, gap_start + timedelta(gap_days - 1)))
    return facts(
        check_ins=[
            d for d in days_between(date(year - 1, 11, 1), date(year + 1, 2, 28)) if d not in gap
        ]
    )


def year_absences(cadre, city, today=date(2026, 3, 1), year=2025, calendar=WEEKDAYS):
    statuses = statuses_of(cadre, date(year - 1, 11, 1), date(year + 1, 2, 28), today, calendar)
    return absence_checks(statuses, subject="cadre:1", year=year, today=today, book=city)


def rule(checks, name):
    return [check for check in checks if check.rule == name]


def test_fifteen_days_away_is_not_a_spell_over_the_limit(city):
    checks = year_absences(stationed_except(date(2025, 3, 3), 15), city)

    assert rule(checks, "absence_spell")[0].passed is True


def test_sixteen_days_away_with_working_days_makes_the_cadre_unfit(city):
    checks = year_absences(stationed_except(date(2025, 3, 3), 16), city)

    [spell] = rule(checks, "absence_spell")
    assert spell.passed is False and spell.article == "第三十五条(四)"
    assert spell.period == "2025-03-03/2025-03-18"
    assert spell.evidence["length_days"] == 16
    assert len(spell.evidence["unjustified_days"]) == 12  # two weekends are rest


def test_a_weekend_between_stationed_weeks_never_counts(city):
    weekdays_only = facts(check_ins=workdays(date(2024, 11, 1), date(2026, 2, 28)))

    checks = year_absences(weekdays_only, city)

    assert all(check.passed is True for check in checks)
    assert rule(checks, "absence_total")[0].evidence["count"] == 0


def test_a_long_holiday_with_no_working_day_is_not_an_absence_spell(city):
    festival = WorkCalendar(holidays=days_between(date(2025, 1, 25), date(2025, 2, 12)))

    checks = year_absences(stationed_except(date(2025, 1, 25), 19), city, calendar=festival)

    assert rule(checks, "absence_spell")[0].passed is True


def test_leave_breaks_a_spell(city):
    cadre = stationed_except(date(2025, 3, 3), 20)
    cadre = AttendanceFacts(
        cadre.assignments, cadre.check_ins, leave=frozenset([date(2025, 3, 12)])
    )

    checks = year_absences(cadre, city)

    assert rule(checks, "absence_spell")[0].passed is True


def test_a_spell_across_new_year_counts_for_the_year_of_its_unjustified_days(city):
    new_year = WorkCalendar(holidays=[date(2026, 1, 1), date(2026, 1, 2)])
    # 2025-12-20 (Sat) to 2026-01-04 (Sun): 16 days, unjustified days only in 2025.
    cadre = stationed_except(date(2025, 12, 20), 16)

    [in_2025] = rule(year_absences(cadre, city, year=2025, calendar=new_year), "absence_spell")
    [in_2026] = rule(
        year_absences(cadre, city, year=2026, today=date(2026, 2, 1), calendar=new_year),
        "absence_spell",
    )

    assert in_2025.passed is False and in_2025.period == "2025-12-20/2026-01-04"
    assert in_2026.passed is None, "2026 is still running and the spell is not its own"


def test_a_spell_with_unjustified_days_in_both_years_counts_in_both(city):
    cadre = stationed_except(date(2025, 12, 22), 16)

    for year in (2025, 2026):
        [spell] = rule(year_absences(cadre, city, year=year), "absence_spell")
        assert spell.passed is False


def scattered_absences(count):
    """`count` single absent Wednesdays, each between stationed days."""
    wednesdays = [date(2025, 1, 1) + timedelta(weeks=n) for n in range(count)]
    return stationed_except_days(set(wednesdays))


def stationed_except_days(gap):
    return facts(
        check_ins=[d for d in days_between(date(2024, 11, 1), date(2026, 2, 28)) if d not in gap]
    )


def test_thirty_unjustified_days_in_a_year_pass(city):
    [total] = rule(year_absences(scattered_absences(30), city), "absence_total")

    assert total.passed is True and total.evidence["count"] == 30


def test_thirty_one_unjustified_days_in_a_year_make_the_cadre_unfit(city):
    [total] = rule(year_absences(scattered_absences(31), city), "absence_total")

    assert total.passed is False and total.article == "第三十五条(四)"
    assert len(total.evidence["unjustified_days"]) == 31 and "超过30天" in total.message


def test_attendance_checks_run_every_attendance_rule_for_the_year(city):
    cadre = facts(check_ins=workdays(date(2024, 11, 1), date(2026, 2, 28)))

    result = attendance_checks(
        cadre,
        subject="cadre:1",
        year=2025,
        today=date(2026, 1, 5),
        is_workday=WEEKDAYS.is_workday,
        book=city,
    )

    assert {check.rule for check in result.checks} == {
        "monthly_stationed_days",
        "year_stationed_days",
        "absence_spell",
        "absence_total",
    }
    assert sum(result.year_counts(2025).values()) == 365
    assert result.year_counts(2025)["stationed"] == 261


# --- properties -------------------------------------------------------------------------------

DAY_RANGE = (date(2025, 1, 1), date(2025, 4, 30))
some_days = st.sets(st.dates(*DAY_RANGE), max_size=60)


@st.composite
def cadres(draw):
    periods = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.dates(*DAY_RANGE))
        end = draw(st.none() | st.dates(start, DAY_RANGE[1]))
        periods.append(Assignment(start, end))
    return AttendanceFacts(
        tuple(periods),
        frozenset(draw(some_days)),
        frozenset(draw(some_days)),
        frozenset(draw(some_days)),
        frozenset(draw(some_days)),
    )


@settings(max_examples=80, deadline=None, database=None)
@given(cadre=cadres(), today=st.dates(*DAY_RANGE))
def test_every_assignment_day_gets_exactly_one_status_and_no_other_day_does(cadre, today):
    start, end = DAY_RANGE

    statuses = statuses_of(cadre, start, end, today)

    expected = {day for a in cadre.assignments for day in days_between(a.start, a.end or end)}
    assert set(statuses) == expected
    assert sum(status_counts(statuses, start, end).values()) == len(expected)
    assert list(statuses) == sorted(statuses)


@settings(max_examples=80, deadline=None, database=None)
@given(cadre=cadres(), today=st.dates(*DAY_RANGE))
def test_recomputing_the_calendar_changes_nothing(cadre, today):
    first = statuses_of(cadre, *DAY_RANGE, today)

    assert statuses_of(cadre, *DAY_RANGE, today) == first


@settings(max_examples=80, deadline=None, database=None)
@given(cadre=cadres(), today=st.dates(*DAY_RANGE))
def test_spells_are_made_of_away_days_and_hold_every_absent_day(cadre, today):
    statuses = statuses_of(cadre, *DAY_RANGE, today)

    spells = absence_spells(statuses)

    in_spells = [day for spell in spells for day in days_between(spell.start, spell.end)]
    assert len(in_spells) == len(set(in_spells))
    assert all(statuses[day] in (DayStatus.REST, DayStatus.ABSENT) for day in in_spells)
    assert {d for s in spells for d in s.unjustified} == {
        d for d, status in statuses.items() if status is DayStatus.ABSENT
    }


def test_a_county_of_cadre_years_is_evaluated_quickly(city):
    """Guards against quadratic scans: 300 cadre-years, each with a window of 427 days."""
    checked_in = frozenset(workdays(date(2024, 11, 1), date(2026, 2, 28)))
    cadre = facts(check_ins=checked_in)

    started = time.perf_counter()
    for _ in range(300):
        attendance_checks(
            cadre,
            subject="cadre:1",
            year=2025,
            today=date(2026, 1, 5),
            is_workday=WEEKDAYS.is_workday,
            book=city,
        )
    elapsed = time.perf_counter() - started

    assert elapsed < 6, f"300 cadre-years took {elapsed:.1f}s"
