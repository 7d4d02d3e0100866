from datetime import date, datetime

from zhucun.policy.calendar import DayStatus
from zhucun.policy.training import Training, training_check
from zhucun.policy.worklogs import (
    RectificationNotice,
    log_due_days,
    log_statuses,
    monthly_log_checks,
    refused_rectification_check,
)

MAY_4, MAY_5, MAY_6 = date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)


def test_logs_are_due_on_worked_and_unjustified_days_but_not_on_leave_or_rest():
    statuses = {
        MAY_4: DayStatus.STATIONED,
        MAY_5: DayStatus.LEAVE,
        MAY_6: DayStatus.ABSENT,
        date(2026, 5, 9): DayStatus.REST,
        date(2026, 5, 10): DayStatus.OFFICIAL,
    }

    assert log_due_days(statuses) == {MAY_4, MAY_6, date(2026, 5, 10)}


def test_a_log_saved_by_the_end_of_the_next_day_is_on_time_and_later_is_late():
    saved = {MAY_4: datetime(2026, 5, 5, 23, 59), MAY_5: datetime(2026, 5, 7, 0, 1)}

    statuses = log_statuses({MAY_4, MAY_5}, saved, today=date(2026, 5, 20), deadline_days=1)

    assert statuses == {MAY_4: "on_time", MAY_5: "late"}


def test_a_missing_log_is_not_due_until_its_deadline_has_passed():
    due = {MAY_4}

    assert log_statuses(due, {}, today=MAY_5, deadline_days=1) == {MAY_4: "not_due"}
    assert log_statuses(due, {}, today=MAY_6, deadline_days=1) == {MAY_4: "missing"}


def test_a_month_with_late_or_missing_logs_is_a_warning_listing_the_days():
    statuses = {MAY_4: "on_time", MAY_5: "late", MAY_6: "missing"}

    [check] = monthly_log_checks(statuses, subject="cadre:1")

    assert check.passed is False and check.severity == "warning"
    assert check.evidence["late_days"] == ["2026-05-05"]
    assert check.evidence["missing_days"] == ["2026-05-06"]
    assert "迟报1天" in check.message


def notices(refused, accepted=0):
    return [
        RectificationNotice(date(2025, 3, n + 1), True, (date(2025, 3, n + 1),))
        for n in range(refused)
    ] + [RectificationNotice(date(2025, 4, n + 1), False) for n in range(accepted)]


def test_two_refused_rectifications_are_not_enough_for_unfit(city):
    check = refused_rectification_check(
        notices(2, accepted=5), subject="cadre:1", year=2025, today=date(2026, 1, 5), book=city
    )

    assert check.passed is True and check.evidence["notices"] == 7


def test_three_refused_rectifications_make_the_cadre_unfit(city):
    check = refused_rectification_check(
        notices(3),
        subject="cadre:1",
        year=2025,
        today=date(2025, 6, 1),
        book=city,
        late_or_missing=9,
    )

    assert check.passed is False and check.article == "第三十五条(五)"
    assert check.evidence["refused_notice_days"] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert check.evidence["late_or_missing_logs"] == 9


def training(sessions, city, today=date(2026, 1, 5)):
    return training_check(sessions, subject="cadre:1", year=2025, today=today, book=city)


def test_no_training_in_a_finished_year_fails(city):
    check = training([], city)

    assert check.passed is False and check.severity == "violation"
    assert check.article == "第十八条" and "0次" in check.message


def test_one_training_of_five_days_passes(city):
    assert training([Training(date(2025, 4, 7), date(2025, 4, 11), "专题轮训")], city).passed


def test_one_training_of_four_days_fails(city):
    check = training([Training(date(2025, 4, 7), date(2025, 4, 10))], city)

    assert check.passed is False and check.evidence["training_days"] == 4


def test_overlapping_trainings_count_their_days_once(city):
    check = training(
        [
            Training(date(2025, 4, 7), date(2025, 4, 9)),
            Training(date(2025, 4, 9), date(2025, 4, 10)),
        ],
        city,
    )

    assert check.evidence == check.evidence | {"sessions": 2, "training_days": 4}


def test_a_running_year_warns_when_the_days_left_are_too_few(city):
    # 2025-12-01: 31 days left < 5 needed + 30 margin.
    check = training([], city, today=date(2025, 12, 1))

    assert check.passed is False and check.severity == "warning"
    assert check.evidence["days_left_in_year"] == 31


def test_a_running_year_with_time_left_is_not_judged(city):
    assert training([], city, today=date(2025, 11, 26)).passed is None  # 36 days left
