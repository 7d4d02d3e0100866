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


# The columns of a household's 第九条 facts (its active pairing as `active`).
FACT_FIELDS = (
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
    "local_post",
)


def _with_active_pairing(user) -> QuerySet:
    from django.db.models import Exists, OuterRef

    from zhucun.stationing.models import NON_COUNTED_ROLES, Assignment

    # Whether the paired cadre is now a town contact or village cadre (第九条, exited households).
    local_post = Assignment.objects.filter(
        cadre_id=OuterRef("active__cadre_id"), role__in=NON_COUNTED_ROLES, end__isnull=True
    )
    return (
        scoped(user, Household.objects.all())
        .annotate(active=FilteredRelation("pairings", condition=Q(pairings__end__isnull=True)))
        .annotate(local_post=Exists(local_post))
    )


def pairing_facts(user) -> list:
    """第九条 facts for every household in the user's scope: two queries, whatever the size."""
    # Tuples, not dicts: a county's review read every household (22,000 at S=1).
    rows = list(_with_active_pairing(user).values_list(*FACT_FIELDS).order_by("code"))
    return _facts(rows, _team_units(user))


def _team_units(user) -> dict[int, frozenset[int]]:
    """The units of the active team of every village in the user's scope, by village.

    Read for the whole scope (a few hundred teams in a city), not for the rows' villages:
    the same one query whether or not there are rows.
    """
    from zhucun.stationing.models import Team

    villages = scoped(user, Household.objects.all()).values("village_id")
    team_units: dict[int, set[int]] = {}
    for village_id, unit_id, lead_id in Team.objects.filter(
        withdrawn_on__isnull=True, village_id__in=villages
    ).values_list("village_id", "units", "lead_unit_id"):
        units = team_units.setdefault(village_id, set())
        units.add(lead_id)
        if unit_id is not None:
            units.add(unit_id)
    return {village_id: frozenset(units) for village_id, units in team_units.items()}


def _facts(households: list[tuple], team_units: dict[int, frozenset[int]]) -> list:
    """PairingFacts of FACT_FIELDS rows, with their villages' team units."""
    from zhucun.households.pairing_rules import PairingFacts

    exited = Status.EXITED
    facts = [
        PairingFacts(
            pk,
            f"{head_name}户({code})",
            status == exited,
            team_units.get(village_id),
            county_id,
            cadre_id,
            cadre_name or "",
            unit_id,
            unit_name or "",
            unit_county_id if unit_level == "county" else None,
            bool(party_member),
            bool(local_post),
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
            local_post,
        ) in households
    ]
    return facts


@dataclass(frozen=True)
class PairingReview:
    checked: int  # households in scope
    failed_count: int  # of which fail 第九条
    failed: list  # the first `shown` failures' Checks, by household code


def pairing_review(user, shown: int = 500) -> PairingReview:
    """pairing_failures(pairing_facts(user))[:shown] and the counts, judged in the database.

    The verdict of `pairing_rules.pairing_fits` is an SQL expression here, so a county's
    review reads two figures and the shown failures' facts instead of every household
    (22,000 at S=1); the Checks (message, evidence) are built by pairing_rules from the
    same facts as before. tests/households/test_pairing_review.py compares both ways.
    """
    from django.db.models import Count, Window

    from zhucun.households.pairing_rules import pairing_failures

    # The failures in the database's WHERE (its EXISTS hashed once per query), counted
    # by a window over them before the cut at `shown`; the households by a plain count.
    checked = scoped(user, Household.objects.all()).count()
    rows = list(
        _with_active_pairing(user)
        .annotate(fails=_pairing_fails())
        .filter(fails=True)
        .annotate(failed=Window(Count("pk")))
        .values_list(*FACT_FIELDS, "failed")
        .order_by("code")[:shown]
    )
    failed = rows[0][-1] if rows else 0
    facts = _facts([row[:-1] for row in rows], _team_units(user))
    return PairingReview(checked, failed, pairing_failures(facts))


def _pairing_fails():
    """`not pairing_fits(facts)` of each household row, as SQL (NULLs fall to "fails")."""
    from django.db.models import BooleanField, Case, Exists, F, OuterRef, When

    from zhucun.stationing.models import Team

    unit = OuterRef("active__cadre__unit_id")
    teams = Team.objects.filter(village_id=OuterRef("village_id"), withdrawn_on__isnull=True)
    team_units = Team.units.through.objects.filter(
        team__village_id=OuterRef("village_id"), team__withdrawn_on__isnull=True, unit_id=unit
    )
    yes, no = Value(True), Value(False)

    def fails_unless(condition):
        return Case(When(condition, then=no), default=yes, output_field=BooleanField())

    same_county = Q(active__cadre__unit__region__county_id=F("village__county_id")) | Q(
        active__cadre__unit__region__county_id__isnull=True, village__county_id__isnull=True
    )
    return Case(
        When(active__cadre_id__isnull=True, then=yes),
        When(
            status=Status.EXITED,
            then=fails_unless(Q(active__cadre__is_party_member=True) | Q(local_post=True)),
        ),
        When(
            Exists(teams),
            then=fails_unless(Exists(teams.filter(lead_unit_id=unit)) | Exists(team_units)),
        ),
        default=fails_unless(Q(active__cadre__unit__level="county") & same_county),
        output_field=BooleanField(),
    )


def cadre_loads(user) -> QuerySet:
    """How many households each cadre helps now (第十三条 tasks per cadre), heaviest first."""
    from django.db.models import Count

    from zhucun.households.models import Pairing

    return (
        scoped(user, Pairing.objects.filter(end__isnull=True))
        .values("cadre_id", "cadre__name", "cadre__unit__name")
        .annotate(households=Count("id"))
        # cadre_id last: cadres of the same name and load (the demo city has them) kept
        # the database's arbitrary order, which could differ between two reads of pages.
        .order_by("-households", "cadre__name", "cadre_id")
    )
