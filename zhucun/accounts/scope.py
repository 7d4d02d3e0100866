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
from functools import cache

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from zhucun import fixed_sql
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
    # The day the cadre's assignments were read for: led_team_ids and
    # member_team_ids are the assignments covering that day.
    day: date | None = None
    # Of the assignments covering `day`, the one begun last: the one a check-in of
    # that day is recorded under (stationing/services.py check_in).
    assignment_id: int | None = None

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


# The kinds of row the scope query returns (first column).
_POSITION, _CADRE, _ASSIGNMENT, _PAIRED = 0, 1, 2, 3


@cache
def _scope_sql(user: str = "%s", before: str = "") -> str:
    """One statement for the three reads a scope needs: the user's active positions,
    their cadre's assignments on the day (with their ids and starts: the one begun last is
    a check-in's), and whether the cadre holds an active pairing.

    Every request runs it (the role check of every page and API call), so it is
    written once per process instead of compiled by the ORM on each request:
    three compiled querysets cost more CPU than the database's work on them.

    `user`: the user's id as SQL: a parameter, or an expression of the common table
    expressions `before` ("name AS (...), ") of a caller that finds the user in its own
    way (`scope_statement`).
    """
    from zhucun.accounts.models import Position
    from zhucun.households.models import Pairing
    from zhucun.org.models import Cadre
    from zhucun.stationing.models import Assignment

    q = connection.ops.quote_name

    def table(model):
        return q(model._meta.db_table)

    def col(model, name):
        return q(model._meta.get_field(name).column)

    p, c, a, h = Position, Cadre, Assignment, Pairing
    # The user's cadre (at most one: a one-to-one link), found once for the three parts
    # that read it (each looked it up again: ~15 % of the statement's work). Compared
    # with `=`, not `IN`: a prepared statement's generic plan then looks the cadre's
    # rows up by their index, where with IN it scanned every assignment of the city.
    cadre = "(SELECT id FROM scope_cadre)"
    return (
        f"WITH {before}scope_cadre AS (SELECT {col(c, 'id')} AS id FROM {table(c)} "
        f"WHERE {col(c, 'user')} = {user}) "
        f"SELECT {_POSITION}, {col(p, 'role')}, {col(p, 'region')}, {col(p, 'unit')}, "
        # Typed: PostgreSQL types a union's columns pair by pair, from the first branch.
        "CAST(NULL AS BIGINT), CAST(NULL AS DATE) "
        f"FROM {table(p)} WHERE {col(p, 'user')} = {user} AND {col(p, 'active')} = %s "
        "UNION ALL "
        f"SELECT {_CADRE}, NULL, id, NULL, NULL, NULL FROM scope_cadre "
        "UNION ALL "
        f"SELECT {_ASSIGNMENT}, {col(a, 'role')}, {col(a, 'team')}, NULL, "
        f"{col(a, 'id')}, {col(a, 'start')} FROM {table(a)} "
        f"WHERE {col(a, 'cadre')} = {cadre} AND {col(a, 'start')} <= %s "
        f"AND ({col(a, 'end')} IS NULL OR {col(a, 'end')} >= %s) "
        "UNION ALL "
        f"SELECT {_PAIRED}, NULL, NULL, NULL, NULL, NULL WHERE EXISTS (SELECT 1 FROM {table(h)} "
        f"WHERE {col(h, 'cadre')} = {cadre} AND {col(h, 'end')} IS NULL)"
    )


def _scope_rows(user, today: date) -> list[tuple]:
    # Prepared once per connection on PostgreSQL (zhucun/fixed_sql.py): planning the
    # five-part UNION again was ~0.8 ms of the server's CPU on every request.
    return fixed_sql.fetch(_scope_sql(), [user.pk, user.pk, *scope_parameters(today)])


def scope_statement(user_sql: str, before: str) -> str:
    """The scope's statement for the user whose id the SQL expression `user_sql` gives (no
    parameters in it) from the common table expressions `before` ("name AS (...), "), for
    a caller that finds the user in its own way (the bearer token's digest, api/auth.py);
    its parameters: those of `before`, then `scope_parameters(today)`."""
    return _scope_sql(user_sql, before)


def scope_parameters(today: date) -> list:
    day = connection.ops.adapt_datefield_value(today)
    return [True, day, day]


def scope_for(user, today: date | None = None) -> Scope:
    """Build the user's scope: once per request (it is cached on the user object, which
    the whole request shares: request.user), in one query."""
    cached = getattr(user, "_zhucun_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        return Scope()
    today = today or timezone.localdate()
    return scope_from_rows(user, today, None if user.is_superuser else _scope_rows(user, today))


def scope_from_rows(user, today: date, rows) -> Scope:
    """The scope of an active user from the rows of the scope's statement on `today`
    (read by `scope_for`, or by a caller's statement of its own: `scope_statement`); cached on
    the user as `scope_for` caches it."""
    if user.is_superuser:
        user._zhucun_scope = Scope(everything=True)
        return user._zhucun_scope
    from zhucun.stationing.models import LEADER_ROLES

    roles: set[Role] = set()
    ids: dict[str, set[int]] = {"city": set(), "county": set(), "town": set(), "unit": set()}
    cadre_id = None
    led, member_of = set(), set()
    paired = False
    latest_assignment = None  # (start, id) of the assignment begun last
    for kind, role, node_id, unit_id, assignment_id, start in rows:
        if kind == _POSITION:
            role = Role(role)
            roles.add(role)
            if role in REGION_ROLES:
                ids[REGION_ROLES[role]].add(node_id)
            elif role == Role.UNIT:
                ids["unit"].add(unit_id)
        elif kind == _CADRE:
            cadre_id = node_id
        elif kind == _ASSIGNMENT:
            # Starts of one database compare alike (dates; SQLite's ISO text).
            if latest_assignment is None or (start, assignment_id) > latest_assignment:
                latest_assignment = (start, assignment_id)
            if role in LEADER_ROLES:
                led.add(node_id)
                roles.add(Role.TEAM_LEADER)
            else:
                member_of.add(node_id)
                roles.add(Role.MEMBER)
        elif kind == _PAIRED:
            paired = True
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
        day=today,
        assignment_id=latest_assignment[1] if latest_assignment else None,
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


def scoped(user, queryset: QuerySet, *, narrow: bool = False) -> QuerySet:
    """`queryset` narrowed to what `user` may see.

    Lookups across many-valued relations would repeat rows, so the filter
    runs as a semi-join on the primary key. `narrow=True` checks the scope row by row
    instead (one EXISTS per path, the same result): use it when `queryset` is a small
    filtered part of a table the scope's joins make large (e.g. the stationed cadres
    among a county's household cadres and their pairings).
    """
    model = queryset.model
    paths = paths_for(model)
    scope = scope_for(user)
    if scope.everything:
        return queryset
    q = scope_q(scope, paths)
    if _to_one(model, q):
        # Every lookup this scope uses follows foreign keys forward: no row repeats, so
        # the filter joins directly and the planner starts from the scope's regions
        # (e.g. a county's households by village) instead of scanning the table twice.
        return queryset.filter(q)
    if narrow:
        return queryset.filter(_per_row(model, q))
    inner = model._default_manager.filter(q).values("pk")
    return queryset.filter(pk__in=inner)


def _per_row(model: type[Model], q: Q) -> Q:
    """`q` (an OR of lookups, as scope_q builds it) as an OR of EXISTS, one per lookup,
    each reading only its own path for the row at hand (index look-ups per row)."""
    exists = Q(pk__in=[])
    for child in q.children:
        if child == ("pk__in", []):
            continue
        along = None if isinstance(child, Q) else _along(model, *child)
        if along is None:
            lookup = child if isinstance(child, Q) else Q(child)
            along = Q(Exists(model._default_manager.filter(lookup, pk=OuterRef("pk"))))
        exists |= along
    return exists


def _along(model: type[Model], lookup: str, value) -> Q | None:
    """EXISTS of `lookup` read from the first related model on its path, tied to the outer
    row (a cadre's assignments by `cadre_id`, its unit by primary key), instead of from a
    join of the outer table with itself: PostgreSQL ran that join as a hash of the related
    table for every row (the unit path: ~50-90 ms for the city's stationed cadres at S=1,
    and a plan cost past `jit_above_cost`). None when the path does not start with a
    foreign key or a reverse foreign key (a field of the model, a many-to-many)."""
    first, _, rest = lookup.partition("__")
    try:
        field = model._meta.get_field(first)
        if not field.is_relation or not rest:
            return None
        related = field.related_model
        related._meta.get_field(rest.split("__")[0])
    except FieldDoesNotExist:
        return None
    if field.many_to_one:
        tie = {"pk": OuterRef(field.attname)}
    elif field.one_to_many and field.field.target_field == model._meta.pk:
        tie = {field.field.attname: OuterRef("pk")}
    else:
        return None
    return Q(Exists(related._base_manager.filter(Q((rest, value)), **tie)))


def _to_one(model: type[Model], q: Q) -> bool:
    """Whether every lookup in `q` reaches at most one row per row of `model`."""
    for child in q.children:
        if isinstance(child, Q):
            if not _to_one(model, child):
                return False
            continue
        current = model
        for part in child[0].split("__"):
            if part == "pk":
                break
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:  # a lookup (in, isnull) ends the path
                break
            if not field.is_relation:
                break
            if field.many_to_many or field.one_to_many:
                return False
            current = field.related_model
    return True


def get_scoped_or_404(user, model: type[Model], pk) -> Model:
    """The row, if the user may see it; 404 otherwise (never 403: no existence leak)."""
    try:
        return scoped(user, model._default_manager.all()).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_registered(model: type[Model]) -> bool:
    return model._meta.label in PATHS
