"""Pages of the work fund: who sees which ledger, the 公示, the statement and its Excel."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.funds_cast import PDF, fund, funded_teams, mayor, receipt
from zhucun.approvals.services import step_decide
from zhucun.funds.models import Ledger
from zhucun.funds.services import expense_submit

TODAY = date(2026, 6, 30)
BOOKED = timezone.localdate()
QUARTER = (BOOKED.month - 1) // 3 + 1


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _booked_expense(cast, description="打印纸", amount_fen=12_000):
    expense = expense_submit(
        user=cast.users["bob"],
        team=cast.team,
        category="supplies",
        amount_fen=amount_fen,
        spent_on=date(2026, 2, 3),
        description=description,
        receipt=receipt(),
        today=TODAY,
    )
    step_decide(user=cast.users["alice"], step=expense.approval.steps.get(position=0), approve=True)
    step_decide(user=mayor(cast), step=expense.approval.steps.get(position=1), approve=True)
    return expense


SEES_TEAM = ["alice", "bob", "dora", "ed", "fay", "gus"]
OUTSIDERS = ["oscar", "olga"]


@pytest.mark.parametrize("who", SEES_TEAM)
def test_the_teams_ledger_opens_for_everyone_in_its_scope(cast, login, who):
    fund(cast, 50_000)
    response = login(cast.users[who]).get(reverse("funds:ledger_detail", args=[cast.team.pk]))
    assert response.status_code == 200
    assert "500.00" in response.content.decode()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_the_teams_ledger_is_not_found_for_outsiders(cast, login, who):
    fund(cast, 50_000)
    client = login(cast.users[who])
    for name in ("funds:ledger_detail", "funds:notice"):
        assert client.get(reverse(name, args=[cast.team.pk])).status_code == 404
    assert client.get(reverse("funds:statement", args=[cast.team.pk, 2026])).status_code == 404
    assert client.get(reverse("funds:statement_xlsx", args=[cast.team.pk, 2026])).status_code == 404


@pytest.mark.parametrize("who", ["sam", "aud", "carol"])
def test_roles_without_fund_business_are_refused(cast, login, who):
    assert login(cast.users[who]).get(reverse("funds:ledger_list")).status_code == 403


def test_the_county_list_shows_its_teams_and_not_the_other_countys(cast, login):
    fund(cast, 50_000)
    body = (
        login(cast.users["dora"]).get(reverse("funds:ledger_list") + "?year=2026").content.decode()
    )
    assert cast.village.name in body
    assert cast.other_village.name not in body


def test_the_receipt_downloads_only_in_scope_and_always_as_an_attachment(cast, login):
    fund(cast, 50_000)
    expense = _booked_expense(cast)
    url = reverse("funds:receipt", args=[expense.pk])
    response = login(cast.users["ed"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert login(cast.users["oscar"]).get(url).status_code == 404
    assert (
        login(cast.users["oscar"])
        .get(reverse("funds:expense_detail", args=[expense.pk]))
        .status_code
        == 404
    )


def test_the_notice_for_a_quarter_lists_the_booked_expenses_with_their_signers(cast, login):
    fund(cast, 50_000)
    _booked_expense(cast, "打印纸")
    body = (
        login(cast.users["alice"])
        .get(
            reverse("funds:notice", args=[cast.team.pk]) + f"?year={BOOKED.year}&quarter={QUARTER}"
        )
        .content.decode()
    )
    # (an expense is booked on the day the mayor countersigns: today)
    assert "工作经费使用情况公示" in body and f"{BOOKED.year}年第{QUARTER}季度" in body
    assert "打印纸" in body and "艾丽" in body  # the leader who signed
    assert "380.00" in body  # closing balance
    other = login(cast.users["alice"]).get(
        reverse("funds:notice", args=[cast.team.pk]) + f"?year={BOOKED.year - 1}&quarter={QUARTER}"
    )
    assert "打印纸" not in other.content.decode()


def test_the_annual_statement_exports_to_excel_without_formula_injection(cast, login):
    fund(cast, 50_000)
    _booked_expense(cast, '=HYPERLINK("http://evil","x")')
    response = login(cast.users["dora"]).get(
        reverse("funds:statement_xlsx", args=[cast.team.pk, BOOKED.year])
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [v for v in values if isinstance(v, str) and "HYPERLINK" in v]
    assert texts and all(not t.startswith("=") for t in texts)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "380.00" in values


def test_the_county_records_a_disbursement_through_the_page_in_yuan(cast, login):
    response = login(cast.users["dora"]).post(
        reverse("funds:allocation_add", args=[cast.team.pk]),
        {"year": 2026, "source": "province", "amount": "5000", "disbursed_on": "2026-01-15"},
    )
    assert response.status_code == 302
    assert Ledger.objects.get(team=cast.team).balance_fen == 500_000


def test_a_bad_amount_on_the_page_names_the_field_and_saves_nothing(cast, login):
    response = login(cast.users["dora"]).post(
        reverse("funds:allocation_add", args=[cast.team.pk]),
        {"year": 2026, "source": "province", "amount": "12.345", "disbursed_on": "2026-01-15"},
    )
    assert response.status_code == 422
    assert "金额(元):" in response.content.decode()
    assert not Ledger.objects.filter(team=cast.team, balance_fen__gt=0).exists()


def test_a_member_submits_an_expense_with_a_receipt_through_the_page(cast, login):
    fund(cast, 50_000)
    response = login(cast.users["bob"]).post(
        reverse("funds:expense_add", args=[cast.team.pk]),
        {
            "category": "internet",
            "amount": "120",
            "spent_on": "2026-01-20",
            "description": "宽带",
            "receipt": receipt(),
        },
    )
    assert response.status_code == 302
    assert cast.team.ledger.expenses.get().amount_fen == 12_000


def test_the_town_records_its_check_of_a_ledger(cast, login):
    fund(cast, 50_000)
    response = login(cast.users["ed"]).post(
        reverse("funds:review_add", args=[cast.team.pk]), {"comment": "账实相符"}
    )
    assert response.status_code == 302
    review = cast.team.ledger.reviews.get()
    assert (review.balance_fen, review.reviewed_by) == (50_000, cast.users["ed"])


@pytest.mark.parametrize("extra", [1, 12])
def test_the_ledger_list_needs_a_bounded_number_of_queries(
    cast, client, extra, django_assert_max_num_queries
):
    funded_teams(cast, extra)
    client.force_login(cast.users["dora"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("funds:ledger_list") + "?year=2026")
    assert response.status_code == 200
    assert response.content.decode().count("增村") == extra


@pytest.mark.parametrize("expenses", [1, 8])
def test_the_ledger_page_needs_a_bounded_number_of_queries(
    cast, client, expenses, django_assert_max_num_queries
):
    fund(cast, 500_000)
    for _ in range(expenses):
        _booked_expense(cast)
    client.force_login(cast.users["dora"])
    with django_assert_max_num_queries(20):
        assert (
            client.get(
                reverse("funds:ledger_detail", args=[cast.team.pk]) + "?year=2026"
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(16):
        assert client.get(reverse("funds:statement", args=[cast.team.pk, 2026])).status_code == 200
