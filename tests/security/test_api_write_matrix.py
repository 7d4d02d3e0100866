"""The permission matrix of the JSON API's writes (等保2.0 访问控制): every role × every POST
× own record / someone else's in reach / one outside the caller's reach.

Operations are read from the API itself; each POST has valid content in
WRITES (tests/security/apiwalk.py), so the answer says allow or deny and not
"your body is wrong". What a role may call is what the operation declares with
`@allow_api(...)`:

- a role the operation does not allow gets 403 `forbidden` whatever it sends
  (valid content, an empty body, text that is not JSON): the role is checked
  before the body is read, so the refusal does not tell the body's schema;
- an allowed role is refused a record outside its reach (404 `not_found`, or
  `not_paired` for a household that is not the cadre's own, 第二十条) and one in
  its reach that is not its to act on (403 `forbidden`: a team mate's log, a
  step for another office);
- on its own record (or its own cadre) an allowed role passes: the write is
  made (2xx), or a rule of the 细则 refuses it with its own code (a team
  leader may not be the handler of an expense he signs, `self_approval`,
  第二十五条) — never with a permission code.

Nothing is written unless the answer is 2xx: each call is counted before and
after (the rows it adds or decides), inside a savepoint rolled back after the
call, so one call's write does not change what the next one finds.
"""

import pytest
from django.db import transaction
from django.test import Client

from tests.security.apiwalk import WRITES, bearer, operations, post, write_path, write_records
from tests.security.test_api_permission_matrix import error_code, may_call
from tests.security.test_permission_matrix import CAST
from zhucun.errors import ErrorCode

WRITE_OPERATIONS = {op.name: op for op in operations() if op.method == "POST"}

# The codes that refuse the caller rather than the content: no role, no reach.
DENIALS = {ErrorCode.FORBIDDEN.value, ErrorCode.NOT_FOUND.value, ErrorCode.NOT_PAIRED.value}
FORBIDDEN = {ErrorCode.FORBIDDEN.value}
NOT_JSON = "{这不是JSON"


def test_every_api_write_has_valid_content_in_the_walk():
    missing = sorted(set(WRITE_OPERATIONS) - set(WRITES))
    stale = sorted(set(WRITES) - set(WRITE_OPERATIONS))
    assert missing == [], (
        f"POST operations the write matrix cannot call: {missing}; add valid content "
        "to WRITES in tests/security/apiwalk.py"
    )
    assert stale == [], f"WRITES entries for operations the API no longer has: {stale}"


def test_the_walk_writes_through_every_post_operation_of_the_api():
    # Given the API's own list of POST operations (not a list kept by hand)
    # Then the write matrix covers them all: eleven at the time of writing
    assert len(WRITE_OPERATIONS) >= 11
    assert {"POST /checkins", "POST /funds/teams/{team_id}/allocations"} <= set(WRITE_OPERATIONS)


def call(client, user, name, label, row, body=None):
    """POST once inside a savepoint that is rolled back: (response, rows written)."""
    operation, write = WRITE_OPERATIONS[name], WRITES[name]
    url = write_path(operation, write, row)
    with transaction.atomic():
        before = write.footprint()
        response = post(client, url, write, write.body(user, row) if body is None else body)
        written = write.footprint() - before
        transaction.set_rollback(True)
    return response, written, f"{name} ({label} {url})"


def passed_the_gate(response, written) -> bool:
    """Written (2xx), or refused by a rule of the 细则 with nothing written."""
    if 200 <= response.status_code < 300:
        return written > 0
    code = error_code(response)
    return (
        response.status_code in (403, 409, 422)
        and code in ErrorCode.values
        and code not in DENIALS
        and written == 0
    )


def denied(response, written, codes=DENIALS) -> bool:
    return response.status_code in (403, 404, 422) and error_code(response) in codes and not written


def test_every_write_with_a_record_is_walked_with_one_of_the_callers_and_one_outside(
    matrix_cast,
):
    # Given the cast's records, when the walk picks them for every role that may write,
    # then some role acts on a record of its own and some role on one outside its reach.
    unwalked = []
    for name, write in WRITES.items():
        if write.target is None:
            continue
        labels = {
            label
            for username in CAST
            if may_call(matrix_cast.users[username], WRITE_OPERATIONS[name])
            for label, row in write_records(write, matrix_cast.users[username])
            if row is not None
        }
        if missing := {"own", "other"} - labels:
            unwalked.append(f"{name}: no {'/'.join(sorted(missing))} record")
    assert unwalked == [], "\n".join(unwalked)


def attempts_to_write(users, name):
    """Each allowed role's call on its own record (or its own cadre): (who, response, written)."""
    for username in CAST:
        user = users[username]
        if not may_call(user, WRITE_OPERATIONS[name]):
            continue
        client = bearer(user)
        for label, row in write_records(WRITES[name], user):
            if label == "call" or (label == "own" and row is not None):
                response, written, _where = call(client, user, name, label, row)
                yield username, response, written


def test_every_write_content_in_the_walk_is_written_by_some_role(matrix_cast):
    # Given each POST's content from WRITES
    # When the roles that may call it send it for a record of their own
    # Then for each operation at least one of them really writes: the content is valid,
    # so the matrix's allow is an allow and not a refusal of the body
    unwritten = []
    for name in WRITE_OPERATIONS:
        outcomes = []
        for username, response, written in attempts_to_write(matrix_cast.users, name):
            if 200 <= response.status_code < 300 and written:
                break
            outcomes.append(f"{username}: {response.status_code} {error_code(response)}")
        else:
            unwritten.append(f"{name}: {'; '.join(outcomes) or 'no role may call it'}")
    assert unwritten == [], "\n".join(unwritten)


@pytest.mark.parametrize("username", CAST)
def test_each_role_writes_through_the_api_only_if_allowed_and_only_within_its_scope(
    matrix_cast, username
):
    # Given a member of the cast calling with their own token
    user = matrix_cast.users[username]
    client = bearer(user)
    wrong = []
    for name, operation in WRITE_OPERATIONS.items():
        allowed = may_call(user, operation)
        for label, row in write_records(WRITES[name], user):
            if row is None and label != "call":
                continue  # the cast holds no such record for this user
            # When they send valid content
            response, written, where = call(client, user, name, label, row)
            # Then the answer is what the operation declares, within the user's scope
            if not allowed:
                expected = "403 forbidden, nothing written"
                ok = denied(response, written, FORBIDDEN)
            elif label in ("other", "theirs"):
                expected = "403/404 forbidden/not_found/not_paired, nothing written"
                ok = denied(response, written)
            else:
                expected = "2xx and written, or a rule's refusal with nothing written"
                ok = passed_the_gate(response, written)
            if not ok:
                wrong.append(
                    f"{where}: {response.status_code} {error_code(response)}, "
                    f"written {written}; expected {expected}"
                )
            if not allowed:
                # And whatever else they send, the role is refused before the body is read
                for body in ({}, NOT_JSON):
                    response, written, where = call(client, user, name, label, row, body)
                    if not denied(response, written, FORBIDDEN):
                        wrong.append(
                            f"{where} with {body!r}: {response.status_code} "
                            f"{error_code(response)}; expected 403 forbidden"
                        )
    assert wrong == [], f"{username}: " + "\n".join(wrong)


def test_a_role_that_may_not_write_is_refused_before_its_body_is_read(matrix_cast):
    # Given bob, a team member, and the county's operation of recording a disbursement
    client = bearer(matrix_cast.users["bob"])
    url = f"/api/v1/funds/teams/{matrix_cast.team.pk}/allocations"
    # When he sends an empty body
    response = client.post(url, "{}", content_type="application/json")
    # Then he is told he may not, in the API's Chinese error format, and not which fields
    # the body lacks
    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "field": None,
        "message": "您的岗位无权调用此接口。",
        "article": "",
        "errors": [],
    }


def test_a_page_session_without_the_role_is_refused_before_its_body_is_read(matrix_cast):
    # Given ed, the town office, logged in on the pages (the session, not a token)
    client = Client()
    client.force_login(matrix_cast.users["ed"])
    # When his page script posts a check-in, which only stationed cadres make
    response = client.post("/api/v1/checkins", NOT_JSON, content_type="application/json")
    # Then the role is refused, not the text that is not JSON
    assert response.status_code == 403
    assert error_code(response) == "forbidden"


def test_anonymous_writers_are_told_to_authenticate_whatever_they_send(matrix_cast):
    for name, operation in WRITE_OPERATIONS.items():
        write = WRITES[name]
        row = write.target.model._default_manager.first() if write.target else None
        for body in ({}, NOT_JSON):
            response = post(Client(), write_path(operation, write, row), write, body)
            assert response.status_code == 401, f"anonymous → {name}: {response.status_code}"
            assert error_code(response) == "unauthenticated"
