"""The day statuses of a judged cadre-year are built when first read (DaysOnRead) and are
then, in every way a caller can tell, the dict day_statuses / log_statuses give."""

import copy
import pickle
from datetime import date

from zhucun.policy.calendar import (
    Assignment,
    AttendanceFacts,
    DaysOnRead,
    DayStatus,
    attendance_calendar,
    attendance_checks,
    day_statuses,
)
from zhucun.policy.evaluation import CadreYearFacts, evaluate_cadre_year
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.workdays import WorkCalendar

WEEKDAYS = WorkCalendar()
TODAY = date(2026, 6, 10)
FACTS = AttendanceFacts(
    assignments=(Assignment(date(2026, 3, 2)),),
    check_ins=frozenset({date(2026, 3, 2), date(2026, 3, 3), date(2026, 6, 10)}),
    leave=frozenset({date(2026, 3, 4)}),
)


def judged():
    return attendance_checks(
        FACTS,
        subject="cadre:1",
        year=2026,
        today=TODAY,
        is_workday=WEEKDAYS.is_workday,
        book=ParameterBook(),
    )


def expected():
    calendar = attendance_calendar(2026, WEEKDAYS.is_workday)
    return day_statuses(
        FACTS, start=calendar.start, end=calendar.end, today=TODAY, is_workday=WEEKDAYS.is_workday
    )


def test_the_statuses_are_not_built_until_read_and_then_once():
    built = []

    def build():
        built.append(1)
        return {date(2026, 1, 1): DayStatus.REST}

    days = DaysOnRead(build)
    assert built == []
    assert days[date(2026, 1, 1)] is DayStatus.REST
    assert len(days) == 1 and date(2026, 1, 1) in days and days.get(date(2026, 1, 2)) is None
    assert built == [1]


def test_attendance_statuses_read_as_the_dict_day_statuses_gives():
    statuses, wanted = judged().statuses, expected()
    assert isinstance(statuses, DaysOnRead)
    # Equal both ways, to the dict and to another unread DaysOnRead of the same days.
    assert statuses == wanted and wanted == statuses and statuses == judged().statuses
    assert not (statuses != wanted)
    assert list(statuses.items()) == list(wanted.items())  # date order
    assert list(statuses) == list(wanted) and list(statuses.values()) == list(wanted.values())
    assert dict(statuses) == wanted and len(statuses) == len(wanted)
    assert statuses[date(2026, 3, 4)] is DayStatus.LEAVE
    assert statuses.get(date(2026, 1, 5)) is None  # before the assignment
    assert repr(statuses) == repr(wanted)


def test_a_different_day_makes_them_unequal():
    wanted = dict(expected())
    wanted[date(2026, 3, 5)] = DayStatus.STATIONED
    assert judged().statuses != wanted
    assert judged().statuses != {}
    assert judged().statuses != [1]


def test_pickled_and_copied_they_are_the_plain_dict():
    statuses = judged().statuses
    again = pickle.loads(pickle.dumps(statuses))
    assert type(again) is dict and again == expected()
    assert type(copy.deepcopy(statuses)) is dict and copy.deepcopy(statuses) == expected()


def test_the_report_s_log_statuses_are_built_on_read_and_equal_the_dict():
    report = evaluate_cadre_year(
        CadreYearFacts(
            "cadre:1",
            FACTS,
            logs={date(2026, 3, 2): date(2026, 3, 2), date(2026, 3, 3): date(2026, 3, 9)},
        ),
        year=2026,
        today=TODAY,
        is_workday=WEEKDAYS.is_workday,
        book=ParameterBook(),
    )
    assert isinstance(report.log_statuses, DaysOnRead)
    logs = dict(report.log_statuses.items())
    assert logs[date(2026, 3, 2)] == "on_time" and logs[date(2026, 3, 3)] == "late"
    assert date(2026, 3, 4) not in logs  # on leave: no log due
    assert report.log_statuses == logs and report.statuses == expected()
    assert report.to_dict()["logs"]["on_time"] == 1
