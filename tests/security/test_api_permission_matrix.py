"""The permission matrix of the JSON API (等保2.0 访问控制): every role × every read × own / other.

Operations are read from the API itself (tests/security/apiwalk.py). What a
role may call is what the operation declares with `@allow_api(...)`:

- a role the operation does not allow gets 403 `forbidden`, an anonymous caller 401;
- an allowed role reads a record of its own scope, and gets 404 `not_found`
  for any record outside it (another county, another team, outside Xi'an).
"""

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.security.apiwalk import (
    DECLARED,
    PREFIX,
    Nested,
    Query,
    bearer,
    needs_filling,
    operations,
)
from tests.security.test_permission_matrix import CAST
from tests.security.urlwalk import records_for
from zhucun.accounts.scope import scope_for

OPERATIONS = {operation.name: operation for operation in operations()}
READS = {name: op for name, op in OPERATIONS.items() if op.method == "GET"}


def test_every_api_operation_declares_who_may_call_it():
    undeclared = [name for name, operation in OPERATIONS.items() if not operation.roles]
    assert undeclared == [], f"API operations without @allow_api(...): {undeclared}"


def test_every_api_read_with_arguments_says_how_to_fill_them():
    unknown = [name for name, op in READS.items() if needs_filling(op) and name not in DECLARED]
    assert unknown == [], (
        f"API reads whose arguments the matrix cannot fill: {unknown}; add them to DECLARED "
        "in tests/security/apiwalk.py"
    )


def test_the_walk_reads_every_get_operation_of_the_api():
    # Given the API's own list of GET operations (not a list kept by hand)
    # Then the matrix reads them all, a dozen at the time of writing
    assert len(READS) >= 12
    assert {"GET /me", "GET /households/{household_id}", "GET /export"} <= set(READS)


def calls_for(operation, user):
    """(label, url) pairs: the operation itself, or a record in and one outside the user's scope."""
    fill = DECLARED.get(operation.name)
    if fill is None:
        yield "call", PREFIX + operation.path
        return
    in_query = isinstance(fill, Query)
    scoped_fill = fill.filler if isinstance(fill, Query | Nested) else fill
    extras = scoped_fill.extra() if scoped_fill.extra else [{}]
    for label, row in records_for(scoped_fill, user):
        if row is None:  # the cast may hold no such record
            continue
        for extra in extras:
            if in_query:
                path = PREFIX + operation.path
                params = {scoped_fill.kwarg: getattr(row, fill.field), **extra}
            else:
                path = PREFIX + operation.path.replace(f"{{{scoped_fill.kwarg}}}", str(row.pk))
                params = dict(extra)
                if isinstance(fill, Nested):
                    params |= {arg: getattr(row, field) for arg, field in fill.parents.items()}
                # Arguments the path names go into it (a year), the rest into the query
                for arg in list(params):
                    if f"{{{arg}}}" in path:
                        path = path.replace(f"{{{arg}}}", str(params.pop(arg)))
            yield label, path + (f"?{urlencode(params)}" if params else "")


def test_every_api_read_taking_a_record_is_walked_with_one_in_scope_and_one_outside(matrix_cast):
    # Given the cast's records, when the walk picks them for every role that may call,
    # then some role reads a record of its own and some role one outside its reach:
    # no declared read is silently left out for want of a record.
    unwalked = []
    for name in DECLARED:
        operation = READS[name]
        labels = {
            label
            for username in CAST
            if may_call(matrix_cast.users[username], operation)
            for label, _url in calls_for(operation, matrix_cast.users[username])
        }
        if missing := {"own", "other"} - labels:
            unwalked.append(f"{name}: no {'/'.join(sorted(missing))} record")
    assert unwalked == [], "\n".join(unwalked)


def may_call(user, operation) -> bool:
    scope = scope_for(type(user).objects.get(pk=user.pk))
    return scope.everything or bool(scope.roles & operation.roles)


def error_code(response):
    try:
        return response.json().get("code")
    except ValueError:
        return None


@pytest.mark.parametrize("username", CAST)
def test_each_role_calls_an_api_read_only_if_allowed_and_only_within_its_scope(
    matrix_cast, username
):
    # Given a member of the cast calling with their own token
    user = matrix_cast.users[username]
    client = bearer(user)
    wrong = []
    for name, operation in READS.items():
        allowed = may_call(user, operation)
        for label, url in calls_for(operation, user):
            # When they read
            response = client.get(url)
            # Then the answer is what the operation declares, within the user's scope
            if not allowed:
                expected = "403 forbidden"
                ok = response.status_code == 403 and error_code(response) == "forbidden"
            elif label == "other":
                expected = "404 not_found"
                ok = response.status_code == 404 and error_code(response) == "not_found"
            else:
                expected, ok = "200", response.status_code == 200
            if not ok:
                wrong.append(f"{name} ({label} {url}): {response.status_code}, expected {expected}")
    assert wrong == [], f"{username}: " + "\n".join(wrong)


def test_anonymous_callers_are_told_to_authenticate(matrix_cast):
    for name, operation in READS.items():
        for _label, url in calls_for(operation, matrix_cast.users["gus"]):
            response = Client().get(url)
            assert response.status_code == 401, f"anonymous → {name}: {response.status_code}"
            assert error_code(response) == "unauthenticated"
