"""The work fund and allowances through the API: the pages' services, scope, refusals."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.funds_cast import PDF, PNG, fund, funded_teams, mayor
from zhucun.allowances.services import rates_set
from zhucun.errors import ServiceError
from zhucun.funds.models import Expense, Ledger
from zhucun.funds.receipts import checked_receipt
from zhucun.stationing.models import CheckIn
from zhucun.uploads import max_bytes

YEAR = timezone.localdate().year
SPENT = timezone.localdate() - timedelta(days=1)
KEY = "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ledger_url(cast):
    return f"/api/v1/funds/teams/{cast.team.pk}/ledger?year={YEAR}"


def submit(client, team, *, content=PDF, name="发票.pdf", amount="120.50", key=None, **extra):
    data = {
        "category": "supplies",
        "amount": amount,
        "spent_on": SPENT.isoformat(),
        "description": "打印纸两箱",
        **extra,
    }
    if content is not None:
        data["receipt"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/funds/teams/{team.pk}/expenses", data=data, **headers)


def sign(client, expense_id, step, approve=True, comment=""):
    return client.post(
        f"/api/v1/funds/expenses/{expense_id}/signatures",
        data=json.dumps({"step": step, "approve": approve, "comment": comment}),
        content_type="application/json",
    )


@pytest.mark.parametrize("who", ["alice", "bob", "dora", "ed", "fay", "gus"])
def test_the_teams_ledger_reads_for_everyone_in_its_scope(cast, bearer, who):
    # Given a team with 500 yuan disbursed
    fund(cast, 50_000, year=YEAR)
    # When someone whose scope holds the team reads its ledger
    response = bearer(cast.users[who]).get(ledger_url(cast))
    # Then they see the balance and the 5:3:2 split of 第二十四条
    assert response.status_code == 200
    body = response.json()
    assert body["balance_fen"] == 50_000 and body["article"] == "第二十四条"
    assert [s["share"] for s in body["shares"]] == [5, 3, 2]
    assert body["shares"][0]["disbursed_fen"] == 50_000


@pytest.mark.parametrize("who, status", [("oscar", 404), ("olga", 404), ("carol", 403)])
def test_the_teams_ledger_is_hidden_from_outsiders_and_refused_to_other_roles(
    cast, bearer, who, status
):
    fund(cast, 50_000, year=YEAR)
    response = bearer(cast.users[who]).get(ledger_url(cast))
    assert response.status_code == status
    assert response.json()["code"] == {403: "forbidden", 404: "not_found"}[status]


@pytest.mark.parametrize(
    "who, teams", [("dora", {"team"}), ("oscar", {"other_team"}), ("gus", {"team", "other_team"})]
)
def test_the_ledger_list_holds_exactly_the_teams_in_scope(cast, bearer, who, teams):
    got = bearer(cast.users[who]).get(f"/api/v1/funds/ledgers?year={YEAR}").json()["items"]
    assert {row["team_id"] for row in got} == {getattr(cast, t).pk for t in teams}


def test_a_cadre_submits_an_expense_with_its_receipt_once_whatever_the_resends(cast, bearer):
    # Given a funded team and bob, a member, on a weak signal
    fund(cast, 50_000, year=YEAR)
    client = bearer(cast.users["bob"])
    # When he sends the expense twice with the same key
    first = submit(client, cast.team, key=KEY)
    again = submit(client, cast.team, key=KEY)
    # Then one expense waits for the leader's signature, then the mayor's countersign
    assert first.status_code == 201, first.content
    assert (again.status_code, again.content) == (first.status_code, first.content)
    body = first.json()
    assert body["amount_fen"] == 12_050 and body["handler"]["id"] == cast.member.pk
    assert [(s["action"], s["state"]) for s in body["steps"]] == [
        ("签字", "pending"),
        ("核签", "waiting"),
    ]
    assert body["article"] == "第二十五条" and body["booked_at"] is None
    assert Expense.objects.count() == 1
    # And the same key with another body is a conflict
    other = submit(client, cast.team, key=KEY, amount="99")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_mismatch"


@pytest.mark.parametrize(
    "content, name",
    [
        (PDF + b"\x00" * max_bytes(), "发票.pdf"),  # over the size limit
        (b"<html><script>alert(1)</script></html>", "发票.pdf"),  # not a PDF, whatever its name
        (b"", "发票.pdf"),  # empty
        (None, None),  # no receipt at all
    ],
)
def test_a_bad_receipt_is_refused_as_on_the_page_and_nothing_is_saved(cast, bearer, content, name):
    fund(cast, 50_000, year=YEAR)
    # Given the refusal the page shows for this file (the service's own words)
    upload = SimpleUploadedFile(name, content) if content is not None else None
    with pytest.raises(ServiceError) as page_refusal:
        checked_receipt(upload)
    # When the file is sent to the API
    response = submit(bearer(cast.users["bob"]), cast.team, content=content, name=name)
    # Then the answer carries the same code, field and Chinese message
    assert response.status_code == 422
    assert response.json()["code"] == "bad_upload" == page_refusal.value.code
    assert response.json()["field"] == "receipt"
    assert response.json()["message"] == page_refusal.value.message
    assert not Expense.objects.exists()


def test_an_amount_that_is_not_yuan_or_more_than_the_free_balance_is_refused(cast, bearer):
    fund(cast, 10_000, year=YEAR)
    client = bearer(cast.users["bob"])
    wrong = submit(client, cast.team, amount="12.345")
    assert (wrong.status_code, wrong.json()["field"]) == (422, "amount")
    assert "两位小数" in wrong.json()["message"]
    too_much = submit(client, cast.team, amount="100.01")
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient_balance"
    assert too_much.json()["article"] == "第二十五条"
    assert not Expense.objects.exists()


def test_the_leader_submitting_or_an_outsider_submitting_is_refused(cast, bearer):
    fund(cast, 50_000, year=YEAR)
    # The leader signs, so she cannot also be the one who handled it (第二十五条)
    leader = submit(bearer(cast.users["alice"]), cast.team)
    assert (leader.status_code, leader.json()["code"]) == (403, "self_approval")
    # A leader of another county's team does not even see this team
    assert submit(bearer(cast.users["olga"]), cast.team).status_code == 404
    assert not Expense.objects.exists()


def test_the_signatures_go_in_order_and_the_countersign_books_the_expense(cast, bearer):
    # Given a submitted expense of 120.50 yuan on a ledger of 500 yuan
    fund(cast, 50_000, year=YEAR)
    expense_id = submit(bearer(cast.users["bob"]), cast.team).json()["id"]
    town = bearer(mayor(cast))
    # When the mayor tries to countersign first, it is out of order
    early = sign(town, expense_id, "cosign")
    assert (early.status_code, early.json()["code"]) == (409, "out_of_order")
    # And the leader cannot countersign for the mayor
    alice = bearer(cast.users["alice"])
    assert sign(alice, expense_id, "cosign").json()["code"] == "forbidden"
    # When the leader signs and the mayor countersigns
    assert sign(alice, expense_id, "sign").status_code == 200
    booked = sign(town, expense_id, "cosign")
    # Then it is booked and the balance went down by the amount
    assert booked.status_code == 200, booked.content
    assert booked.json()["state"] == "approved" and booked.json()["booked_at"]
    assert Ledger.objects.get(team=cast.team).balance_fen == 50_000 - 12_050
    # And a decided step stays decided
    assert sign(alice, expense_id, "sign").json()["code"] == "already_decided"
    # And the member who handled it is not a signer at all
    assert sign(bearer(cast.users["bob"]), expense_id, "sign").status_code == 403


def test_an_expense_reads_in_scope_and_is_not_found_outside(cast, bearer):
    fund(cast, 50_000, year=YEAR)
    expense_id = submit(bearer(cast.users["bob"]), cast.team).json()["id"]
    url = f"/api/v1/funds/expenses/{expense_id}"
    for who in ("alice", "bob", "dora", "ed", "fay", "gus"):
        assert bearer(cast.users[who]).get(url).status_code == 200, who
    for who in ("oscar", "olga"):
        assert bearer(cast.users[who]).get(url).status_code == 404, who
    rejected = sign(bearer(cast.users["olga"]), expense_id, "sign")
    assert rejected.status_code == 404


def test_a_cadre_reads_their_own_allowance_from_the_calendar_days(cast, bearer):
    # Given bob's unit pays 80 yuan a stationed day, 30 a week, 50 a month
    first = timezone.localdate().replace(day=1)
    rates_set(
        user=cast.users["fay"],
        unit=cast.member.unit,
        effective_from=first - timedelta(days=400),
        living_fen_per_day=8_000,
        transport_fen_per_week=3_000,
        communication_fen_per_month=5_000,
    )
    # And bob checked in on the first two days of this month (or today, if it is the 1st)
    days = sorted({first, min(first + timedelta(days=1), timezone.localdate())})
    assignment = cast.member.assignments.get()
    for day in days:
        CheckIn.objects.create(cadre=cast.member, assignment=assignment, day=day, at=timezone.now())
    # When bob reads his allowance for the month
    response = bearer(cast.users["bob"]).get(f"/api/v1/me/allowances?month={first:%Y-%m}")
    # Then it is rate × the calendar's stationed days, with the days as evidence
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["article"] == "第二十七条"
    assert body["stationed_dates"] == [d.isoformat() for d in days]
    assert body["living_fen"] == 8_000 * len(days)
    assert body["total_fen"] == body["living_fen"] + body["transport_fen"] + 5_000


@pytest.mark.parametrize("who", ["dora", "ed", "carol"])
def test_only_stationed_cadres_have_own_allowances(cast, bearer, who):
    assert bearer(cast.users[who]).get("/api/v1/me/allowances").status_code == 403


@pytest.mark.parametrize("extra", [1, 12])
def test_the_ledger_list_needs_a_bounded_number_of_queries(
    cast, bearer, extra, django_assert_max_num_queries
):
    funded_teams(cast, extra, year=YEAR)
    client = bearer(cast.users["dora"])
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/funds/ledgers?year={YEAR}")
    assert response.json()["count"] == extra + 1


@pytest.mark.parametrize("expenses", [1, 8])
def test_the_ledger_needs_a_bounded_number_of_queries(
    cast, bearer, expenses, django_assert_max_num_queries
):
    fund(cast, 500_000, year=YEAR)
    client = bearer(cast.users["bob"])
    for _ in range(expenses):
        submit(client, cast.team)
    reader = bearer(cast.users["dora"])
    with django_assert_max_num_queries(14):
        response = reader.get(ledger_url(cast))
    assert len(response.json()["expenses"]) == expenses


def test_a_png_receipt_is_accepted_too(cast, bearer):
    fund(cast, 50_000, year=YEAR)
    response = submit(bearer(cast.users["bob"]), cast.team, content=PNG, name="小票.png")
    assert response.status_code == 201 and response.json()["receipt_type"] == "image/png"


def test_an_expense_dated_in_the_future_is_refused_naming_the_field(cast, bearer):
    fund(cast, 50_000, year=YEAR)
    future = submit(
        bearer(cast.users["bob"]),
        cast.team,
        spent_on=(timezone.localdate() + timedelta(days=1)).isoformat(),
    )
    assert (future.status_code, future.json()["code"]) == (422, "future_date")
    assert future.json()["field"] == "spent_on"


def allocate(client, team, *, amount="5000", source="province", key=None):
    body = {
        "year": YEAR,
        "source": source,
        "amount": amount,
        "disbursed_on": timezone.localdate().isoformat(),
        "document_no": "周财预〔2026〕12号",
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(
        f"/api/v1/funds/teams/{team.pk}/allocations",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_the_county_records_a_disbursement_once_and_within_the_532_share(cast, bearer):
    client = bearer(cast.users["dora"])
    # When the county records the province's 5,000 yuan twice under one key
    first = allocate(client, cast.team, key=KEY)
    again = allocate(client, cast.team, key=KEY)
    assert first.status_code == 201 and again.content == first.content
    assert Ledger.objects.get(team=cast.team).balance_fen == 500_000
    # Then one more fen of the province's share is over its 5:3:2 part (第二十四条)
    over = allocate(client, cast.team, amount="0.01")
    assert (over.status_code, over.json()["code"]) == (409, "quota_exceeded")
    assert over.json()["article"] == "第二十四条" and over.json()["field"] == "amount"
    # And a county top-up has no ceiling
    assert allocate(client, cast.team, amount="0.01", source="topup").status_code == 201


@pytest.mark.parametrize("who, status", [("oscar", 404), ("ed", 403), ("alice", 403)])
def test_only_the_teams_own_county_records_disbursements(cast, bearer, who, status):
    assert allocate(bearer(cast.users[who]), cast.team).status_code == status
    assert not Ledger.objects.filter(team=cast.team, balance_fen__gt=0).exists()


def test_the_town_reviews_the_ledger_and_others_cannot(cast, bearer):
    fund(cast, 50_000, year=YEAR)
    url = f"/api/v1/funds/teams/{cast.team.pk}/reviews"

    def review(who, comment="台账与票据一致"):
        return bearer(cast.users[who]).post(
            url, data=json.dumps({"comment": comment}), content_type="application/json"
        )

    done = review("ed")
    assert done.status_code == 201 and done.json()["balance_fen"] == 50_000
    assert (review("ed", "  ").status_code, review("ed", "  ").json()["field"]) == (422, "comment")
    assert review("dora").status_code == 403
    assert review("oscar").status_code == 403
