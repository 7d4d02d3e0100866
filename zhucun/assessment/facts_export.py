"""A cadre-year's facts in the input format of `python -m zhucun.policy evaluate` (docs/policy.md
§11), so anyone can re-check a result without the database.

The working-day calendar is written out for the attendance window (holidays
on weekdays, adjusted working days on weekends), and the county's parameter
overrides are included, so the CLI judges with exactly what the application
used.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from zhucun.assessment.cohort import Cohort, Member
from zhucun.policy.periods import days_between

ONE_DAY = timedelta(days=1)


def ranges(days: Iterable[date]) -> list[str]:
    """Sorted days as single days and inclusive "a/b" ranges (the CLI's date-list format)."""
    out: list[str] = []
    ordered = sorted(set(days))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] - ordered[j] == ONE_DAY:
            j += 1
        first, last = ordered[i], ordered[j]
        out.append(first.isoformat() if first == last else f"{first}/{last}")
        i = j + 1
    return out


def _logs(logs) -> list:
    same_day = [day for day, saved in logs.items() if _saved_day(saved) == day]
    later = [
        {"date": day.isoformat(), "first_saved": saved.isoformat(timespec="minutes")}
        if isinstance(saved, datetime)
        else {"date": day.isoformat(), "first_saved": saved.isoformat()}
        for day, saved in sorted(logs.items())
        if _saved_day(saved) != day
    ]
    return [*ranges(same_day), *later]


def _saved_day(saved) -> date:
    return saved.date() if isinstance(saved, datetime) else saved


def cadre_document(member: Member, cohort: Cohort | None = None) -> dict:
    """One cadre's facts; with `cohort`, the cadre's place in it (assessed, ranked_ahead), so the
    CLI judges the 优秀 quota on one cadre's facts as the whole county did (第三十二条)."""
    facts = member.facts
    a = facts.attendance
    assessment = facts.assessment
    doc = {
        "id": member.cadre.pk,
        "assignments": [
            {"start": p.start.isoformat(), "end": p.end.isoformat() if p.end else None}
            for p in a.assignments
        ],
        "check_ins": ranges(a.check_ins),
        "official": ranges(a.official),
        "leave": ranges(a.leave),
        "duty": ranges(a.duty),
        "logs": _logs(facts.logs or {}),
        "notices": [
            {"date": n.day.isoformat(), "refused": n.refused, "log_dates": ranges(n.log_days)}
            for n in facts.notices
        ],
    }
    scores: dict = {
        "ordinary_scores": list(assessment.ordinary_scores),
        "poverty_task_missed": assessment.poverty_task_missed,
        "disciplined": assessment.disciplined,
        "disobedience_serious": assessment.disobedience_serious,
    }
    if assessment.annual_contents is not None:
        scores["annual_contents"] = dict(assessment.annual_contents)
    position = cohort.position(member) if cohort is not None else None
    if position is not None:
        scores["cohort"] = position.to_dict()
    doc["assessment"] = scores
    return doc


def document(cohort: Cohort, members: Iterable[Member], *, one_by_one: bool = False) -> dict:
    """The CLI input for `members` of the cohort, with the calendar and parameters used.

    `one_by_one`: the document holds part of the cohort, so each cadre carries its place in
    the whole (a whole county's document lets the CLI rank the cohort itself)."""
    first, last = cohort.window
    holidays, adjusted = [], []
    for day in days_between(first, last):
        workday = cohort.is_workday(day)
        if day.weekday() < 5 and not workday:
            holidays.append(day)
        elif day.weekday() >= 5 and workday:
            adjusted.append(day)
    county = cohort.book.county
    overrides = [
        {"key": o.key, "value": o.value, "effective_from": o.effective_from.isoformat()}
        for o in cohort.book.overrides
    ]
    return {
        "year": cohort.year,
        "today": cohort.today.isoformat(),
        "parameters": {"county": county, "overrides": overrides},
        "calendar": {"holidays": ranges(holidays), "adjusted_workdays": ranges(adjusted)},
        "cadres": [cadre_document(m, cohort if one_by_one else None) for m in members],
    }
