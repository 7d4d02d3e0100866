"""The team work fund (第二十四条、第二十五条) and the cadre's own allowances (第二十七条).

Reads and writes go through the same selectors and services as the fund pages
(zhucun/funds/selectors.py, services.py): an expense is submitted with its
receipt by the cadre who handled it, signed by the team leader and
countersigned by the town mayor through the approval engine, and booked only
at the countersign. Amounts are integer fen; the input amount is yuan text.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, File, Form, Query, Router
from ninja.files import UploadedFile

from zhucun.accounts.roles import Role
from zhucun.allowances.sheet import monthly_sheet
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS, WRITE_ERRORS
from zhucun.api.idempotency import IdempotencyKey, idempotent
from zhucun.api.listing import ListFilters, Page, paginate
from zhucun.api.routes.attendance import MonthQuery, address, month_bounds, own_cadre
from zhucun.api.routes.leave import StepOut, step_out
from zhucun.api.schemas import CadreRef, Record
from zhucun.approvals.models import Action
from zhucun.approvals.services import step_decide
from zhucun.errors import ErrorCode, ServiceError
from zhucun.funds import selectors, services
from zhucun.funds.entitlement import entitlement_for
from zhucun.funds.models import Category, Expense, Source
from zhucun.funds.money import yuan_to_fen
from zhucun.funds.views import VIEWERS
from zhucun.org.models import Cadre
from zhucun.rulebook.book import book_for

router = Router(tags=["工作经费与补助"])
STATIONED = (Role.TEAM_LEADER, Role.MEMBER)


class YearQuery(Record):
    year: int | None = Field(None, ge=2000, le=2100, description="经费年度,默认今年")

    def value(self) -> int:
        return self.year or timezone.localdate().year


class LedgerListQuery(ListFilters):
    year: int | None = Field(None, ge=2000, le=2100, description="经费年度,默认今年")


class LedgerRow(Record):
    team_id: int
    team: str
    town: str
    county: str
    year: int
    balance_fen: int
    year_in_fen: int
    year_out_fen: int
    pending_fen: int


@router.get(
    "/funds/ledgers",
    response={200: Page[LedgerRow], **READ_ERRORS},
    summary="各工作队经费台账:余额,本年度拨入、支出和审批中金额(第二十四、二十五条)",
)
@allow_api(*VIEWERS)
def ledger_list(request, filters: Query[LedgerListQuery]):
    if filters.period_start or filters.period_end:
        raise ServiceError(
            ErrorCode.INVALID, "经费台账按年度查询,请用 year。", field="period_start"
        )
    year = filters.year or timezone.localdate().year
    teams = selectors.teams_with_ledgers(request.user, year).filter(filters.region_q("village"))

    def row(team) -> dict:
        ledger = getattr(team, "ledger", None)
        return {
            "team_id": team.pk,
            "team": team.name,
            "town": team.village.town.name,
            "county": team.village.county.name,
            "year": year,
            "balance_fen": ledger.balance_fen if ledger else 0,
            "year_in_fen": team.year_in_fen,
            "year_out_fen": -team.year_out_fen,
            "pending_fen": team.pending_fen,
        }

    return paginate(teams, filters, row)


class ShareOut(Record):
    source: str
    label: str
    share: int
    entitled_fen: int
    disbursed_fen: int


class AllocationOut(Record):
    id: int
    year: int
    source: str
    source_label: str
    amount_fen: int
    disbursed_on: date
    document_no: str


class ExpenseOut(Record):
    id: int
    team_id: int
    category: str
    category_label: str
    amount_fen: int
    spent_on: date
    description: str
    handler: CadreRef
    receipt_name: str
    receipt_type: str
    state: str
    state_label: str
    article: str
    route: str
    steps: list[StepOut]
    booked_at: datetime | None


class LedgerOut(Record):
    team_id: int
    team: str
    year: int
    balance_fen: int
    pending_fen: int
    entitlement_fen: int
    entitlement: str
    article: str
    shares: list[ShareOut]
    topup_fen: int
    allocations: list[AllocationOut]
    expenses: list[ExpenseOut]


def allocation_out(a) -> dict:
    return {
        "id": a.pk,
        "year": a.year,
        "source": a.source,
        "source_label": a.get_source_display(),
        "amount_fen": a.amount_fen,
        "disbursed_on": a.disbursed_on,
        "document_no": a.document_no,
    }


def expense_out(e: Expense, team_id: int) -> dict:
    approval = e.approval
    return {
        "id": e.pk,
        "team_id": team_id,
        "category": e.category,
        "category_label": e.get_category_display(),
        "amount_fen": e.amount_fen,
        "spent_on": e.spent_on,
        "description": e.description,
        "handler": {"id": e.handler_id, "name": e.handler.name},
        "receipt_name": e.receipt_name,
        "receipt_type": e.receipt_type,
        "state": approval.state,
        "state_label": approval.get_state_display(),
        "article": approval.article,
        "route": approval.explanation,
        "steps": [step_out(s) for s in approval.steps.all()],
        "booked_at": e.booked_at,
    }


@router.get(
    "/funds/teams/{team_id}/ledger",
    response={200: LedgerOut, **READ_ERRORS},
    summary="一个工作队的经费台账:余额、应拨与已拨(5:3:2)、拨付和支出(含签字、核签步骤)",
)
@allow_api(*VIEWERS)
def ledger_detail(request, team_id: int, query: Query[YearQuery]):
    team = selectors.team_for(request.user, team_id)
    year = query.value()
    ledger = selectors.ledger_or_none(team)
    entitlement = entitlement_for(year, book_for(team.village.county))
    allocations = list(selectors.allocations_of(ledger, year))
    disbursed = {s: 0 for s in Source}
    for a in allocations:
        disbursed[Source(a.source)] += a.amount_fen
    expenses = selectors.expenses_of(ledger, date(year, 1, 1), date(year, 12, 31))
    return {
        "team_id": team.pk,
        "team": team.name,
        "year": year,
        "balance_fen": ledger.balance_fen if ledger else 0,
        "pending_fen": services.pending_total_fen(ledger) if ledger else 0,
        "entitlement_fen": entitlement.total_fen,
        "entitlement": entitlement.explanation,
        "article": services.FUND_ARTICLE,
        "shares": [
            {
                "source": s.value,
                "label": s.label,
                "share": entitlement.shares[s],
                "entitled_fen": entitlement.parts_fen[s],
                "disbursed_fen": disbursed[s],
            }
            for s in entitlement.parts_fen
        ],
        "topup_fen": disbursed[Source.COUNTY_TOPUP],
        "allocations": [allocation_out(a) for a in allocations],
        "expenses": [expense_out(e, team.pk) for e in expenses.prefetch_related("approval__steps")],
    }


class ExpenseIn(Record):
    category: Category = Field(..., description="用途:日常办公用品、办公互联网等(第二十五条)")
    amount: str = Field(..., max_length=20, description="金额(元),最多两位小数,例如 1280.50")
    spent_on: date = Field(..., description="支出日期")
    description: str = Field(..., max_length=200, description="摘要:购置了什么")


def _yuan(text: str) -> int:
    try:
        return yuan_to_fen(text)
    except ValueError as error:
        raise ServiceError(ErrorCode.INVALID, str(error), field="amount") from None


def _expense(pk: int) -> Expense:
    return (
        Expense.objects.select_related("handler", "approval", "ledger")
        .prefetch_related("approval__steps")
        .get(pk=pk)
    )


@router.post(
    "/funds/teams/{team_id}/expenses",
    response={201: ExpenseOut, **WRITE_ERRORS},
    summary="经手人报账:上传票据(PDF、JPG或PNG),待队长签字、镇长核签后入账(第二十五条)",
    description=(
        "multipart/form-data:category、amount(元)、spent_on、description 和票据文件 receipt。"
        "票据按文件内容识别类型,过大或类型不符答 422(code=bad_upload,field=receipt),"
        "与报账页面的提示相同。"
    ),
)
@allow_api(*STATIONED)
@idempotent(ExpenseOut)
def expense_create(
    request,
    team_id: int,
    payload: Form[ExpenseIn],
    receipt: File[UploadedFile] = None,
    idempotency_key: IdempotencyKey = None,
):
    team = selectors.team_for(request.user, team_id)
    expense = services.expense_submit(
        user=request.user,
        team=team,
        category=payload.category,
        amount_fen=_yuan(payload.amount),
        spent_on=payload.spent_on,
        description=payload.description,
        receipt=receipt,
        address=address(request),
    )
    return 201, expense_out(_expense(expense.pk), team.pk)


@router.get(
    "/funds/expenses/{expense_id}",
    response={200: ExpenseOut, **READ_ERRORS},
    summary="一笔经费支出及其经手、签字、核签步骤",
)
@allow_api(*VIEWERS)
def expense_detail(request, expense_id: int):
    expense = selectors.expense_for(request.user, expense_id)
    return expense_out(_expense(expense.pk), expense.ledger.team_id)


class SignatureIn(Record):
    step: Action = Field(..., description="sign 队长签字 / cosign 镇长核签;须按此顺序(第二十五条)")
    approve: bool = Field(..., description="true 同意 / false 不同意")
    comment: str = Field("", max_length=500, description="不同意时必填")


@router.post(
    "/funds/expenses/{expense_id}/signatures",
    response={200: ExpenseOut, **WRITE_ERRORS},
    summary="报账签字(队长)或核签(镇长);顺序不能颠倒,核签后入账,余额不足时拒绝核签",
)
@allow_api(Role.TEAM_LEADER, Role.TOWN)
@idempotent(ExpenseOut)
def expense_sign(
    request, expense_id: int, payload: SignatureIn, idempotency_key: IdempotencyKey = None
):
    expense = selectors.expense_for(request.user, expense_id)
    step = expense.approval.steps.select_related("request").filter(action=payload.step).first()
    if step is None:
        raise ServiceError(
            ErrorCode.INVALID,
            "报账单的步骤只有队长签字(sign)和镇长核签(cosign)。",
            field="step",
            article=services.USE_ARTICLE,
        )
    step_decide(
        user=request.user,
        step=step,
        approve=payload.approve,
        comment=payload.comment,
        address=address(request),
    )
    return 200, expense_out(_expense(expense.pk), expense.ledger.team_id)


class AllocationIn(Record):
    year: int = Field(..., ge=2000, le=2100, description="经费年度")
    source: Source = Field(
        ..., description="province 省级 / city 市级 / county 县级财政 / topup 区县追加"
    )
    amount: str = Field(..., max_length=20, description="金额(元),最多两位小数")
    disbursed_on: date = Field(..., description="拨付日期")
    document_no: str = Field("", max_length=60, description="拨付文号")


@router.post(
    "/funds/teams/{team_id}/allocations",
    response={201: AllocationOut, **WRITE_ERRORS},
    summary="区县登记拨付至镇(街办)的工作经费;省、市、县份额不超过5:3:2应拨额(第二十四条)",
)
@allow_api(Role.COUNTY)
@idempotent(AllocationOut)
def allocation_create(
    request, team_id: int, payload: AllocationIn, idempotency_key: IdempotencyKey = None
):
    team = selectors.team_for(request.user, team_id)
    allocation = services.allocation_record(
        user=request.user,
        team=team,
        year=payload.year,
        source=payload.source,
        amount_fen=_yuan(payload.amount),
        disbursed_on=payload.disbursed_on,
        document_no=payload.document_no,
        address=address(request),
    )
    return 201, allocation_out(allocation)


class ReviewIn(Record):
    comment: str = Field(..., max_length=500, description="核报意见")


class ReviewOut(Record):
    id: int
    team_id: int
    up_to: date
    balance_fen: int
    comment: str
    reviewed_at: datetime


@router.post(
    "/funds/teams/{team_id}/reviews",
    response={201: ReviewOut, **WRITE_ERRORS},
    summary="镇(街办)核报工作队经费台账(第二十五条)",
)
@allow_api(Role.TOWN)
@idempotent(ReviewOut)
def review_create(request, team_id: int, payload: ReviewIn, idempotency_key: IdempotencyKey = None):
    team = selectors.team_for(request.user, team_id)
    ledger = selectors.ledger_or_none(team)
    if ledger is None:
        raise ServiceError(
            ErrorCode.CONFLICT, "该工作队尚无经费台账,无可核报。", article=services.USE_ARTICLE
        )
    review = services.ledger_review(
        user=request.user, ledger=ledger, comment=payload.comment, address=address(request)
    )
    return 201, {
        "id": review.pk,
        "team_id": team.pk,
        "up_to": review.up_to,
        "balance_fen": review.balance_fen,
        "comment": review.comment,
        "reviewed_at": review.reviewed_at,
    }


class AllowanceOut(Record):
    cadre: CadreRef
    unit: str
    month: str
    article: str
    rates_set: bool
    living_fen_per_day: int | None
    transport_fen_per_week: int | None
    communication_fen_per_month: int | None
    stationed_days: int
    weeks: int
    months: int
    living_fen: int
    transport_fen: int
    communication_fen: int
    total_fen: int
    stationed_dates: list[date]


@router.get(
    "/me/allowances",
    response={200: AllowanceOut, **READ_ERRORS},
    summary="本人一个月的驻村补助:按日历的驻村天数、驻村周数和月数乘以派出单位标准(第二十七条)",
)
@allow_api(*STATIONED)
def my_allowance(request, query: Query[MonthQuery]):
    cadre = own_cadre(request)
    first, _last = month_bounds(query.month)
    sheet = monthly_sheet(
        cadre.unit,
        first.year,
        first.month,
        today=timezone.localdate(),
        cadres=Cadre.objects.filter(pk=cadre.pk),
    )
    line = sheet.lines[0] if sheet.lines else None
    rates = sheet.rates
    return {
        "cadre": {"id": cadre.pk, "name": cadre.name},
        "unit": cadre.unit.name,
        "month": f"{first:%Y-%m}",
        "article": "第二十七条",
        "rates_set": rates is not None,
        "living_fen_per_day": rates.living_fen_per_day if rates else None,
        "transport_fen_per_week": rates.transport_fen_per_week if rates else None,
        "communication_fen_per_month": rates.communication_fen_per_month if rates else None,
        "stationed_days": line.stationed_days if line else 0,
        "weeks": line.weeks if line else 0,
        "months": line.months if line else 0,
        "living_fen": line.living_fen if line else 0,
        "transport_fen": line.transport_fen if line else 0,
        "communication_fen": line.communication_fen if line else 0,
        "total_fen": line.total_fen if line else 0,
        "stationed_dates": list(line.stationed_dates) if line else [],
    }
