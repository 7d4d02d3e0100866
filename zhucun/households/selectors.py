"""Reads shared by the household pages and exports, always through the data scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q, QuerySet

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
        pairs = {"village": self.village or "", "status": self.status, "cause": self.cause, "q": self.q}
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
        .order_by("code")
    )


def villages_for(user) -> QuerySet:
    return (
        scoped(user, Region.objects.filter(level=Level.VILLAGE))
        .values("pk", "name", "town__name")
        .order_by("code")
    )
