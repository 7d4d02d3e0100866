"""The team work fund (第二十四条、第二十五条): the 5:3:2 split, allocations, the signing chain."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.funds_cast import PNG, fund, mayor, receipt
from zhucun.approvals.models import RequestState, StepState
from zhucun.approvals.services import step_decide
from zhucun.audit.models import AuditEvent
from zhucun.errors import ErrorCode, ServiceError
from zhucun.funds.entitlement import entitlement_for, split_fen
from zhucun.funds.models import Ledger, LedgerEntry, Source
from zhucun.funds.money import fen_to_yuan, yuan_to_fen
from zhucun.funds.services import allocation_record, expense_submit
from zhucun.policy.parameters import ParameterBook
from zhucun.rulebook.book import book_for
from zhucun.rulebook.models import ParameterOverride
from zhucun.uploads import max_bytes

TODAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _expense(cast, amount_fen=12000, who="bob", upload=None, category="supplies"):
    return expense_submit(
        user=cast.users[who],
        team=cast.team,
        category=category,
        amount_fen=amount_fen,
        spent_on=date(2026, 6, 1),
        description="打印纸、墨盒",
        receipt=upload or receipt(),
        today=TODAY,
    )


def _steps(expense):
    return list(expense.approval.steps.order_by("position"))


def _sign_and_countersign(cast, expense):
    leader_step, mayor_step = _steps(expense)
    step_decide(user=cast.users["alice"], step=leader_step, approve=True)
    mayor_step.refresh_from_db()
    return step_decide(user=mayor(cast), step=mayor_step, approve=True)


# -- 第二十四条: the yearly fund and its split ----------------------------------


def test_the_yearly_fund_of_ten_thousand_yuan_splits_five_three_two_in_fen():
    entitlement = entitlement_for(2026, ParameterBook())
    assert entitlement.total_fen == 1_000_000
    assert entitlement.parts_fen == {
        Source.PROVINCE: 500_000,
        Source.CITY: 300_000,
        Source.COUNTY: 200_000,
    }
    assert all(isinstance(v, int) for v in entitlement.parts_fen.values())
    assert "5:3:2" in entitlement.explanation


@given(
    total=st.integers(min_value=0, max_value=10**9),
    shares=st.tuples(*[st.integers(min_value=0, max_value=20)] * 3).filter(lambda t: sum(t) > 0),
)
def test_a_split_always_adds_up_to_the_total_and_each_part_is_within_a_fen(total, shares):
    shares = dict(zip((Source.PROVINCE, Source.CITY, Source.COUNTY), shares, strict=True))
    parts = split_fen(total, shares)
    assert sum(parts.values()) == total
    for source, n in shares.items():
        exact_times_parts = total * n
        assert abs(parts[source] * sum(shares.values()) - exact_times_parts) < sum(shares.values())


def test_a_county_raising_its_fund_changes_the_years_from_the_override_on(cast):
    # Given 周至 sets 12,000 yuan per team from 2026 (第二十四条 有条件的区县可适当增加, 第三十八条)
    ParameterOverride.objects.create(
        county=cast.county,
        key="fund_yuan_per_team_year",
        value=12000,
        effective_from=date(2026, 1, 1),
    )
    # Then 2025 keeps the city's 10,000 and 2026 splits 12,000 the same 5:3:2
    assert entitlement_for(2025, book_for(cast.county)).total_fen == 1_000_000
    assert entitlement_for(2026, book_for(cast.county)).parts_fen == {
        Source.PROVINCE: 600_000,
        Source.CITY: 360_000,
        Source.COUNTY: 240_000,
    }
    assert entitlement_for(2026, book_for(cast.other_county)).total_fen == 1_000_000


def test_yuan_are_parsed_to_fen_without_floats_and_bad_amounts_are_refused():
    assert yuan_to_fen("1280.5") == 128050
    assert yuan_to_fen("0.01") == 1
    assert yuan_to_fen("1,000") == 100000
    assert fen_to_yuan(128050) == "1,280.50"
    for bad in ("-1", "1.234", "abc", "", "1e3"):
        with pytest.raises(ValueError, match="两位小数"):
            yuan_to_fen(bad)


def test_the_county_records_a_disbursement_to_the_town_and_the_ledger_grows(cast):
    allocation = fund(cast, 500_000)
    ledger = Ledger.objects.get(team=cast.team)
    assert ledger.balance_fen == 500_000
    assert allocation.town == cast.town
    entry = LedgerEntry.objects.get(allocation=allocation)
    assert (entry.amount_fen, entry.balance_after_fen) == (500_000, 500_000)
    assert AuditEvent.objects.filter(event="fund.allocate", object_id=str(allocation.pk)).exists()


def test_a_share_cannot_be_disbursed_beyond_its_part_but_a_county_top_up_can(cast):
    fund(cast, 200_000, source=Source.COUNTY)
    with pytest.raises(ServiceError) as refused:
        fund(cast, 1, source=Source.COUNTY)
    assert refused.value.code == ErrorCode.QUOTA_EXCEEDED
    assert refused.value.article == "第二十四条"
    assert "区县追加" in refused.value.message
    fund(cast, 300_000, source=Source.COUNTY_TOPUP)
    assert Ledger.objects.get(team=cast.team).balance_fen == 500_000


@pytest.mark.parametrize("who", ["ed", "gus", "oscar", "alice", "fay"])
def test_only_the_teams_county_records_disbursements(cast, who):
    with pytest.raises(ServiceError) as refused:
        allocation_record(
            user=cast.users[who],
            team=cast.team,
            year=2026,
            source=Source.PROVINCE,
            amount_fen=100,
            disbursed_on=date(2026, 1, 10),
            today=TODAY,
        )
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert not LedgerEntry.objects.exists()


# -- 第二十五条: 经手 → 签字 → 核签, booked at the last signature -------------------


def test_an_expense_is_booked_only_when_the_mayor_countersigns(cast):
    fund(cast, 50_000)
    # Given bob handled a purchase and submitted it
    expense = _expense(cast, 12_000)
    leader_step, mayor_step = _steps(expense)
    assert (leader_step.approver_kind, leader_step.action) == ("team_leader", "sign")
    assert (mayor_step.approver_kind, mayor_step.action, mayor_step.region) == (
        "town_mayor",
        "cosign",
        cast.town,
    )
    # When the team leader signs, nothing is booked yet
    step_decide(user=cast.users["alice"], step=leader_step, approve=True)
    assert Ledger.objects.get(team=cast.team).balance_fen == 50_000
    assert not LedgerEntry.objects.filter(expense=expense).exists()
    # When the mayor countersigns, it is booked
    mayor_step.refresh_from_db()
    step_decide(user=mayor(cast), step=mayor_step, approve=True)
    expense.refresh_from_db()
    assert expense.approval.state == RequestState.APPROVED
    assert expense.booked_at is not None
    assert Ledger.objects.get(team=cast.team).balance_fen == 38_000
    entry = LedgerEntry.objects.get(expense=expense)
    assert (entry.amount_fen, entry.balance_after_fen) == (-12_000, 38_000)
    assert AuditEvent.objects.filter(event="fund.expense_book", object_id=str(expense.pk)).exists()


def test_the_mayor_cannot_countersign_before_the_team_leader_signs(cast):
    fund(cast, 50_000)
    expense = _expense(cast)
    _leader_step, mayor_step = _steps(expense)
    with pytest.raises(ServiceError) as refused:
        step_decide(user=mayor(cast), step=mayor_step, approve=True)
    assert refused.value.code == ErrorCode.OUT_OF_ORDER
    mayor_step.refresh_from_db()
    assert mayor_step.state == StepState.WAITING
    assert Ledger.objects.get(team=cast.team).balance_fen == 50_000


def test_the_party_secretary_is_not_the_mayor_and_cannot_countersign(cast):
    fund(cast, 50_000)
    expense = _expense(cast)
    leader_step, mayor_step = _steps(expense)
    step_decide(user=cast.users["alice"], step=leader_step, approve=True)
    mayor_step.refresh_from_db()
    with pytest.raises(ServiceError) as refused:
        step_decide(user=cast.users["ed"], step=mayor_step, approve=True)
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_a_rejected_expense_is_never_booked_and_frees_the_money(cast):
    fund(cast, 20_000)
    expense = _expense(cast, 20_000)
    leader_step, _ = _steps(expense)
    step_decide(user=cast.users["alice"], step=leader_step, approve=False, comment="票据不全")
    assert not LedgerEntry.objects.filter(expense=expense).exists()
    again = _expense(cast, 20_000)
    _sign_and_countersign(cast, again)
    assert Ledger.objects.get(team=cast.team).balance_fen == 0


def test_the_team_leader_cannot_be_the_handler_of_what_they_sign(cast):
    fund(cast, 50_000)
    with pytest.raises(ServiceError) as refused:
        _expense(cast, who="alice")
    assert refused.value.code == ErrorCode.SELF_APPROVAL
    assert refused.value.article == "第二十五条"


@pytest.mark.parametrize("who", ["carol", "olga", "ed", "dora"])
def test_only_a_cadre_of_the_team_can_hand_in_an_expense(cast, who):
    fund(cast, 50_000)
    with pytest.raises(ServiceError) as refused:
        _expense(cast, who=who)
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_an_expense_beyond_the_free_balance_is_refused_at_submission(cast):
    # Given 300 yuan, of which 200 are already being signed
    fund(cast, 30_000)
    _expense(cast, 20_000)
    # When bob asks for another 100.01 yuan
    with pytest.raises(ServiceError) as refused:
        _expense(cast, 10_001)
    # Then it is refused, naming the free and pending money
    assert refused.value.code == ErrorCode.INSUFFICIENT_BALANCE
    assert "100.00" in refused.value.message and "200.00" in refused.value.message
    # and exactly the free balance is accepted
    _expense(cast, 10_000)


def test_an_expense_outside_the_allowed_uses_is_refused(cast):
    fund(cast, 50_000)
    with pytest.raises(ServiceError) as refused:
        _expense(cast, category="banquet")
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "category")
    assert "专款专用" in refused.value.message


def test_a_receipt_is_recognised_by_its_content_and_stored_under_a_generated_name(cast):
    fund(cast, 50_000)
    expense = _expense(cast, upload=receipt(PNG, name="../../etc/发票.png"))
    assert expense.receipt_type == "image/png"
    assert expense.receipt.name.endswith(".png")
    assert "etc" not in expense.receipt.name and "发票" not in expense.receipt.name
    assert expense.receipt_name == "发票.png"


def test_a_receipt_whose_name_claims_another_type_than_its_content_is_refused(cast):
    fund(cast, 50_000)
    with pytest.raises(ServiceError) as refused:
        _expense(cast, upload=receipt(PNG, name="发票.pdf"))
    assert (refused.value.code, refused.value.field) == (ErrorCode.BAD_UPLOAD, "receipt")
    assert "PNG" in refused.value.message and ".pdf" in refused.value.message
    assert not cast.team.ledger.expenses.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"MZ\x90\x00 not a receipt", "按文件内容判断"),
        (b"", "空的"),
        (b"%PDF-" + b"0" * max_bytes(), "不能超过"),
    ],
)
def test_a_bad_receipt_is_refused_and_nothing_is_saved(cast, content, message):
    fund(cast, 50_000)
    with pytest.raises(ServiceError) as refused:
        _expense(cast, upload=receipt(content))
    assert (refused.value.code, refused.value.field) == (ErrorCode.BAD_UPLOAD, "receipt")
    assert message in refused.value.message
    assert not cast.team.ledger.expenses.exists()
