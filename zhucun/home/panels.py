"""What each role sees first on its home page: its figures and what to do next."""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import Scope, scoped
from zhucun.households.models import Household
from zhucun.org.models import Cadre, Region, Unit
from zhucun.stationing.models import Assignment, Team


@dataclass
class Figure:
    label: str
    value: int | str
    url: str = ""


@dataclass
class Todo:
    text: str
    url: str = ""
    article: str = ""


@dataclass
class Panel:
    role: Role
    title: str
    figures: list[Figure] = field(default_factory=list)
    todos: list[Todo] = field(default_factory=list)


class PageReads:
    """Reads that several panels of one page need, done at most once (when first asked)."""

    def __init__(self, today):
        self.today = today
        self._teams = {}

    def teams(self, team_ids) -> list[Team]:
        """The teams (village and town read with them; default order), each with
        `in_post`, its assignments active today; the team and reports panels share it."""
        key = frozenset(team_ids)
        if key not in self._teams:
            in_post = Assignment.objects.filter(_active_on(self.today), team=OuterRef("pk"))
            self._teams[key] = list(
                Team.objects.filter(pk__in=key)
                .select_related("village__town")
                .annotate(in_post=_count(in_post))
            )
        return self._teams[key]

    @cached_property
    def books(self):
        from zhucun.stationing.calendar import every_book

        return every_book()

    @cached_property
    def overdue_rule(self):
        from zhucun.approvals.selectors import overdue_rule

        return overdue_rule(self.today, books=self.books)


def _active_on(today):
    return Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))


def _count(queryset, field: str = "pk", *, distinct: bool = False) -> Subquery:
    """COUNT over `queryset` as a scalar subquery, so several figures come in one query."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = Func(F(field), template=template, output_field=IntegerField())
    return Subquery(queryset.order_by().values(n=counted))


def _region_panel(user, role: Role, scope: Scope, today) -> Panel:
    ids = {Role.CITY: scope.city_ids, Role.COUNTY: scope.county_ids, Role.TOWN: scope.town_ids}[
        role
    ]
    teams = scoped(user, Team.objects.filter(withdrawn_on__isnull=True))
    in_post = scoped(user, Assignment.objects.filter(_active_on(today)))
    households = scoped(user, Household.objects.all())
    # The regions' names and the three figures in one query: each row carries the same counts.
    rows = list(
        Region.objects.filter(pk__in=ids)
        .order_by("code")
        .annotate(
            team_count=_count(teams),
            in_post_count=_count(in_post, "cadre", distinct=True),
            household_count=_count(households),
        )
        .values_list("name", "team_count", "in_post_count", "household_count")
    )
    names = "、".join(name for name, *_ in rows)
    team_count, in_post_count, household_count = rows[0][1:] if rows else (0, 0, 0)
    active_team = Team.objects.filter(village=OuterRef("pk"), withdrawn_on__isnull=True)
    uncovered = scoped(user, Region.objects.filter(level="village", is_poor=True)).exclude(
        Exists(active_team)
    )
    panel = Panel(role, f"{Role(role).label} · {names}")
    panel.figures = [
        Figure("在驻工作队", team_count, reverse("stationing:team_list")),
        Figure("在岗驻村干部", in_post_count, reverse("org:cadre_list")),
        Figure("建档立卡贫困户", household_count, reverse("households:household_list")),
    ]
    for village in uncovered.select_related("town")[:20]:
        panel.todos.append(
            Todo(f"贫困村 {village.town.name}{village.name} 尚无在驻工作队", "", "第三条")
        )
    return panel


def _unit_panel(user, scope: Scope, today) -> Panel:
    names = "、".join(Unit.objects.filter(pk__in=scope.unit_ids).values_list("name", flat=True))
    panel = Panel(Role.UNIT, f"参扶单位 · {names}")
    stationed = Assignment.objects.filter(_active_on(today), cadre__unit_id__in=scope.unit_ids)
    panel.figures = [
        Figure(
            "本单位干部",
            Cadre.objects.filter(unit_id__in=scope.unit_ids).count(),
            reverse("org:cadre_list"),
        ),
        Figure("在驻干部", stationed.values("cadre").distinct().count()),
        Figure(
            "帮扶工作队",
            scoped(user, Team.objects.filter(withdrawn_on__isnull=True)).count(),
            reverse("stationing:team_list"),
        ),
    ]
    return panel


def _team_panel(user, role: Role, team_ids, reads: PageReads) -> Panel:
    teams = reads.teams(team_ids)
    title = "、".join(f"{t.village.town.name}{t.village.name}" for t in teams)
    panel = Panel(role, f"{Role(role).label} · {title}")
    panel.figures = [Figure("在岗队员", sum(t.in_post for t in teams))]
    panel.todos = [
        Todo(f"查看{t.name}", reverse("stationing:team_detail", args=[t.pk])) for t in teams
    ]
    return panel


def _household_cadre_panel(user, scope: Scope) -> Panel:
    panel = Panel(Role.HOUSEHOLD_CADRE, "联户干部")
    paired = Household.objects.filter(pairings__cadre_id=scope.cadre_id, pairings__end__isnull=True)
    panel.figures = [Figure("结对贫困户", paired.count(), reverse("households:household_list"))]
    return panel


def _admin_panel(role: Role) -> Panel:
    panel = Panel(role, Role(role).label)
    panel.todos.append(Todo("进入后台管理", reverse("admin:index")))
    return panel


def panels_for(user, scope: Scope) -> list[Panel]:
    today = timezone.localdate()
    reads = PageReads(today)
    panels = []
    for role in (Role.CITY, Role.COUNTY, Role.TOWN):
        if role in scope.roles:
            panels.append(_region_panel(user, role, scope, today))
    if Role.UNIT in scope.roles:
        panels.append(_unit_panel(user, scope, today))
    if scope.led_team_ids:
        panels.append(_team_panel(user, Role.TEAM_LEADER, scope.led_team_ids, reads))
    if scope.member_team_ids:
        panels.append(_team_panel(user, Role.MEMBER, scope.member_team_ids, reads))
    if scope.is_household_cadre:
        panels.append(_household_cadre_panel(user, scope))
    for role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN):
        if role in scope.roles:
            panels.append(_admin_panel(role))
    panels.extend(extra_panels(user, scope, today, reads=reads))
    return panels


def extra_panels(user, scope: Scope, today, *, reads: PageReads | None = None) -> list[Panel]:
    """Panels of later features, after the role panels (approvals, stationing)."""
    from zhucun.allowances.panels import cover_panel
    from zhucun.approvals.panels import approvals_panel, escalation_panel
    from zhucun.reports.panels import reports_panel
    from zhucun.training.panels import training_panels

    reads = reads or PageReads(today)
    found = [approvals_panel(user, scope, today, reads=reads)]
    found.append(cover_panel(user, scope, today))
    found.append(reports_panel(user, scope, today, reads=reads))
    found.extend(training_panels(user, scope, today, reads=reads))
    found.append(escalation_panel(user, scope, today, reads=reads))
    return [p for p in found if p is not None]
