"""Writes of the team work fund (第二十四条、第二十五条).

Every change of a balance happens here, inside one transaction that holds
the ledger row's lock (select_for_update), and writes its audit record
inside that transaction. An expense is booked only when the town mayor
countersigns, the last step of its route; if the money is not there any
more at that moment, the countersign is refused and nothing changes.
"""

from datetime import date

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from zhucun.accounts.scope import scope_for
from zhucun.approvals.models import Action, ApproverKind, RequestState
from zhucun.approvals.services import StepSpec, attach_subject, on_final, request_open
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError
from zhucun.funds.entitlement import entitlement_for
from zhucun.funds.models import (
    SHARED_SOURCES,
    Allocation,
    Category,
    EntryKind,
    Expense,
    Ledger,
    LedgerEntry,
    LedgerReview,
    Source,
)
from zhucun.funds.money import fen_to_yuan
from zhucun.funds.receipts import checked_receipt, original_name
from zhucun.rulebook.book import book_for
from zhucun.stationing.models import LEADER_ROLES, NON_COUNTED_ROLES, Assignment

FUND_ARTICLE = "第二十四条"
USE_ARTICLE = "第二十五条"
EXPENSE_KIND = "fund_expense"


def ledger_of(team) -> Ledger:
    """The team's ledger, opened on first use (一队一账)."""
    ledger, _ = Ledger.objects.get_or_create(team=team, defaults={"created_at": timezone.now()})
    return ledger


def _locked(ledger: Ledger) -> Ledger:
    return Ledger.objects.select_for_update().get(pk=ledger.pk)


def _book(ledger: Ledger, *, kind, amount_fen: int, booked_on: date, **source) -> LedgerEntry:
    """Change the (locked) ledger's balance and write the line; never below zero."""
    balance = ledger.balance_fen + amount_fen
    if balance < 0:
        raise ServiceError(
            ErrorCode.INSUFFICIENT_BALANCE,
            f"工作经费余额{fen_to_yuan(ledger.balance_fen)}元,不足支付"
            f"{fen_to_yuan(-amount_fen)}元,不能入账。",
            field="amount",
            article=USE_ARTICLE,
        )
    ledger.balance_fen = balance
    ledger.save(update_fields=["balance_fen"])
    return LedgerEntry.objects.create(
        ledger=ledger,
        kind=kind,
        booked_on=booked_on,
        amount_fen=amount_fen,
        balance_after_fen=balance,
        booked_at=timezone.now(),
        **source,
    )


def _county_of(team):
    return team.village.county


def allocation_record(
    *,
    user,
    team,
    year: int,
    source: str,
    amount_fen: int,
    disbursed_on: date,
    document_no: str = "",
    today: date | None = None,
    address: str | None = None,
) -> Allocation:
    """The county records money disbursed to the team's town for the team (第二十四条).

    The three shares cannot exceed the year's entitlement by the parameters in
    force; a county top-up (区县追加) has no ceiling.
    """
    today = today or timezone.localdate()
    county = _county_of(team)
    if county.pk not in scope_for(user).county_ids:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "工作经费由县级财政拨付至镇(街办),只有本区县驻村工作领导小组可以登记拨付。",
            article=FUND_ARTICLE,
        )
    if source not in Source.values:
        raise ServiceError(ErrorCode.INVALID, "请选择资金来源。", field="source")
    if amount_fen <= 0:
        raise ServiceError(ErrorCode.INVALID, "拨付金额须大于0。", field="amount")
    if disbursed_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "拨付日期不能晚于今天。", field="disbursed_on")
    if not 2000 <= year <= today.year + 1:
        raise ServiceError(ErrorCode.INVALID, "经费年度不正确。", field="year")
    document_no = (document_no or "").strip()[:60]
    entitlement = entitlement_for(year, book_for(county))
    with transaction.atomic():
        ledger = _locked(ledger_of(team))
        if source in SHARED_SOURCES:
            already = (
                Allocation.objects.filter(ledger=ledger, year=year, source=source).aggregate(
                    s=Sum("amount_fen")
                )["s"]
                or 0
            )
            share = entitlement.parts_fen[Source(source)]
            if already + amount_fen > share:
                raise ServiceError(
                    ErrorCode.QUOTA_EXCEEDED,
                    f"{year}年{Source(source).label}应承担{fen_to_yuan(share)}元"
                    f"({entitlement.explanation}),已拨付{fen_to_yuan(already)}元,"
                    f"本次最多{fen_to_yuan(share - already)}元;超出部分请登记为“区县追加”。",
                    field="amount",
                    article=FUND_ARTICLE,
                )
        allocation = Allocation.objects.create(
            ledger=ledger,
            year=year,
            source=source,
            amount_fen=amount_fen,
            disbursed_on=disbursed_on,
            town=team.village.town,
            document_no=document_no,
            recorded_by=user,
            created_at=timezone.now(),
        )
        entry = _book(
            ledger,
            kind=EntryKind.ALLOCATION,
            amount_fen=amount_fen,
            booked_on=disbursed_on,
            allocation=allocation,
        )
        log.record(
            actor=user,
            event="fund.allocate",
            obj=allocation,
            address=address,
            detail={
                "team": team.pk,
                "year": year,
                "source": source,
                "amount_fen": amount_fen,
                "balance_after_fen": entry.balance_after_fen,
            },
        )
    return allocation


def _handler_assignment(user, team, day: date) -> Assignment:
    cadre = getattr(user, "cadre", None)
    assignment = (
        Assignment.objects.filter(team=team, cadre=cadre, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .exclude(role__in=NON_COUNTED_ROLES)
        .first()
        if cadre is not None
        else None
    )
    if assignment is None:
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            "只有该工作队的驻村干部可以作为经手人报账(第二十五条 驻村干部经手)。",
            article=USE_ARTICLE,
        )
    if assignment.role in LEADER_ROLES:
        raise ServiceError(
            ErrorCode.SELF_APPROVAL,
            "队长须在报账单上签字,不能同时作为经手人;请由其他驻村干部经手"
            "(第二十五条 驻村干部经手、队长签字、镇长核签)。",
            article=USE_ARTICLE,
        )
    return assignment


def pending_total_fen(ledger: Ledger) -> int:
    """Money already asked for by expenses still being signed."""
    return (
        Expense.objects.filter(ledger=ledger, approval__state=RequestState.PENDING).aggregate(
            s=Sum("amount_fen")
        )["s"]
        or 0
    )


def expense_submit(
    *,
    user,
    team,
    category: str,
    amount_fen: int,
    spent_on: date,
    description: str,
    receipt,
    today: date | None = None,
    address: str | None = None,
) -> Expense:
    """The cadre who handled a purchase submits it with the receipt (第二十五条).

    Refused when the money still free (balance less the expenses being signed)
    is not enough, so a ledger is never promised twice over.
    """
    today = today or timezone.localdate()
    if category not in Category.values:
        raise ServiceError(
            ErrorCode.INVALID,
            "用途须为驻村工作队必要的日常办公支出(含办公互联网),专款专用(第二十五条)。",
            field="category",
            article=USE_ARTICLE,
        )
    if amount_fen <= 0:
        raise ServiceError(ErrorCode.INVALID, "支出金额须大于0。", field="amount")
    if spent_on > today:
        raise ServiceError(ErrorCode.FUTURE_DATE, "支出日期不能晚于今天。", field="spent_on")
    description = (description or "").strip()
    if not description:
        raise ServiceError(ErrorCode.INVALID, "请填写摘要(购置了什么)。", field="description")
    if len(description) > 200:
        raise ServiceError(ErrorCode.INVALID, "摘要不能超过200字。", field="description")
    assignment = _handler_assignment(user, team, spent_on)
    content_type, stored_name = checked_receipt(receipt)
    town = team.village.town
    with transaction.atomic():
        ledger = _locked(ledger_of(team))
        free = ledger.balance_fen - pending_total_fen(ledger)
        if amount_fen > free:
            raise ServiceError(
                ErrorCode.INSUFFICIENT_BALANCE,
                f"工作经费可用余额{fen_to_yuan(max(free, 0))}元(余额{fen_to_yuan(ledger.balance_fen)}元,"
                f"其中审批中{fen_to_yuan(ledger.balance_fen - free)}元),不足{fen_to_yuan(amount_fen)}元。",
                field="amount",
                article=USE_ARTICLE,
            )
        cadre = assignment.cadre
        approval = request_open(
            kind=EXPENSE_KIND,
            title=f"{team.village.name}工作经费报账 {fen_to_yuan(amount_fen)}元"
            f"({Category(category).label})",
            summary=f"{spent_on:%Y-%m-%d} {description};经手人:{cadre.name}",
            requester=user,
            cadre=cadre,
            team=team,
            route=[
                StepSpec(ApproverKind.TEAM_LEADER, Action.SIGN, team),
                StepSpec(ApproverKind.TOWN_MAYOR, Action.COUNTERSIGN, town),
            ],
            article=USE_ARTICLE,
            explanation="驻村干部经手、驻村工作队长签字、镇长核签报账,核签后入账",
            address=address,
        )
        expense = Expense(
            ledger=ledger,
            category=category,
            amount_fen=amount_fen,
            spent_on=spent_on,
            description=description,
            handler=cadre,
            receipt_name=original_name(receipt),
            receipt_type=content_type,
            approval=approval,
            created_at=timezone.now(),
        )
        expense.receipt.save(stored_name, receipt, save=False)
        expense.save()
        attach_subject(approval, expense)
        log.record(
            actor=user,
            event="fund.expense_submit",
            obj=expense,
            address=address,
            detail={
                "team": team.pk,
                "category": category,
                "amount_fen": amount_fen,
                "receipt_type": content_type,
            },
        )
    return expense


@on_final(EXPENSE_KIND)
def _expense_decided(request, user) -> None:
    """Called inside the countersign's transaction: book it, or refuse the countersign."""
    if request.state != RequestState.APPROVED:
        return
    expense = Expense.objects.get(approval=request)
    ledger = _locked(expense.ledger)
    now = timezone.now()
    entry = _book(
        ledger,
        kind=EntryKind.EXPENSE,
        amount_fen=-expense.amount_fen,
        booked_on=timezone.localdate(now),
        expense=expense,
    )
    Expense.objects.filter(pk=expense.pk).update(booked_at=now)
    log.record(
        actor=user,
        event="fund.expense_book",
        obj=expense,
        detail={
            "team": ledger.team_id,
            "amount_fen": expense.amount_fen,
            "balance_after_fen": entry.balance_after_fen,
        },
    )


def ledger_review(
    *, user, ledger: Ledger, comment: str, today: date | None = None, address=None
) -> LedgerReview:
    """The town checks a team's ledger and reports on it (第二十五条 镇(街办)负责核报)."""
    today = today or timezone.localdate()
    if ledger.team.village.town_id not in scope_for(user).town_ids:
        raise ServiceError(
            ErrorCode.FORBIDDEN, "只有工作队所在镇(街办)可以核报台账。", article=USE_ARTICLE
        )
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(ErrorCode.INVALID, "请填写核报意见。", field="comment")
    if len(comment) > 500:
        raise ServiceError(ErrorCode.INVALID, "核报意见不能超过500字。", field="comment")
    with transaction.atomic():
        locked = _locked(ledger)
        review = LedgerReview.objects.create(
            ledger=locked,
            reviewed_by=user,
            reviewed_at=timezone.now(),
            up_to=today,
            balance_fen=locked.balance_fen,
            comment=comment,
        )
        log.record(
            actor=user,
            event="fund.review",
            obj=review,
            address=address,
            detail={"team": locked.team_id, "balance_fen": locked.balance_fen},
        )
    return review
