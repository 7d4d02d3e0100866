"""The fund's balance never goes below zero, also when people submit and countersign at once.

Runs on SQLite and on PostgreSQL (DATABASE_URL=...): each thread has its own
connection. On PostgreSQL the ledger row's lock (select_for_update) makes the
second transaction wait and then see the first one's balance. SQLite's
in-memory test database answers "locked" at once where a real installation's
file database waits (its busy timeout), so there the loser retries as the busy
handler would.
"""

import threading
import time
from datetime import date

import pytest
from django.db import OperationalError, connection

from tests.funds_cast import fund, mayor, receipt
from zhucun.approvals.models import RequestState, Step, StepState
from zhucun.approvals.services import step_decide
from zhucun.errors import ErrorCode, ServiceError
from zhucun.funds.models import Expense, Ledger, LedgerEntry
from zhucun.funds.services import expense_submit

TODAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _race(jobs):
    """Run each job in its own thread, started together; returns "ok" or the error code of each."""
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def run(job):
        locked_before = False
        try:
            barrier.wait()
            for _attempt in range(100):
                try:
                    job()
                    outcomes.append("ok")
                    break
                except OperationalError as error:
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    locked_before = True
                    time.sleep(0.02)
            else:
                raise AssertionError("the database stayed locked")
        except ServiceError as error:
            # On SQLite the lock error can come from a read after the decision
            # committed (step_decide re-reads the step); the retry then finds its
            # own decision: that attempt succeeded.
            if error.code == ErrorCode.ALREADY_DECIDED and locked_before:
                outcomes.append("ok")
            else:
                outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def _submit(cast, amount_fen):
    return expense_submit(
        user=cast.users["bob"],
        team=cast.team,
        category="internet",
        amount_fen=amount_fen,
        spent_on=date(2026, 6, 1),
        description="宽带月费",
        receipt=receipt(),
        today=TODAY,
    )


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_never_promise_more_than_the_balance(cast):
    # Given a ledger with 100 yuan
    fund(cast, 10_000)
    # When three submissions of 60 yuan arrive at the same moment
    outcomes = _race([lambda: _submit(cast, 6_000)] * 3)
    # Then exactly one is accepted and the others are refused for want of money
    assert sorted(outcomes, key=str) == sorted(
        ["ok", ErrorCode.INSUFFICIENT_BALANCE, ErrorCode.INSUFFICIENT_BALANCE], key=str
    )
    assert Expense.objects.filter(approval__state=RequestState.PENDING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_countersigns_book_only_what_the_balance_holds(cast):
    # Given two signed expenses of 60 yuan waiting for the mayor, and a balance
    # that has since fallen to 100 yuan (as after an earlier booking)
    fund(cast, 12_000)
    expenses = [_submit(cast, 6_000), _submit(cast, 6_000)]
    for expense in expenses:
        step = expense.approval.steps.get(position=0)
        step_decide(user=cast.users["alice"], step=step, approve=True)
    Ledger.objects.filter(team=cast.team).update(balance_fen=10_000)
    the_mayor = mayor(cast)
    steps = [e.approval.steps.get(position=1) for e in expenses]

    def countersign(step_id):
        def job():
            step = Step.objects.select_related("request__cadre").get(pk=step_id)
            step_decide(user=the_mayor, step=step, approve=True)

        return job

    # When the mayor countersigns both at the same moment (two browser tabs)
    outcomes = _race([countersign(s.pk) for s in steps])

    # Then one is booked and the other refused, its step still waiting for a decision
    assert sorted(outcomes, key=str) == sorted(["ok", ErrorCode.INSUFFICIENT_BALANCE], key=str)
    assert Ledger.objects.get(team=cast.team).balance_fen == 4_000
    assert LedgerEntry.objects.filter(expense__isnull=False).count() == 1
    assert sorted(
        Step.objects.filter(pk__in=[s.pk for s in steps]).values_list("state", flat=True)
    ) == [
        StepState.APPROVED,
        StepState.PENDING,
    ]
