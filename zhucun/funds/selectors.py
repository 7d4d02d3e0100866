"""Reads of the work fund that pages and exports share; every one applies the data scope."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import BigIntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhucun.accounts.scope import get_scoped_or_404, scoped
from zhucun.approvals.models import RequestState, Step
from zhucun.funds.entitlement import entitlement_for
from zhucun.funds.models import Allocation, Expense, Ledger, LedgerEntry, LedgerReview
from zhucun.rulebook.book import book_for
from zhucun.stationing.models import Team


def _sum_of(queryset, column="amount_fen"):
    return Coalesce(
        Subquery(
            queryset.order_by().values("ledger").annotate(s=Sum(column)).values("s")[:1],
            output_field=BigIntegerField(),
        ),
        Value(0),
        output_field=BigIntegerField(),
    )


def teams_with_ledgers(user, year: int, *, town_id=None):
    """Scoped teams with their ledger's balance and the year's money in, out and being signed."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    ledger = OuterRef("ledger")
    teams = scoped(user, Team.objects.all()).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=first), formed_on__lte=last
    )
    if town_id:
        teams = teams.filter(village__town_id=town_id)
    return (
        teams.select_related("ledger", "village__town", "village__county")
        .annotate(
            year_in_fen=_sum_of(
                LedgerEntry.objects.filter(
                    ledger=ledger, amount_fen__gt=0, booked_on__range=(first, last)
                )
            ),
            year_out_fen=_sum_of(
                LedgerEntry.objects.filter(
                    ledger=ledger, amount_fen__lt=0, booked_on__range=(first, last)
                )
            ),
            pending_fen=_sum_of(
                Expense.objects.filter(ledger=ledger, approval__state=RequestState.PENDING)
            ),
        )
        .order_by("village__county__code", "village__town__code", "village__code")
    )


def team_for(user, pk) -> Team:
    team = get_scoped_or_404(user, Team, pk)
    return Team.objects.select_related("village__town", "village__county", "lead_unit").get(
        pk=team.pk
    )


def ledger_or_none(team) -> Ledger | None:
    return Ledger.objects.filter(team=team).first()


def allocations_of(ledger, year: int):
    if ledger is None:
        return Allocation.objects.none()
    return ledger.allocations.filter(year=year).select_related("town", "recorded_by")


def expenses_of(ledger, start: date, end: date):
    if ledger is None:
        return Expense.objects.none()
    return ledger.expenses.filter(spent_on__range=(start, end)).select_related(
        "handler", "approval"
    )


def expense_for(user, pk) -> Expense:
    expense = get_scoped_or_404(user, Expense, pk)
    return Expense.objects.select_related("ledger__team__village__town", "handler", "approval").get(
        pk=expense.pk
    )


def reviews_of(ledger, limit=10):
    if ledger is None:
        return []
    return list(ledger.reviews.select_related("reviewed_by")[:limit])


@dataclass
class StatementLine:
    entry: LedgerEntry
    balance_fen: int
    signers: dict = field(default_factory=dict)  # approver kind → the person who signed


@dataclass
class Statement:
    """Money in and out of a ledger over [start, end], booked lines only, in date order."""

    team: Team
    start: date
    end: date
    opening_fen: int
    lines: list[StatementLine]
    entitlement: object

    @property
    def in_fen(self) -> int:
        return sum(line.entry.income_fen for line in self.lines)

    @property
    def out_fen(self) -> int:
        return sum(line.entry.spending_fen for line in self.lines)

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.in_fen - self.out_fen

    def out_by_category(self) -> list[tuple[str, int]]:
        totals: dict[str, int] = {}
        for line in self.lines:
            if line.entry.expense is not None:
                label = line.entry.expense.get_category_display()
                totals[label] = totals.get(label, 0) + line.entry.spending_fen
        return sorted(totals.items())


def statement(team, start: date, end: date) -> Statement:
    """The lines booked in [start, end]: with who handled, signed and countersigned each expense.

    The running balance follows the booking dates (a disbursement recorded late
    still sits on its own date), so it is recomputed here from the opening balance.
    """
    ledger = ledger_or_none(team)
    entitlement = entitlement_for(start.year, book_for(team.village.county))
    if ledger is None:
        return Statement(team, start, end, 0, [], entitlement)
    opening = ledger.entries.filter(booked_on__lt=start).aggregate(s=Sum("amount_fen"))["s"] or 0
    entries = list(
        ledger.entries.filter(booked_on__range=(start, end))
        .select_related("allocation", "expense__handler")
        .order_by("booked_on", "booked_at", "pk")
    )
    request_ids = [e.expense.approval_id for e in entries if e.expense is not None]
    signers: dict[int, dict] = {}
    for step in Step.objects.filter(request_id__in=request_ids, actor__isnull=False).select_related(
        "actor"
    ):
        signers.setdefault(step.request_id, {})[step.approver_kind] = step.actor
    lines, balance = [], opening
    for entry in entries:
        balance += entry.amount_fen
        lines.append(
            StatementLine(
                entry,
                balance,
                signers.get(entry.expense.approval_id, {}) if entry.expense else {},
            )
        )
    return Statement(team, start, end, opening, lines, entitlement)


def reviews_in_scope(user):
    return scoped(user, LedgerReview.objects.all())
