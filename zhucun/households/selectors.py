"""Reads shared by the household pages and exports, always through the data scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Concat

from zhucun.accounts.scope import scoped
from zhucun.households.codes import Cause, Status
from zhucun.households.models import Household
from zhucun.org.models import Level, Region

LIST_FIELDS = (
    "pk",
    "code",
    "head_name",
    "village__name",
    "village__town__name",
    "attribute",
    "main_cause",
    "status",
    "exit_year",
    "members",
    "income_per_head",
    "active__cadre__name",
)


# The order by code, as an expression no index serves: ordered by the plain column,
# PostgreSQL walks the city's code index under LIMIT and probes each household against
# the scope, expecting the scope's rows spread evenly; a county's codes are one run of
# the index (they start with its region code), so it probed ~56,000 households to find a
# county's first 50 at S=1. Sorting the scope's rows instead costs what the scope holds.
BY_CODE = Concat("code", Value(""))


@dataclass(frozen=True)
class HouseholdFilters:
    village: int | None = None
    status: str = ""
    cause: str = ""
    q: str = ""

    @classmethod
    def from_query(cls, params) -> HouseholdFilters:
        village = params.get("village", "")
        return cls(
            village=int(village) if village.isdigit() else None,
            status=params.get("status", "") if params.get("status") in Status.values else "",
            cause=params.get("cause", "") if params.get("cause") in Cause.values else "",
            q=params.get("q", "").strip()[:30],
        )

    def as_query(self) -> dict[str, str]:
        pairs = {
            "village": self.village or "",
            "status": self.status,
            "cause": self.cause,
            "q": self.q,
        }
        return {k: str(v) for k, v in pairs.items() if v}


def households_for(user, filters: HouseholdFilters) -> QuerySet:
    """The user's households matching the filters, one row of plain values each, by code."""
    rows = scoped(user, Household.objects.all())
    if filters.village:
        rows = rows.filter(village_id=filters.village)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.cause:
        rows = rows.filter(main_cause=filters.cause)
    if filters.q:
        rows = rows.filter(Q(code__startswith=filters.q) | Q(head_name__contains=filters.q))
    return (
        rows.annotate(active=FilteredRelation("pairings", condition=Q(pairings__end__isnull=True)))
        .values(*LIST_FIELDS)
        .order_by(BY_CODE)
    )


def villages_for(user) -> QuerySet:
    return (
        scoped(user, Region.objects.filter(level=Level.VILLAGE))
        .values("pk", "name", "town__name")
        .order_by("code")
    )


def pairing_facts(user) -> list:
    """第九条 facts for every household in the user's scope: three queries, whatever the size."""
    from zhucun.households.pairing_rules import PairingFacts
    from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment, Team

    # Tuples, not dicts: a county's review reads every household (22,000 at S=1).
    households = list(
        scoped(user, Household.objects.all())
        .annotate(active=FilteredRelation("pairings", condition=Q(pairings__end__isnull=True)))
        .values_list(
            "pk",
            "code",
            "head_name",
            "status",
            "village_id",
            "village__county_id",
            "active__cadre_id",
            "active__cadre__name",
            "active__cadre__unit_id",
            "active__cadre__unit__name",
            "active__cadre__unit__level",
            "active__cadre__unit__region__county_id",
            "active__cadre__is_party_member",
        )
        .order_by("code")
    )
    village_ids = {h[4] for h in households}
    team_units: dict[int, set[int]] = {}
    for village_id, unit_id, lead_id in Team.objects.filter(
        withdrawn_on__isnull=True, village_id__in=village_ids
    ).values_list("village_id", "units", "lead_unit_id"):
        units = team_units.setdefault(village_id, set())
        units.add(lead_id)
        if unit_id is not None:
            units.add(unit_id)
    frozen_units = {village_id: frozenset(units) for village_id, units in team_units.items()}
    cadre_ids = {h[6] for h in households if h[6]}
    local_cadres = set(
        Assignment.objects.filter(
            cadre_id__in=cadre_ids, role__in=NON_COUNTED_ROLES, end__isnull=True
        ).values_list("cadre_id", flat=True)
    )
    exited = Status.EXITED
    facts = [
        PairingFacts(
            pk,
            f"{head_name}户({code})",
            status == exited,
            frozen_units.get(village_id),
            county_id,
            cadre_id,
            cadre_name or "",
            unit_id,
            unit_name or "",
            unit_county_id if unit_level == "county" else None,
            bool(party_member),
            cadre_id in local_cadres,
        )
        for (
            pk,
            code,
            head_name,
            status,
            village_id,
            county_id,
            cadre_id,
            cadre_name,
            unit_id,
            unit_name,
            unit_level,
            unit_county_id,
            party_member,
        ) in households
    ]
    return facts


def cadre_loads(user) -> QuerySet:
    """How many households each cadre helps now (第十三条 tasks per cadre), heaviest first."""
    from django.db.models import Count

    from zhucun.households.models import Pairing

    return (
        scoped(user, Pairing.objects.filter(end__isnull=True))
        .values("cadre_id", "cadre__name", "cadre__unit__name")
        .annotate(households=Count("id"))
        .order_by("-households", "cadre__name")
    )
