"""Two approvers deciding one step at the same moment: exactly one decision is stored.

Runs on SQLite and on PostgreSQL (DATABASE_URL=...): each thread has its own
connection and both hold the same stale, pending copy of the step. PostgreSQL
makes the second UPDATE wait for the first transaction and then match no row.
SQLite's in-memory test database answers "table is locked" at once where the
file database of a real installation waits (its 20 s busy timeout), so on
SQLite the loser retries as the busy handler would.
"""

import threading
import time

import pytest
from django.db import OperationalError, connection

from tests import factories as f
from tests.approvals_cast import one_step_request
from zhucun.approvals.models import ApproverKind, StepState
from zhucun.approvals.services import step_decide
from zhucun.audit.models import AuditEvent
from zhucun.errors import ErrorCode, ServiceError


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_on_one_step_produce_exactly_one(cast):
    # Given a town step and two people who may decide it (secretary and mayor)
    mayor = f.office_user("max", "town", region=cast.town, duty="mayor")
    request = one_step_request(cast, ApproverKind.TOWN, cast.town)
    step = request.steps.get()
    deciders = [(cast.users["ed"], True, ""), (mayor, False, "不同意")]
    barrier = threading.Barrier(len(deciders))
    outcomes = []

    def decide(user, approve, comment):
        retried = False
        try:
            mine = type(step).objects.select_related("request__cadre").get(pk=step.pk)
            barrier.wait()
            for _attempt in range(50):
                try:
                    step_decide(user=user, step=mine, approve=approve, comment=comment)
                    break
                except OperationalError as error:
                    if connection.vendor != "sqlite" or "locked" not in str(error):
                        raise
                    retried = True
                    time.sleep(0.02)
            else:
                raise AssertionError("the database stayed locked")
            outcomes.append(("decided", user.username))
        except ServiceError as error:
            # SQLite can report "locked" after its own commit went through; the
            # retry then finds the step decided by this very user.
            if retried and type(step).objects.filter(pk=step.pk, actor=user).exists():
                outcomes.append(("decided", user.username))
            else:
                outcomes.append((error.code, user.username))
        finally:
            connection.close()

    # When both decide at once
    threads = [threading.Thread(target=decide, args=d) for d in deciders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Then one decision is stored and the other is refused as already decided
    assert sorted(o[0] for o in outcomes) == sorted(["decided", ErrorCode.ALREADY_DECIDED])
    winner = next(name for what, name in outcomes if what == "decided")
    step.refresh_from_db()
    assert step.actor.username == winner
    assert step.state == (StepState.APPROVED if winner == "ed" else StepState.REJECTED)
    assert AuditEvent.objects.filter(event="approval.decide").count() == 1
