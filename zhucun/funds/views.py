"""Pages of the team work fund (第二十四条、第二十五条)."""

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhucun.accounts.access import allow
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for
from zhucun.errors import ServiceError
from zhucun.exports.xlsx import exporter_unit, xlsx_response
from zhucun.funds import selectors, services
from zhucun.funds.entitlement import entitlement_for
from zhucun.funds.forms import AllocationForm, ExpenseForm, PeriodForm, ReviewForm
from zhucun.funds.models import SHARED_SOURCES, Source
from zhucun.funds.money import fen_to_yuan
from zhucun.rulebook.book import book_for

VIEWERS = (Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT, Role.TEAM_LEADER, Role.MEMBER)


def _address(request):
    return request.META.get("REMOTE_ADDR")


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _form_error(form, error: ServiceError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


@allow(*VIEWERS)
def ledger_list(request):
    year = _year(request)
    teams = selectors.teams_with_ledgers(request.user, year)
    page = Paginator(teams, 50).get_page(request.GET.get("page"))
    return render(request, "funds/ledger_list.html", {"page": page, "year": year})


def _roles_on(user, team):
    scope = scope_for(user)
    return {
        "county": team.village.county_id in scope.county_ids,
        "town": team.village.town_id in scope.town_ids,
        "cadre": team.pk in scope.led_team_ids | scope.member_team_ids,
    }


def _ledger_context(request, team, year, **forms):
    ledger = selectors.ledger_or_none(team)
    entitlement = entitlement_for(year, book_for(team.village.county))
    allocations = list(selectors.allocations_of(ledger, year))
    disbursed = {s: 0 for s in Source}
    for a in allocations:
        disbursed[Source(a.source)] += a.amount_fen
    shares = [
        (s.label, entitlement.shares[s], entitlement.parts_fen[s], disbursed[s])
        for s in SHARED_SOURCES
    ]
    roles = _roles_on(request.user, team)
    context = {
        "team": team,
        "year": year,
        "ledger": ledger,
        "entitlement": entitlement,
        "shares": shares,
        "topup_fen": disbursed[Source.COUNTY_TOPUP],
        "allocations": allocations,
        "expenses": list(selectors.expenses_of(ledger, date(year, 1, 1), date(year, 12, 31))),
        "reviews": selectors.reviews_of(ledger),
        "pending_fen": services.pending_total_fen(ledger) if ledger else 0,
        "roles": roles,
        "allocation_form": forms.get("allocation_form")
        or (AllocationForm(initial={"year": year}) if roles["county"] else None),
        "expense_form": forms.get("expense_form") or (ExpenseForm() if roles["cadre"] else None),
        "review_form": forms.get("review_form") or (ReviewForm() if roles["town"] else None),
        "quarters": [(0, "全年"), (1, "一季度"), (2, "二季度"), (3, "三季度"), (4, "四季度")],
    }
    return context


@allow(*VIEWERS)
def ledger_detail(request, pk):
    team = selectors.team_for(request.user, pk)
    return render(
        request, "funds/ledger_detail.html", _ledger_context(request, team, _year(request))
    )


@require_POST
@allow(Role.COUNTY)
def allocation_add(request, pk):
    team = selectors.team_for(request.user, pk)
    form = AllocationForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.allocation_record(
                user=request.user,
                team=team,
                year=data["year"],
                source=data["source"],
                amount_fen=data["amount"],
                disbursed_on=data["disbursed_on"],
                document_no=data["document_no"],
                address=_address(request),
            )
        except ServiceError as error:
            _form_error(form, error)
            status = error.http_status
        else:
            messages.success(request, f"已登记拨付{fen_to_yuan(data['amount'])}元。")
            return redirect(f"{reverse('funds:ledger_detail', args=[team.pk])}?year={data['year']}")
    year = form.cleaned_data.get("year") or _year(request)
    context = _ledger_context(request, team, year, allocation_form=form)
    return render(request, "funds/ledger_detail.html", context, status=status)


@require_POST
@allow(Role.TEAM_LEADER, Role.MEMBER)
def expense_add(request, pk):
    team = selectors.team_for(request.user, pk)
    form = ExpenseForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.expense_submit(
                user=request.user,
                team=team,
                category=data["category"],
                amount_fen=data["amount"],
                spent_on=data["spent_on"],
                description=data["description"],
                receipt=data["receipt"],
                address=_address(request),
            )
        except ServiceError as error:
            _form_error(form, error)
            status = error.http_status
        else:
            messages.success(request, "报账单已提交,待队长签字、镇长核签后入账(第二十五条)。")
            return redirect("funds:expense_detail", expense.pk)
    context = _ledger_context(request, team, _year(request), expense_form=form)
    return render(request, "funds/ledger_detail.html", context, status=status)


@require_POST
@allow(Role.TOWN)
def review_add(request, pk):
    team = selectors.team_for(request.user, pk)
    ledger = selectors.ledger_or_none(team)
    if ledger is None:
        raise Http404
    form = ReviewForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.ledger_review(
                user=request.user,
                ledger=ledger,
                comment=form.cleaned_data["comment"],
                address=_address(request),
            )
        except ServiceError as error:
            _form_error(form, error)
            status = error.http_status
        else:
            messages.success(request, "核报意见已记录。")
            return redirect("funds:ledger_detail", team.pk)
    context = _ledger_context(request, team, _year(request), review_form=form)
    return render(request, "funds/ledger_detail.html", context, status=status)


@allow(*VIEWERS)
def expense_detail(request, pk):
    expense = selectors.expense_for(request.user, pk)
    return render(request, "funds/expense_detail.html", {"expense": expense})


@allow(*VIEWERS)
def receipt(request, pk):
    """The receipt, only to those who may see the expense, always as a download."""
    expense = selectors.expense_for(request.user, pk)
    try:
        handle = expense.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=expense.receipt_name, content_type=expense.receipt_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _period(request):
    form = PeriodForm(request.GET or {"year": timezone.localdate().year})
    if not form.is_valid():
        raise Http404
    year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"] or 0
    if quarter:
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        end = date.fromordinal(end.toordinal() - 1)
        label = f"{year}年第{quarter}季度"
    else:
        start, end, label = date(year, 1, 1), date(year, 12, 31), f"{year}年度"
    return start, end, label


@allow(*VIEWERS)
def notice(request, pk):
    """公示 (第十条(六)、第十一条(一)): the fund's use in a period, to print and post in the village."""
    team = selectors.team_for(request.user, pk)
    start, end, label = _period(request)
    return render(
        request,
        "funds/notice.html",
        {
            "team": team,
            "statement": selectors.statement(team, start, end),
            "label": label,
            "today": timezone.localdate(),
        },
    )


def statement_title(team, year: int) -> str:
    village = team.village
    return (
        f"{village.county.name}{village.town.name}{village.name}驻村工作队{year}年度工作经费收支表"
    )


@allow(*VIEWERS)
def annual_statement(request, pk, year):
    team = selectors.team_for(request.user, pk)
    statement = selectors.statement(team, date(year, 1, 1), date(year, 12, 31))
    return render(
        request,
        "funds/statement.html",
        {
            "team": team,
            "statement": statement,
            "year": year,
            "today": timezone.localdate(),
            "unit": exporter_unit(request.user),
        },
    )


STATEMENT_HEADERS = [
    "日期",
    "类型",
    "摘要",
    "经手人",
    "队长签字",
    "镇长核签",
    "金额(元)",
    "余额(元)",
]


def _statement_rows(statement):
    rows = [["", "上年结转", "", "", "", "", "", fen_to_yuan(statement.opening_fen)]]
    for line in statement.lines:
        entry = line.entry
        if entry.expense is not None:
            e = entry.expense
            what = f"{e.get_category_display()}:{e.description}"
            who = e.handler.name
        else:
            a = entry.allocation
            what = f"{a.get_source_display()}拨入{(' ' + a.document_no) if a.document_no else ''}"
            who = ""
        rows.append(
            [
                entry.booked_on.isoformat(),
                entry.get_kind_display(),
                what,
                who,
                str(line.signers.get("team_leader", "")),
                str(line.signers.get("town_mayor", "")),
                fen_to_yuan(entry.income_fen)
                if entry.income_fen
                else fen_to_yuan(-entry.spending_fen),
                fen_to_yuan(line.balance_fen),
            ]
        )
    rows.append(
        [
            "",
            "合计",
            f"拨入{fen_to_yuan(statement.in_fen)}元",
            f"支出{fen_to_yuan(statement.out_fen)}元",
            "",
            "",
            "",
            fen_to_yuan(statement.closing_fen),
        ]
    )
    rows.append(["", "说明", f"依据第二十四条、第二十五条;{statement.entitlement.explanation}"])
    return rows


@allow(*VIEWERS)
def annual_statement_xlsx(request, pk, year):
    team = selectors.team_for(request.user, pk)
    statement = selectors.statement(team, date(year, 1, 1), date(year, 12, 31))
    return xlsx_response(
        request=request,
        title=statement_title(team, year),
        headers=STATEMENT_HEADERS,
        rows=_statement_rows(statement),
        filters={"team": team.pk, "year": year},
    )
