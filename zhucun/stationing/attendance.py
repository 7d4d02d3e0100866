"""What the month pages show: the calendar grid and the attendance findings with their evidence.

Everything is read from zhucun.stationing.calendar (the one source of truth)
and judged by zhucun.policy.calendar; this module only arranges it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from zhucun.policy.calendar import (
    STATIONED_STATUSES,
    AttendanceResult,
    DayStatus,
    Spell,
    absence_spells,
)
from zhucun.policy.findings import Check
from zhucun.policy.periods import month_label, year_bounds
from zhucun.stationing.calendar import attendance_for

LABELS = {
    DayStatus.STATIONED: ("在村", "驻"),
    DayStatus.OFFICIAL: ("因公外出", "公"),
    DayStatus.LEAVE: ("请假", "假"),
    DayStatus.REST: ("休息", "休"),
    DayStatus.ABSENT: ("无故缺勤", "缺"),
    DayStatus.UNKNOWN: ("尚未发生", "·"),
}
LEGEND = [(s.value, LABELS[s][0], LABELS[s][1]) for s in DayStatus]
WEEKDAYS = "一二三四五六日"


# Evidence keys of zhucun.policy.calendar checks, in Chinese, in the order shown.
EVIDENCE_LABELS = {
    "stationed_days": "驻村天数",
    "required_days": "要求天数",
    "assignment_days": "任职天数",
    "start": "开始",
    "end": "结束",
    "length_days": "连续天数",
    "limit_days": "限度(超过即违反)",
    "count": "累计天数",
    "unjustified_days": "无正当理由缺勤日",
    "by_month": "各月驻村天数",
}
DAY_GROUP_LABELS = {
    "absent_days": "无故缺勤日",
    "leave_days": "请假日",
    "official_days": "因公外出日",
}


def _dates(values) -> str:
    return "、".join(f"{int(v[5:7])}月{int(v[8:10])}日" for v in values) or "无"


def evidence_lines(check: Check) -> list[tuple[str, str]]:
    """The check's evidence as (label, text) lines a person can read: dates as 月日, counts."""
    evidence = check.evidence
    lines = []
    for key, label in EVIDENCE_LABELS.items():
        if key not in evidence or evidence[key] is None:
            continue
        value = evidence[key]
        if key == "unjustified_days":
            lines.append((label, _dates(value)))
        elif key == "by_month":
            lines.append((label, "、".join(f"{int(m[5:])}月{n}天" for m, n in value.items())))
        else:
            lines.append((label, str(value)))
    for status, label in DAY_GROUP_LABELS.items():
        days = evidence.get("days", {}).get(status)
        if days:
            lines.append((label, _dates(days)))
    spell = evidence.get("longest_spell")
    if spell:
        lines.append(("最长连续离村", f"{spell['start']}至{spell['end']},{spell['length_days']}天"))
    return lines


@dataclass
class Shown:
    check: Check
    lines: list[tuple[str, str]]


@dataclass
class Cell:
    day: date | None
    status: str = ""  # a DayStatus value, or "" outside the assignment
    label: str = ""
    short: str = ""


@dataclass
class CadreMonth:
    cadre: object
    first: date
    last: date
    weeks: list[list[Cell]]
    days: list[Cell]
    month_check: Check | None
    month_stationed: int
    month_absent: int
    year_stationed: int
    unjustified_total: int
    longest_spell: Spell | None
    checks: list[Shown] = field(default_factory=list)  # every check shown, fired first

    @property
    def findings(self) -> list[Check]:
        return [s.check for s in self.checks if s.check.fired]


def _cell(day: date, statuses) -> Cell:
    status = statuses.get(day)
    if status is None:
        return Cell(day)
    label, short = LABELS[status]
    return Cell(day, status.value, label, short)


def _longest_spell(statuses, year: int) -> Spell | None:
    """The longest run away from the village holding an unjustified day of the year (第三十五条(四))."""
    first, last = year_bounds(year)
    spells = [s for s in absence_spells(statuses) if any(first <= d <= last for d in s.unjustified)]
    # The first of equally long spells, as the policy's own evidence names it.
    return max(spells, key=lambda s: (s.length, -s.start.toordinal()), default=None)


def _month_of(cadre, result: AttendanceResult, first: date, last: date) -> CadreMonth:
    statuses = result.statuses
    days = []
    day = first
    while day <= last:
        days.append(_cell(day, statuses))
        day += timedelta(days=1)
    lead = [Cell(None)] * first.weekday()
    padded = lead + days + [Cell(None)] * (-(len(lead) + len(days)) % 7)
    weeks = [padded[i : i + 7] for i in range(0, len(padded), 7)]
    label = month_label(first)
    month_check = next(
        (c for c in result.checks if c.rule == "monthly_stationed_days" and c.period == label),
        None,
    )
    year_first, year_last = year_bounds(first.year)
    in_year = [s for d, s in statuses.items() if year_first <= d <= year_last]
    shown = [c for c in result.checks if c.rule != "monthly_stationed_days" or c.period == label]
    shown.sort(key=lambda c: (not c.fired, c.article))
    return CadreMonth(
        cadre=cadre,
        first=first,
        last=last,
        weeks=weeks,
        days=days,
        month_check=month_check,
        month_stationed=sum(1 for c in days if c.status in STATIONED_STATUSES),
        month_absent=sum(1 for c in days if c.status == DayStatus.ABSENT),
        year_stationed=sum(1 for s in in_year if s in STATIONED_STATUSES),
        unjustified_total=sum(1 for s in in_year if s is DayStatus.ABSENT),
        longest_spell=_longest_spell(statuses, first.year),
        checks=[Shown(c, evidence_lines(c)) for c in shown],
    )


def cadre_months(cadres, first: date, last: date, *, today: date) -> list[CadreMonth]:
    """The month of each cadre with the year's findings; a bounded number of queries."""
    cadres = list(cadres)
    results = attendance_for(
        [c.pk for c in cadres],
        first.year,
        today=today,
        subjects={c.pk: c.name for c in cadres},
    )
    return [_month_of(c, results[c.pk], first, last) for c in cadres]
