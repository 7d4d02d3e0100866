"""A report's draft, pre-filled from what is already recorded (DESIGN.md §6: 最多报一次).

Nothing here is typed by the team: the days come from the one cadre-day
calendar (zhucun.stationing.calendar), the logs and their timeliness from
zhucun.worklogs, the contacts and their compliance (第二十条) from
zhucun.households. The leader confirms or amends the three text fields.

A fixed number of queries whatever the period's length or the team's size:
the assignments, the calendar's own, the logs, the log deadlines, the
contacts and the compliance computation.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from zhucun.households.compliance import contact_compliance
from zhucun.households.models import Contact, ContactKind, Household
from zhucun.policy.calendar import STATIONED_STATUSES, DayStatus
from zhucun.policy.worklogs import LATE, MISSING
from zhucun.reports.periods import Period, ReportKind
from zhucun.rulebook.book import book_for
from zhucun.stationing.calendar import statuses_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment
from zhucun.worklogs.models import WorkLog
from zhucun.worklogs.tasks import Task
from zhucun.worklogs.timeliness import log_timeliness

LOG_EXCERPTS = 30  # the latest logs quoted in "work done"; the rest are counted by task
EXCERPT_CHARS = 80
PROBLEM_EXCERPTS = 20


@dataclass
class Draft:
    period: Period
    facts: dict
    work_done: str
    problems: str
    next_plan: str
    findings: list[dict] = field(default_factory=list)


def _assignments(team, period: Period):
    return list(
        Assignment.objects.filter(team=team, start__lte=period.end)
        .filter(Q(end__isnull=True) | Q(end__gte=period.start))
        .exclude(role__in=NON_COUNTED_ROLES)
        .select_related("cadre")
        .order_by("start", "pk")
    )


def _member_days(assignments, period: Period, today: date) -> dict[int, Counter]:
    """Status counts per cadre over the days of their assignment to this team in the period."""
    cadre_ids = {a.cadre_id for a in assignments}
    statuses = statuses_for(cadre_ids, period.start, period.end, today=today)
    counts: dict[int, Counter] = defaultdict(Counter)
    for a in assignments:
        lo, hi = max(a.start, period.start), min(a.end or period.end, period.end)
        for day, status in statuses.get(a.cadre_id, {}).items():
            if lo <= day <= hi:
                counts[a.cadre_id][status] += 1
    return counts


def draft_for(user, team, period: Period, *, today: date) -> Draft:
    """The recorded facts of `team` over `period`, and the text they suggest."""
    assignments = _assignments(team, period)
    cadre_ids = sorted({a.cadre_id for a in assignments})
    days = _member_days(assignments, period, today)
    last_judged = min(period.end, today)
    timeliness = (
        log_timeliness(cadre_ids, period.start, last_judged, today=today)
        if cadre_ids and last_judged >= period.start
        else {}
    )
    logs = list(
        WorkLog.objects.filter(cadre_id__in=cadre_ids, day__range=(period.start, period.end))
        .order_by("-day", "cadre_id")
        .values_list("cadre_id", "day", "tasks", "content")
    )
    names = {a.cadre_id: a.cadre.name for a in assignments}
    roles = {a.cadre_id: a.get_role_display() for a in assignments}
    logs_by_cadre = Counter(cadre_id for cadre_id, *_ in logs)

    minimum = None
    if period.kind == ReportKind.MONTHLY:
        minimum = book_for(team.village.county).on(period.end).monthly_stationed_days_min

    findings: list[dict] = []
    members = []
    for cadre_id in cadre_ids:
        count = days.get(cadre_id, Counter())
        stationed = sum(count[s] for s in STATIONED_STATUSES)
        marks = Counter(timeliness.get(cadre_id, {}).values())
        members.append(
            {
                "cadre_id": cadre_id,
                "name": names[cadre_id],
                "role": roles[cadre_id],
                "stationed": stationed,
                "official": count[DayStatus.OFFICIAL],
                "leave": count[DayStatus.LEAVE],
                "absent": count[DayStatus.ABSENT],
                "logs": logs_by_cadre[cadre_id],
                "logs_late": marks[LATE],
                "logs_missing": marks[MISSING],
            }
        )
        if count[DayStatus.ABSENT]:
            findings.append(
                {
                    "article": "第十六条",
                    "message": f"{names[cadre_id]}无故缺勤{count[DayStatus.ABSENT]}天",
                }
            )
        if minimum is not None and period.end < today and stationed < minimum:
            findings.append(
                {
                    "article": "第十六条",
                    "message": f"{names[cadre_id]}本月驻村{stationed}天,不足{minimum}天",
                }
            )
        if marks[LATE] or marks[MISSING]:
            findings.append(
                {
                    "article": "第十二条(四)、第十六条",
                    "message": f"{names[cadre_id]}迟报日志{marks[LATE]}篇、缺报{marks[MISSING]}篇",
                }
            )

    households = Household.objects.filter(village_id=team.village_id).values("pk")
    contacts = list(
        Contact.objects.filter(household_id__in=households, day__range=(period.start, period.end))
        .order_by("-day", "pk")
        .values_list("kind", "problems", "escalated")
    )
    kinds = Counter(kind for kind, _p, _e in contacts)
    compliance = contact_compliance(
        user,
        since=period.start,
        until=min(period.end, today),
        today=today,
        household_ids=households,
    )
    weeks_missed = sum(c.weeks_missed for c in compliance.by_cadre.values())
    months_missed = sum(c.months_missed for c in compliance.by_cadre.values())
    if weeks_missed or months_missed:
        findings.append(
            {
                "article": "第二十条",
                "message": f"联户干部每周询问缺{weeks_missed}周次、每月入户缺{months_missed}月次",
            }
        )

    facts = {
        "members": members,
        "stationed_total": sum(m["stationed"] for m in members),
        "logs_total": len(logs),
        "pairings": compliance.pairings,
        "contacts": len(contacts),
        "inquiries": kinds[ContactKind.INQUIRY],
        "visits": kinds[ContactKind.VISIT],
        "weeks_missed": weeks_missed,
        "months_missed": months_missed,
        "findings": findings,
    }
    return Draft(
        period=period,
        facts=facts,
        work_done=_work_done(facts, logs, names),
        problems=_problems(contacts, findings),
        next_plan=_next_plan(findings),
        findings=findings,
    )


def _work_done(facts, logs, names) -> str:
    lines = [
        f"本期在岗驻村干部{len(facts['members'])}人,驻村(含因公出差、开会、培训)合计"
        f"{facts['stationed_total']}天;记录工作日志{facts['logs_total']}篇;"
        f"联系结对贫困户{facts['contacts']}次,其中入户帮扶{facts['visits']}次。"
    ]
    by_task = Counter(t for _c, _d, tasks, _t in logs for t in tasks)
    labels = dict(Task.choices)
    if by_task:
        lines.append("按工作任务(第十条):")
        lines += [f"{labels.get(t, t)}:{n}篇" for t, n in sorted(by_task.items())]
    if logs:
        lines.append("工作日志摘要:")
        for cadre_id, day, _tasks, content in logs[:LOG_EXCERPTS]:
            text = " ".join(content.split())
            if len(text) > EXCERPT_CHARS:
                text = text[:EXCERPT_CHARS] + "…"
            lines.append(f"{day:%m-%d} {names.get(cadre_id, '')}:{text}")
    return "\n".join(lines)


def _problems(contacts, findings) -> str:
    lines = [f"{f['message']}({f['article']})" for f in findings]
    raised = [
        " ".join((text or "").split())
        for _k, problems, escalated in contacts
        for text in (problems, escalated)
        if (text or "").strip()
    ]
    for text in list(dict.fromkeys(raised))[:PROBLEM_EXCERPTS]:
        lines.append(f"群众反映:{text}")
    return "\n".join(lines)


def _next_plan(findings) -> str:
    return "\n".join(f"整改:{f['message']}({f['article']})" for f in findings)
