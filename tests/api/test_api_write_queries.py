"""An API check-in and an API log save cost a fixed number of queries (issue 8's write path).

Counted inside the test's own transaction, so the write's transaction shows as a
SAVEPOINT and its RELEASE (on a server they are BEGIN and COMMIT, which Django
does not count). The numbers do not depend on how much data there is: each
query is one indexed lookup or one row written (the audit chain's lock, records,
rows saved with them and head on PostgreSQL: one statement).
"""

import json

from django.db import connection
from django.utils import timezone

from zhucun.api.routes.attendance import CheckInOut, check_in_out
from zhucun.api.routes.fieldwork import WorkLogOut, log_out
from zhucun.audit.log import verify_chain
from zhucun.audit.models import AuditEvent
from zhucun.stationing.models import CheckIn
from zhucun.worklogs.models import LogRevision, WorkLog


def chain(rows: int, updates: int = 0) -> int:
    """The audit chain's statements with `rows` other new rows and `updates` rows changed
    saved with it (audit/log.py save_with_chain, update_with_chain: the ledger's answer,
    a log's revision, the amended log): lock and read the head, INSERT the rows and the
    records, UPDATE the rows and the head; on PostgreSQL all in one statement (the
    records stamped and hashed in it)."""
    return 1 if connection.vendor == "postgresql" else 2 + rows + updates + 1


def found_or_inserted() -> int:
    """Today's check-in read and, when there is none, inserted (fixed_sql.found_or_inserted):
    on PostgreSQL one statement; elsewhere the read, then the INSERT."""
    return 1 if connection.vendor == "postgresql" else 2


# token (with its user, cadre and the key's ledger row), the scope (positions, today's
# assignments, the check-in's assignment and pairing) and today's check-in read ahead
# with them (api/read_ahead.py; on PostgreSQL one round trip); SAVEPOINT; today's
# check-in read and inserted; the chain with the ledger row; RELEASE.
FIRST_CHECK_IN = 5 + found_or_inserted() + chain(rows=1)
# token (ledger), scope and today's check-in read ahead (found: nothing more read, no
# INSERT); SAVEPOINT; INSERT ledger (no record, so no chain); RELEASE.
REPEATED_CHECK_IN = 6
# token (ledger), scope and today's log read ahead with its households; SAVEPOINT; the
# chain with the ledger row, the revision and the log's UPDATE; RELEASE. (Today is in
# an assignment: the scope read it, the log save does not ask again.)
LOG_AMEND = 5 + chain(rows=2, updates=1)


def read_before_the_write(queries, table) -> bool:
    """Whether `table` was read once, with the token and before the write's transaction
    (its SAVEPOINT here), and not again inside it."""
    reads = [
        n
        for n, q in enumerate(queries)
        if q["sql"].startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]
    begun = next(n for n, q in enumerate(queries) if q["sql"].startswith("SAVEPOINT"))
    return len(reads) == 1 and reads[0] < begun


def scope_reads(queries) -> int:
    """Queries reading the user's positions: the scope's one query."""
    return sum('FROM "accounts_position"' in q["sql"] for q in queries)


def separate_reads(queries, table) -> int:
    return sum(
        f'FROM "{table}"' in q["sql"] and 'FROM "accounts_position"' not in q["sql"]
        for q in queries
    )


def post(client, url, body, key):
    return client.post(
        url, data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def log_body(n):
    return {"day": timezone.localdate().isoformat(), "tasks": [1, 3], "content": f"入户走访第{n}户"}


def test_a_check_in_through_the_api_costs_a_fixed_number_of_queries(
    cast, bearer, django_assert_num_queries
):
    client = bearer(cast.users["bob"])
    # A token's first use records when it was used (then at most every 5 minutes)
    assert client.get("/api/v1/me").status_code == 200
    # When bob checks in for the first time today, with a key as his phone sends it
    with django_assert_num_queries(FIRST_CHECK_IN) as first_queries:
        first = post(client, "/api/v1/checkins", {}, "bench-check-in-1")
    # And taps again (a new key: a new request, not a resend)
    with django_assert_num_queries(REPEATED_CHECK_IN) as again_queries:
        again = post(client, "/api/v1/checkins", {}, "bench-check-in-2")
    # Then each request built the scope once, in one query (no separate pairing or
    # assignment read: the check-in's assignment came with the scope)
    for queries in (first_queries, again_queries):
        assert scope_reads(queries) == 1
        assert separate_reads(queries, "households_pairing") == 0
        assert separate_reads(queries, "stationing_assignment") == 0
    # And the tap again found today's check-in with the token, not in its transaction
    assert read_before_the_write(again_queries, "stationing_checkin")
    # And one check-in was made, answered twice, and audited once on an intact chain
    assert (first.status_code, again.status_code) == (201, 200)
    assert (
        first.json()["cadre"]
        == again.json()["cadre"]
        == {"id": cast.member.pk, "name": cast.member.name}
    )
    assert CheckIn.objects.filter(cadre=cast.member).count() == 1
    # under bob's assignment of today, and the answer is the check-in as stored
    stored = CheckIn.objects.select_related("cadre").get(cadre=cast.member)
    assert stored.assignment.cadre_id == cast.member.pk and stored.assignment.team == cast.team
    assert (
        first.json()
        == again.json()
        == CheckInOut.model_validate(check_in_out(stored)).model_dump(mode="json")
    )
    assert AuditEvent.objects.filter(event="checkin.today").count() == 1
    assert verify_chain() == []


def test_a_log_save_through_the_api_costs_a_fixed_number_of_queries(
    cast, bearer, django_assert_num_queries
):
    client = bearer(cast.users["bob"])
    created = post(client, "/api/v1/worklogs", log_body(1), "bench-log-1")
    # When bob amends today's log
    with django_assert_num_queries(LOG_AMEND) as queries:
        amended = post(client, "/api/v1/worklogs", log_body(2), "bench-log-2")
    # Then the scope was built once, in one query, and today's assignment not read again
    assert scope_reads(queries) == 1
    assert separate_reads(queries, "stationing_assignment") == 0
    assert separate_reads(queries, "households_pairing") == 0
    # And today's log was read with the token, not again in the write's transaction
    assert read_before_the_write(queries, "worklogs_worklog")
    # And the answer is the amended log exactly as stored, its revision kept, both audited
    assert amended.status_code == 200
    body = amended.json()
    stored = WorkLog.objects.select_related("cadre").get(pk=body["id"])
    assert body == WorkLogOut.model_validate(log_out(stored)).model_dump(mode="json")
    assert body["revisions"] == 2 and body["content"] == "入户走访第2户"
    assert body["first_saved_at"] == created.json()["first_saved_at"]
    assert body["cadre"] == {"id": cast.member.pk, "name": cast.member.name}
    assert LogRevision.objects.filter(log_id=body["id"]).count() == 2
    assert list(
        AuditEvent.objects.filter(
            object_type="worklogs.WorkLog", object_id=str(body["id"])
        ).values_list("event", flat=True)
    ) == ["worklog.create", "worklog.amend"]
    assert verify_chain() == []
