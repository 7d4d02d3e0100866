"""Who may decide which steps: a user's approver authorities, own and delegated.

An authority is (approver kind, body id). It comes from what the user is:

- team leader of a team (derived from an active leader assignment) → team_leader/team;
- town office position with duty 党委书记 or 镇长 (第十六条) → town/region;
- town office position with duty 镇长 → also town_mayor/region (第二十五条 镇长核签);
- county office position (the leading group's office) → county/region;
- city or county position with duty 扶贫办 → poverty_office/region (第二十二条 同级扶贫办);
- unit position with duty 单位主要负责人 or 组织人事 → unit/unit;

and, for the dates of a delegation, everything its principal holds in their own right
(delegations do not chain).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Q
from django.utils import timezone

from zhucun.accounts.roles import Duty, Role
from zhucun.accounts.scope import scope_for
from zhucun.approvals.models import BODY_FIELD, ApproverKind, Delegation

TOWN_DECIDERS = frozenset({Duty.PARTY_SECRETARY, Duty.MAYOR})
UNIT_DECIDERS = frozenset({Duty.UNIT_HEAD, Duty.UNIT_HR})


@dataclass(frozen=True)
class Authority:
    kind: ApproverKind
    body_id: int


# Positions held in these roles may carry an approver authority; no other position does.
OFFICE_ROLES = frozenset({Role.TOWN, Role.COUNTY, Role.CITY, Role.UNIT})


def _position_authorities(positions) -> set[Authority]:
    """The authorities of (role, duty, region id, unit id) position rows."""
    found = set()
    for role, duty, region_id, unit_id in positions:
        if role == Role.TOWN and duty in TOWN_DECIDERS:
            found.add(Authority(ApproverKind.TOWN, region_id))
        if role == Role.TOWN and duty == Duty.MAYOR:
            found.add(Authority(ApproverKind.TOWN_MAYOR, region_id))
        elif role == Role.COUNTY:
            found.add(Authority(ApproverKind.COUNTY, region_id))
        if role in (Role.CITY, Role.COUNTY) and duty == Duty.POVERTY_OFFICE:
            found.add(Authority(ApproverKind.POVERTY_OFFICE, region_id))
        if role == Role.UNIT and duty in UNIT_DECIDERS:
            found.add(Authority(ApproverKind.UNIT, unit_id))
    return found


def own_authorities(user, today: date | None = None) -> set[Authority]:
    if not user.is_authenticated or not user.is_active:
        return set()
    found = {Authority(ApproverKind.TEAM_LEADER, t) for t in scope_for(user, today).led_team_ids}
    positions = user.positions.filter(active=True).values_list(
        "role", "duty", "region_id", "unit_id"
    )
    return found | _position_authorities(positions)


def _acting_for(user, today: date):
    """The delegations the user holds today."""
    return Delegation.objects.filter(
        deputy=user, revoked=False, start__lte=today, end__gte=today, principal__is_active=True
    )


def authorities_for(user, today: date | None = None) -> dict[Authority, object | None]:
    """Each authority the user may use today → None if their own, else the principal's user.

    Cached on the user object for the request, like the data scope. One query for the
    user's own (an office's positions, asking in the same query whether anyone delegated
    to them today; a team leader's come from the scope), one more for the delegations
    when there are any, or when the user holds no office to ask with.
    """
    today = today or timezone.localdate()
    cached = getattr(user, "_zhucun_authorities", None)
    if cached is not None and cached[0] == today:
        return cached[1]
    found: dict[Authority, object | None] = {}
    if user.is_authenticated and user.is_active:
        scope = scope_for(user, today)
        own = {Authority(ApproverKind.TEAM_LEADER, t) for t in scope.led_team_ids}
        acting = _acting_for(user, today)
        delegated = True
        if scope.everything or scope.roles & OFFICE_ROLES:
            rows = list(
                user.positions.filter(active=True)
                .annotate(delegated=Exists(acting))
                .values_list("role", "duty", "region_id", "unit_id", "delegated")
            )
            own |= _position_authorities(row[:4] for row in rows)
            delegated = not rows or rows[0][4]
        if delegated:
            for delegation in acting.select_related("principal"):
                for authority in own_authorities(delegation.principal, today):
                    found.setdefault(authority, delegation.principal)
        # One's own authority wins over acting for someone else.
        for authority in own:
            found[authority] = None
    user._zhucun_authorities = (today, found)
    return found


def decidable_q(authorities, prefix: str = "") -> Q:
    """A filter on Step selecting the steps these authorities may decide; matches none if empty."""
    q = Q(pk__in=[])
    by_kind: dict[ApproverKind, set[int]] = {}
    for authority in authorities:
        by_kind.setdefault(authority.kind, set()).add(authority.body_id)
    for kind, ids in by_kind.items():
        q |= Q(
            **{f"{prefix}approver_kind": kind, f"{prefix}{BODY_FIELD[kind]}_id__in": sorted(ids)}
        )
    return q


def authority_of(step) -> Authority:
    return Authority(ApproverKind(step.approver_kind), step.body_id)
