"""Home-page reminders of 第十八条 (and the cadre's own yearly cover, 第二十七条).

A stationed cadre sees their own year: trainings and training days so far,
and the early warning when the days left make the minimum hard to reach.
County and town offices see how many cadres in their scope fall short, with
a link to the list. Each panel costs a fixed number of queries.
"""

from django.urls import reverse

from zhucun.allowances.cover import cover_due
from zhucun.org.models import Cadre
from zhucun.training.selectors import training_checks, training_summary

ARTICLE = "第十八条"


def _checks_url(year, *, shortfall=False):
    url = f"{reverse('training:checks')}?year={year}"
    return url + "&only=shortfall" if shortfall else url


def cadre_training_panel(user, scope, today, *, reads=None):
    from zhucun.accounts.roles import Role
    from zhucun.home.panels import Figure, Panel, Todo

    if not (scope.led_team_ids or scope.member_team_ids) or scope.cadre_id is None:
        return None
    role = Role.TEAM_LEADER if scope.led_team_ids else Role.MEMBER
    rows = training_checks(
        user, today.year, today=today, cadre_ids=[scope.cadre_id], books=_books(reads)
    )
    panel = Panel(role, "我的培训与保障")
    if rows:
        check = rows[0].check
        panel.figures = [
            Figure(f"{today.year}年培训次数", check.evidence["sessions"]),
            Figure(f"{today.year}年培训天数", check.evidence["training_days"]),
        ]
        if check.fired:
            prefix = "培训预警:" if check.severity == "warning" else "培训未达标:"
            panel.todos.append(
                Todo(prefix + check.message, reverse("training:event_list"), ARTICLE)
            )
    own = Cadre.objects.filter(pk=scope.cadre_id)
    unit_ids = own.values_list("unit_id", flat=True)
    for due in cover_due(unit_ids, today, cadres=own):
        panel.todos.append(Todo(f"{due.reason}(请联系本单位办理)", "", "第二十七条"))
    return panel


def office_training_panel(user, scope, today, *, reads=None):
    from zhucun.accounts.roles import Role
    from zhucun.home.panels import Figure, Panel, Todo

    roles = [r for r in (Role.COUNTY, Role.TOWN) if r in scope.roles]
    if not roles:
        return None
    # The counts and the first fired check only: no Cadre, Unit and Check per cadre.
    summary = training_summary(user, today.year, today=today, books=_books(reads))
    warned, short, fired = summary.warned, summary.short, summary.first_fired
    panel = Panel(roles[0], f"{today.year}年驻村干部培训")
    panel.figures = [
        Figure("本年应参训驻村干部", summary.cadres, _checks_url(today.year)),
        Figure("培训未达标/预警", warned + short, _checks_url(today.year, shortfall=True)),
    ]
    if warned:
        rule = f"每年至少轮训{fired['sessions_min']}次、累计不少于{fired['days_min']}天"
        panel.todos.append(
            Todo(
                f"{warned}名驻村干部按本年剩余时间已难以达到{rule},请尽快安排培训",
                _checks_url(today.year, shortfall=True),
                ARTICLE,
            )
        )
    if short:
        panel.todos.append(
            Todo(
                f"{short}名驻村干部培训未达标",
                _checks_url(today.year, shortfall=True),
                ARTICLE,
            )
        )
    return panel


def _books(reads):
    """The parameter books the page has read (PageReads of the home page), or None."""
    return reads.books if reads is not None else None


def training_panels(user, scope, today, *, reads=None):
    return [
        cadre_training_panel(user, scope, today, reads=reads),
        office_training_panel(user, scope, today, reads=reads),
    ]
