"""The approver's home-page panel: how many steps wait for them."""

from django.urls import reverse

from zhucun.approvals.authorities import authorities_for
from zhucun.approvals.selectors import pending_steps


def approvals_panel(user, scope, today):
    from zhucun.home.panels import Figure, Panel, Todo

    authorities = authorities_for(user, today)
    if not authorities:
        return None
    count = pending_steps(user).count()
    steps = list(pending_steps(user)[:5]) if count else []
    role = next(iter(sorted(scope.roles)), "")
    panel = Panel(role, "审批")
    panel.figures = [Figure("待我审批", count, reverse("approvals:pending"))]
    panel.todos = [
        Todo(
            f"{s.request.title}({s.get_approver_kind_display()}{s.get_action_display()})",
            reverse("approvals:detail", args=[s.request_id]),
            s.request.article,
        )
        for s in steps
    ]
    if any(principal is not None for principal in authorities.values()):
        panel.todos.append(Todo("您正在代理他人审批", reverse("approvals:delegations")))
    return panel
