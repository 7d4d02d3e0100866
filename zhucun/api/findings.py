"""The compliance findings of a period and region in the user's scope, for the API's list.

Nothing is judged here: each kind comes from the selector its pages use, set-based,
and only the checks that fired (violations, and early warnings) are kept.

- attendance: the cadre-day calendar's checks (zhucun.stationing.calendar.attendance_for):
  monthly stationed days (第十六条), the year's days and absence (第三十五条(三)(四));
- logs: late or missing work logs by month (zhucun.worklogs.timeliness, 第十二条(四));
- contacts: weekly inquiries and monthly home visits (zhucun.households.compliance, 第二十条);
- training: the year's trainings and training days (zhucun.training.selectors, 第十八条);
- unit_visits: the unit head's monthly visit (zhucun.care.visits, 第二十八条);
- teams: the team's make-up as of today (zhucun.stationing.team_checks), listed only
  when the period reaches today, since it is judged on today's roster.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q

from zhucun.accounts.scope import scoped
from zhucun.care.visits import visit_checks
from zhucun.dashboards.figures import article_number
from zhucun.households.compliance import contact_compliance
from zhucun.households.models import Household
from zhucun.policy.findings import Check
from zhucun.policy.worklogs import monthly_log_checks
from zhucun.stationing.calendar import attendance_for
from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, Team
from zhucun.stationing.team_checks import team_findings
from zhucun.training.selectors import training_checks
from zhucun.worklogs.timeliness import log_timeliness

KINDS = {
    "attendance": "驻村天数与离村(第十六条、第三十五条)",
    "logs": "工作日志(第十二条(四))",
    "contacts": "联户问询与入户帮扶(第二十条)",
    "training": "培训(第十八条)",
    "unit_visits": "派出单位主要负责人到村(第二十八条)",
    "teams": "工作队组成(以今日在岗人员判断)",
}


@dataclass(frozen=True)
class Found:
    kind: str
    check: Check
    cadre_id: int | None = None
    household_id: int | None = None
    team_id: int | None = None
    unit_id: int | None = None


def label_bounds(label: str) -> tuple[date, date] | None:
    """The days a check's period label covers: 2026, 2026-05, 2026-W18, 2026-05-01/2026-05-20."""
    try:
        if "/" in label:
            first, last = label.split("/", 1)
            return date.fromisoformat(first), date.fromisoformat(last)
        if "-W" in label:
            year, week = label.split("-W")
            monday = date.fromisocalendar(int(year), int(week), 1)
            return monday, date.fromisocalendar(int(year), int(week), 7)
        if len(label) == 7:
            first = date(int(label[:4]), int(label[5:7]), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, date.fromordinal(following.toordinal() - 1)
        if len(label) == 4:
            return date(int(label), 1, 1), date(int(label), 12, 31)
    except ValueError:
        return None
    return None


def _within(check: Check, start: date, end: date) -> bool:
    bounds = label_bounds(check.period)
    return bounds is None or (bounds[0] <= end and bounds[1] >= start)


def _stationed(user, start: date, end: date, in_region: Q):
    """(cadre id → team id, cadre id → name, team id → name) for cadres stationed in the period."""
    rows = (
        scoped(user, Assignment.objects.filter(start__lte=end))
        .filter(Q(end__isnull=True) | Q(end__gte=start), in_region)
        .exclude(role__in=NON_COUNTED_ROLES)
        .order_by("cadre_id", "start", "pk")
        .values_list("cadre_id", "team_id", "cadre__name", "team__name")
    )
    team_of, names, teams = {}, {}, {}
    for cadre_id, team_id, cadre_name, team_name in rows:
        team_of[cadre_id] = team_id  # the latest assignment of the period
        names[cadre_id] = cadre_name
        teams[team_id] = team_name
    return team_of, names, teams


def findings(
    user, *, start: date, end: date, today: date, region_q, kinds=frozenset(KINDS)
) -> list[Found]:
    """Every fired check of `kinds` whose period meets [start, end] (one calendar year).

    `region_q(path)` narrows by region through a Region foreign key path.
    """
    out: list[Found] = []
    year = start.year
    judged_end = min(end, today)
    if judged_end < start:
        return out
    team_of, names, _teams = _stationed(user, start, end, region_q("team__village"))
    ids = sorted(team_of)

    if "attendance" in kinds and ids:
        for cadre_id, result in attendance_for(ids, year, today=today, subjects=names).items():
            out += [
                Found("attendance", c, cadre_id=cadre_id, team_id=team_of[cadre_id])
                for c in result.checks
                if c.fired and _within(c, start, end)
            ]

    if "logs" in kinds and ids:
        for cadre_id, statuses in log_timeliness(ids, start, judged_end, today=today).items():
            out += [
                Found("logs", c, cadre_id=cadre_id, team_id=team_of.get(cadre_id))
                for c in monthly_log_checks(statuses, subject=names.get(cadre_id, ""))
                if c.fired
            ]

    if "training" in kinds and ids:
        wanted = set(ids)
        out += [
            Found("training", t.check, cadre_id=t.cadre.pk, team_id=team_of.get(t.cadre.pk))
            for t in training_checks(user, year, today=today)
            if t.cadre.pk in wanted and t.check.fired
        ]

    if "contacts" in kinds:
        in_region = Household.objects.filter(region_q("village")).values("pk")
        compliance = contact_compliance(
            user, since=start, until=judged_end, today=today, household_ids=in_region
        )
        household_of = [int(c.subject.split(":")[1]) for c in compliance.checks]
        heads = dict(
            Household.objects.filter(pk__in=set(household_of)).values_list("pk", "head_name")
        )
        for check, household_id in zip(compliance.checks, household_of, strict=True):
            # The rule names a household by id; a person reads it by the head's name.
            named = replace(check, subject=f"{heads.get(household_id, '')}户")
            out.append(Found("contacts", named, household_id=household_id))

    teams = scoped(user, Team.objects.all()).filter(region_q("village"))
    if "unit_visits" in kinds:
        out += [
            Found("unit_visits", v.check, team_id=v.team.pk, unit_id=v.unit.pk)
            for v in visit_checks(teams, year, today=today)
            if v.check.fired and _within(v.check, start, end)
        ]

    if "teams" in kinds and start <= today <= end:
        active = teams.filter(formed_on__lte=today).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=today)
        )
        for report in team_findings(active, today=today):
            out += [Found("teams", c, team_id=report.team.pk) for c in report.findings]

    out.sort(key=lambda f: (article_number(f.check.article), f.check.period, f.check.subject))
    return out
