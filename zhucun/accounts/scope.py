"""Data scope: what a user may see, for every model (DESIGN.md §1).

This is the one place that turns a user's positions into query filters.
Views, admin, exports and the API call `scoped(user, queryset)` or
`get_scoped_or_404(user, Model, pk)`; nothing filters by hand.

A user's scope is the union of what each of their positions grants:

- city / county / town office: everything under that region;
- dispatching unit: its own cadres and what they are part of;
- team leader: the team, its members and its village's households;
- member: the team's basic record and their own records;
- household cadre: the households paired with them.

The three administrators (三员分立) hold no business data.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhucun.accounts.roles import REGION_ROLES, Role


@dataclass(frozen=True)
class Scope:
    everything: bool = False  # a superuser on a development machine only
    roles: frozenset[Role] = frozenset()
    city_ids: frozenset[int] = frozenset()
    county_ids: frozenset[int] = frozenset()
    town_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    led_team_ids: frozenset[int] = frozenset()
    member_team_ids: frozenset[int] = frozenset()
    cadre_id: int | None = None
    is_household_cadre: bool = False

    @property
    def region_ids(self) -> dict[str, frozenset[int]]:
        return {"city": self.city_ids, "county": self.county_ids, "town": self.town_ids}


@dataclass(frozen=True)
class Paths:
    """How a model reaches each kind of scope node ('' means the row itself).

    Each entry is a tuple of lookups; a row is visible if any lookup
    reaches a node of the user's scope.
    """

    region: tuple[str, ...] = ()  # a Region (its city/county/town columns are used)
    unit: tuple[str, ...] = ()  # a Unit id
    team: tuple[str, ...] = ()  # a Team id, for team leaders
    member_team: tuple[str, ...] = ()  # a Team id, for plain members
    cadre: tuple[str, ...] = ()  # the user's own Cadre id
    paired: tuple[str, ...] = ()  # a Pairing whose cadre is the user, still active


# Every model with business data, and how it reaches each scope node.
PATHS: dict[str, Paths] = {
    "org.Region": Paths(
        region=("",),
        unit=("teams__units",),
        team=("teams",),
        member_team=("teams",),
        paired=("households__pairings",),
    ),
    "org.Unit": Paths(
        region=("region", "teams__village"),
        unit=("",),
        team=("teams",),
        member_team=("teams",),
        cadre=("cadres",),
    ),
    "org.Cadre": Paths(
        region=("assignments__team__village", "pairings__household__village", "unit__region"),
        unit=("unit",),
        team=("assignments__team",),
        member_team=("assignments__team",),
        cadre=("",),
    ),
    "stationing.Team": Paths(
        region=("village",),
        unit=("units", "lead_unit"),
        team=("",),
        member_team=("",),
        cadre=("assignments__cadre",),
    ),
    "stationing.Assignment": Paths(
        region=("team__village",),
        unit=("cadre__unit", "team__units"),
        team=("team",),
        member_team=("team",),
        cadre=("cadre",),
    ),
    "households.Household": Paths(
        region=("village",),
        unit=("pairings__cadre__unit",),
        team=("village__teams",),
        paired=("pairings",),
    ),
    "households.Pairing": Paths(
        region=("household__village",),
        unit=("cadre__unit",),
        team=("household__village__teams",),
        cadre=("cadre",),
    ),
}


def register(label: str, paths: Paths) -> None:
    """Later apps add their models here, from their AppConfig.ready()."""
    PATHS[label] = paths


def paths_for(model: type[Model]) -> Paths:
    try:
        return PATHS[model._meta.label]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no data scope registered") from None


def _join(prefix: str, lookup: str) -> str:
    return f"{prefix}__{lookup}" if prefix else lookup


def scope_for(user, today: date | None = None) -> Scope:
    """Build (once per request: it is cached on the user object) the user's scope."""
    cached = getattr(user, "_zhucun_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        user._zhucun_scope = Scope(everything=True)
        return user._zhucun_scope
    from zhucun.households.models import Pairing
    from zhucun.stationing.models import LEADER_ROLES, Assignment

    today = today or timezone.localdate()
    roles: set[Role] = set()
    ids: dict[str, set[int]] = {"city": set(), "county": set(), "town": set(), "unit": set()}
    for role, region_id, unit_id in user.positions.filter(active=True).values_list(
        "role", "region_id", "unit_id"
    ):
        role = Role(role)
        roles.add(role)
        if role in REGION_ROLES:
            ids[REGION_ROLES[role]].add(region_id)
        elif role == Role.UNIT:
            ids["unit"].add(unit_id)

    cadre_id = None
    led, member_of = set(), set()
    paired = False
    cadre = getattr(user, "cadre", None)
    if cadre is not None:
        cadre_id = cadre.pk
        active = Assignment.objects.filter(cadre_id=cadre_id, start__lte=today).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        for team_id, role in active.values_list("team_id", "role"):
            if role in LEADER_ROLES:
                led.add(team_id)
                roles.add(Role.TEAM_LEADER)
            else:
                member_of.add(team_id)
                roles.add(Role.MEMBER)
        paired = Pairing.objects.filter(cadre_id=cadre_id, end__isnull=True).exists()
        if paired:
            roles.add(Role.HOUSEHOLD_CADRE)

    scope = Scope(
        roles=frozenset(roles),
        city_ids=frozenset(ids["city"]),
        county_ids=frozenset(ids["county"]),
        town_ids=frozenset(ids["town"]),
        unit_ids=frozenset(ids["unit"]),
        led_team_ids=frozenset(led),
        member_team_ids=frozenset(member_of - led),
        cadre_id=cadre_id,
        is_household_cadre=paired,
    )
    user._zhucun_scope = scope
    return scope


def scope_q(scope: Scope, paths: Paths) -> Q:
    """The filter selecting what `scope` may see through `paths`; empty Q() never matches."""
    q = Q(pk__in=[])
    for level, region_ids in scope.region_ids.items():
        if region_ids:
            for path in paths.region:
                q |= Q(**{_join(path, f"{level}_id__in"): region_ids})
    for ids, lookups in (
        (scope.unit_ids, paths.unit),
        (scope.led_team_ids, paths.team),
        (scope.led_team_ids | scope.member_team_ids, paths.member_team),
    ):
        if ids:
            for path in lookups:
                q |= Q(**{_join(path, "pk__in"): ids})
    if scope.cadre_id is not None:
        for path in paths.cadre:
            q |= Q(**{_join(path, "pk"): scope.cadre_id})
        if scope.is_household_cadre:
            for path in paths.paired:
                q |= Q(
                    **{_join(path, "cadre_id"): scope.cadre_id, _join(path, "end__isnull"): True}
                )
    return q


def scoped(user, queryset: QuerySet) -> QuerySet:
    """`queryset` narrowed to what `user` may see.

    Lookups across many-valued relations would repeat rows, so the filter
    runs as a semi-join on the primary key.
    """
    model = queryset.model
    paths = paths_for(model)
    scope = scope_for(user)
    if scope.everything:
        return queryset
    inner = model._default_manager.filter(scope_q(scope, paths)).values("pk")
    return queryset.filter(pk__in=inner)


def get_scoped_or_404(user, model: type[Model], pk) -> Model:
    """The row, if the user may see it; 404 otherwise (never 403: no existence leak)."""
    try:
        return scoped(user, model._default_manager.all()).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_registered(model: type[Model]) -> bool:
    return model._meta.label in PATHS
