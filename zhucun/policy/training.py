"""Training: each stationed cadre ≥1 training and ≥5 training days a year (第十八条).

Training days are calendar days of the sessions within the year, both ends
included, overlapping sessions counted once. While the year runs, the check
warns early when the calendar days left in the year (today included) are
fewer than the training days still needed plus a margin
(`training_warning_margin_days`, default 30): trainings are organised by the
county and need lead time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from zhucun.policy.findings import VIOLATION, WARNING, Check
from zhucun.policy.parameters import ParameterBook
from zhucun.policy.periods import days_between, inclusive_days, iso, year_bounds
from zhucun.policy.reading import at_least


@dataclass(frozen=True)
class Training:
    start: date
    end: date
    title: str = ""


def training_check(
    trainings: Iterable[Training], *, subject: str, year: int, today: date, book: ParameterBook
) -> Check:
    first, last = year_bounds(year)
    params = book.on(last)
    sessions_min, days_min = params.training_sessions_min, params.training_days_min
    sessions = [t for t in trainings if t.start <= last and t.end >= first]
    days = {day for t in sessions for day in days_between(max(t.start, first), min(t.end, last))}
    evidence = {
        "sessions": len(sessions),
        "training_days": len(days),
        "sessions_min": sessions_min,
        "days_min": days_min,
        "dates": iso(days),
        "titles": [t.title for t in sorted(sessions, key=lambda t: t.start)],
    }
    met = at_least(len(sessions), sessions_min) and at_least(len(days), days_min)
    summary = f"{year}年参加培训{len(sessions)}次、累计{len(days)}天"
    rule = f"每年至少轮训{sessions_min}次、累计不少于{days_min}天"
    if met:
        return Check(
            "training",
            "第十八条",
            subject,
            str(year),
            True,
            evidence,
            f"{summary},达到{rule}的要求",
        )
    if today > last:
        return Check(
            "training",
            "第十八条",
            subject,
            str(year),
            False,
            evidence,
            f"{summary},未达到{rule}的要求",
            VIOLATION,
        )
    days_left = inclusive_days(max(today, first), last)
    needed = max(0, days_min - len(days))
    margin = params.training_warning_margin_days
    evidence.update(days_left_in_year=days_left, days_still_needed=needed, margin_days=margin)
    if days_left < needed + margin:
        return Check(
            "training",
            "第十八条",
            subject,
            str(year),
            False,
            evidence,
            f"{summary};本年仅剩{days_left}天,尚需培训{needed}天,请尽快安排({rule})",
            WARNING,
        )
    return Check(
        "training", "第十八条", subject, str(year), None, evidence, f"{summary};年度尚未结束,{rule}"
    )
