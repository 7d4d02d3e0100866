"""The team leader's home todo: the team reports still to confirm (第十一、十五、十九条)."""

from django.urls import reverse

from zhucun.accounts.roles import Role
from zhucun.home.panels import Panel, Todo
from zhucun.reports.selectors import pending_reports
from zhucun.stationing.models import Team


def reports_panel(user, scope, today, *, reads=None) -> Panel | None:
    """`reads`: the home page's PageReads, whose led teams the team panel has read."""
    if not scope.led_team_ids:
        return None
    if reads is not None:
        teams = sorted(reads.teams(scope.led_team_ids), key=lambda team: team.pk)
    else:
        teams = list(Team.objects.filter(pk__in=scope.led_team_ids).order_by("pk"))
    pending = pending_reports(teams, today=today)
    panel = Panel(Role.TEAM_LEADER, "工作队报告")
    for team in teams:
        due, late = pending[team.pk]
        if due or late:
            text = f"{team.name}:{due}份报告待确认提交"
            if late:
                text += f",{late}份已逾期"
            panel.todos.append(
                Todo(text, reverse("reports:team_reports", args=[team.pk]), "第十五条、第十九条")
            )
    return panel if panel.todos else None
