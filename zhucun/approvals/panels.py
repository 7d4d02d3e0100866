"""Home-page panels of the approval engine: what waits for the approver, and what is overdue
one level below an office (DESIGN.md §6: overdue steps remind and escalate)."""

from django.db.models import Case, Count, Sum, When, Window
from django.urls import reverse

from zhucun.approvals.authorities import authorities_for
from zhucun.approvals.selectors import (
    days_pending,
    escalated_steps,
    overdue_rule,
    pending_steps,
    timed,
)


def overdue_note(step, rule) -> str:
    """The evidence of one overdue step: since when, how long, and the deadline it broke."""
    limit = rule.days_for(step.step_county)
    return (
        f"自{step.pending_since:%Y-%m-%d}起待审批{days_pending(step, rule.today)}天,"
        f"超过审批时限{limit}天"
    )


def approvals_panel(user, scope, today, *, reads=None):
    from zhucun.home.panels import Figure, Panel, Todo

    authorities = authorities_for(user, today)
    if not authorities:
        return None
    rule = reads.overdue_rule if reads is not None else overdue_rule(today)
    # The first five steps and both figures (all pending, of them overdue) in one query:
    # the counts are window aggregates over every pending step, carried on each row.
    steps = list(
        timed(pending_steps(user)).annotate(
            pending_count=Window(Count("pk")),
            overdue_count=Window(Sum(Case(When(rule.q(), then=1), default=0))),
        )[:5]
    )
    count = steps[0].pending_count if steps else 0
    overdue = steps[0].overdue_count if steps else 0
    role = next(iter(sorted(scope.roles)), "")
    panel = Panel(role, "审批")
    panel.figures = [Figure("待我审批", count, reverse("approvals:pending"))]
    if overdue:
        panel.figures.append(Figure("其中逾期", overdue, reverse("approvals:overdue")))
    panel.todos = []
    for s in steps:
        text = f"{s.request.title}({s.get_approver_kind_display()}{s.get_action_display()})"
        if days_pending(s, today) > rule.days_for(s.step_county):
            text = f"【逾期】{text}:{overdue_note(s, rule)}"
        panel.todos.append(
            Todo(text, reverse("approvals:detail", args=[s.request_id]), s.request.article)
        )
    if any(principal is not None for principal in authorities.values()):
        panel.todos.append(Todo("您正在代理他人审批", reverse("approvals:delegations")))
    return panel


def escalation_panel(user, scope, today, *, reads=None):
    """逾期督办: an office sees the overdue steps of the level below it, in its scope."""
    from zhucun.home.panels import Figure, Panel, Todo

    if not (scope.town_ids or scope.county_ids or scope.city_ids):
        return None
    rule = reads.overdue_rule if reads is not None else overdue_rule(today)
    steps = escalated_steps(user, rule)
    count = steps.count()
    if not count:
        return None
    role = next(iter(sorted(scope.roles)), "")
    panel = Panel(role, "逾期审批督办")
    panel.figures = [Figure("下级逾期未审批", count, reverse("approvals:overdue"))]
    panel.todos = [
        Todo(
            f"{s.request.title}:待{s.get_approver_kind_display()}({s.body}){s.get_action_display()},"
            f"{overdue_note(s, rule)}",
            reverse("approvals:detail", args=[s.request_id]),
            s.request.article,
        )
        for s in steps[:5]
    ]
    return panel
