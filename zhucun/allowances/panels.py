"""The unit's home-page reminders: yearly insurance and exam due (第二十七条)."""

from django.urls import reverse

from zhucun.allowances.cover import cover_due


def cover_panel(user, scope, today):
    from zhucun.accounts.roles import Role
    from zhucun.home.panels import Figure, Panel, Todo

    if not scope.unit_ids:
        return None
    due = cover_due(sorted(scope.unit_ids), today)
    unit_id = min(scope.unit_ids)
    panel = Panel(Role.UNIT, "驻村干部待遇保障")
    panel.figures = [
        Figure("待办保险体检", len(due), reverse("allowances:cover", args=[unit_id])),
        Figure(
            "本月补助表",
            f"{today.month}月",
            reverse("allowances:sheet", args=[unit_id, today.year, today.month]),
        ),
    ]
    panel.todos = [
        Todo(
            f"{d.cadre.name}:{d.reason}",
            reverse("allowances:cover", args=[d.cadre.unit_id]),
            "第二十七条",
        )
        for d in due[:10]
    ]
    return panel
