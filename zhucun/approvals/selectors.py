"""Reads of the approval engine that pages (and later the API and exports) share."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from zhucun.accounts.scope import scope_for, scoped
from zhucun.approvals.authorities import authorities_for, decidable_q
from zhucun.approvals.models import ApproverKind, Copy, Delegation, Request, Step, StepState
from zhucun.policy.parameters import Override, ParameterBook
from zhucun.rulebook.models import ParameterOverride


def pending_steps(user) -> QuerySet[Step]:
    """The steps waiting for this user (own or delegated authority), oldest first.

    The user's own requests are left out: nobody approves their own.
    """
    authorities = authorities_for(user)
    return (
        Step.objects.filter(decidable_q(authorities), state=StepState.PENDING)
        .exclude(request__requester=user)
        .exclude(request__cadre__user=user)
        .select_related(
            "request__cadre__unit",
            "request__team__village__town",
            "request__requester",
            "team",
            "region",
            "unit",
        )
        .order_by("request__submitted_at", "pk")
    )


def pending_count(user) -> int:
    if not authorities_for(user):
        return 0
    return pending_steps(user).count()


def visible_requests(user) -> QuerySet[Request]:
    """Requests in the user's data scope, plus those on which they hold a step's authority."""
    on_route = Step.objects.filter(decidable_q(authorities_for(user))).values("request_id")
    in_scope = scoped(user, Request.objects.all()).values("pk")
    return Request.objects.filter(Q(pk__in=in_scope) | Q(pk__in=on_route))


def request_for(user, pk) -> Request:
    try:
        return (
            visible_requests(user)
            .select_related("cadre__unit", "team__village__town", "requester")
            .get(pk=pk)
        )
    except (Request.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def steps_of(request: Request) -> list[Step]:
    return list(
        request.steps.select_related("team", "region", "unit", "actor", "acting_for").order_by(
            "position"
        )
    )


def copies_to_units(unit_ids, limit: int = 50) -> list[Copy]:
    return list(
        Copy.objects.filter(unit_id__in=unit_ids)
        .select_related("request__cadre", "unit")
        .order_by("-created_at")[:limit]
    )


def delegations_given(user) -> QuerySet[Delegation]:
    return Delegation.objects.filter(principal=user).select_related("deputy").order_by("-start")


def delegations_held(user) -> QuerySet[Delegation]:
    return Delegation.objects.filter(deputy=user, revoked=False).select_related("principal")


# -- overdue steps: remind the approver, escalate to the next level (DESIGN.md §6) -----

OVERDUE_KEY = "approval_overdue_days"
# Who supervises a step one level up: office scope → the step kinds and the path from the
# step to that office's region. A unit's steps (recalls) have no office above them here.
NEXT_LEVEL_UP = {
    "town": [(ApproverKind.TEAM_LEADER, "team__village__town_id", {})],
    "county": [
        (ApproverKind.TOWN, "region__county_id", {}),
        (ApproverKind.TOWN_MAYOR, "region__county_id", {}),
    ],
    "city": [
        (ApproverKind.COUNTY, "region__city_id", {}),
        (ApproverKind.POVERTY_OFFICE, "region__city_id", {"region__level": "county"}),
    ],
}


@dataclass(frozen=True)
class OverdueRule:
    """超过 N 天 = pending N+1 calendar days or more (DESIGN.md §2 reading rules)."""

    city_days: int
    county_days: dict[int, int]  # county id → that county's own value (第三十八条)
    today: date

    def days_for(self, county_id) -> int:
        return self.county_days.get(county_id, self.city_days)

    def cutoff(self, days: int) -> datetime:
        """A step pending since before this instant has waited more than `days` days."""
        start = datetime.combine(self.today - timedelta(days=days), time.min)
        return timezone.make_aware(start)

    def q(self) -> Q:
        """Filter on steps annotated by `timed`: those overdue today."""
        by_days: dict[int, list[int]] = defaultdict(list)
        for county_id, days in self.county_days.items():
            by_days[days].append(county_id)
        own = sorted(self.county_days)
        q = (Q(step_county__isnull=True) | ~Q(step_county__in=own)) & Q(
            pending_since__lt=self.cutoff(self.city_days)
        )
        for days, counties in by_days.items():
            q |= Q(step_county__in=sorted(counties), pending_since__lt=self.cutoff(days))
        return q


def overdue_rule(today: date | None = None, *, books=None) -> OverdueRule:
    """The city's deadline and each county's own (one query for the overrides).

    `books` (`stationing.calendar.every_book()`), when the page has read them already,
    gives the same rule without a query.
    """
    today = today or timezone.localdate()
    city_days = ParameterBook().on(today).approval_overdue_days
    if books is not None:
        county_days = {
            county_id: book.on(today).approval_overdue_days
            for county_id, book in books.items()
            if county_id is not None
            and any(o.key == OVERDUE_KEY and o.effective_from <= today for o in book.overrides)
        }
        return OverdueRule(city_days, county_days, today)
    overrides: dict[int, list] = defaultdict(list)
    for o in (
        ParameterOverride.objects.filter(key=OVERDUE_KEY, effective_from__lte=today)
        .select_related("county")
        .order_by("effective_from", "pk")
    ):
        overrides[o.county_id].append(o)
    county_days = {
        county_id: ParameterBook(
            county=rows[0].county.code,
            overrides=[
                Override(OVERDUE_KEY, o.value, o.effective_from, o.county.code) for o in rows
            ],
        )
        .on(today)
        .approval_overdue_days
        for county_id, rows in overrides.items()
    }
    return OverdueRule(city_days, county_days, today)


def timed(steps: QuerySet[Step]) -> QuerySet[Step]:
    """Annotate when each step became pending and the county whose deadline applies.

    A step becomes pending when the request is submitted (the first) or when the step
    before it is decided; decided steps never change, so this is derived, not stored.
    """
    previous = Step.objects.filter(
        request=OuterRef("request"), position=OuterRef("position") - 1
    ).values("decided_at")[:1]
    return steps.annotate(
        pending_since=Coalesce(Subquery(previous), F("request__submitted_at")),
        step_county=Coalesce(
            F("team__village__county_id"), F("region__county_id"), F("unit__region__county_id")
        ),
    )


def overdue_pending_steps(user, rule: OverdueRule) -> QuerySet[Step]:
    """The user's own pending steps that are overdue, oldest first (a reminder)."""
    return timed(pending_steps(user)).filter(rule.q()).order_by("pending_since", "pk")


def escalated_steps(user, rule: OverdueRule) -> QuerySet[Step]:
    """Overdue steps one level below the user's offices, in their scope (督办)."""
    scope = scope_for(user)
    below = Q(pk__in=[])
    for level, region_ids in scope.region_ids.items():
        if region_ids:
            for kind, path, extra in NEXT_LEVEL_UP[level]:
                below |= Q(approver_kind=kind, **{f"{path}__in": sorted(region_ids)}, **extra)
    return (
        timed(Step.objects.filter(below, state=StepState.PENDING))
        .filter(rule.q())
        .select_related(
            "request__cadre__unit", "request__team__village__town", "team", "region", "unit"
        )
        .order_by("pending_since", "pk")
    )


def days_pending(step, today: date) -> int:
    return (today - timezone.localdate(step.pending_since)).days
