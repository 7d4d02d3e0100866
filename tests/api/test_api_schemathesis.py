"""Property-based run of the whole API against its own OpenAPI schema, as each role.

Schemathesis generates valid and invalid requests for every operation; the
API must answer none of them with a server error, and every answer must
match the schema (status declared, body and content type as declared).

Bounded in time: random fuzzing for each role with a fixed number of
examples, and the systematic boundary-value ("coverage") phase once, as the
county office, whose scope is the widest of the four.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zhucun.api.services import api_token_create

ROLES = ["carol", "alice", "ed", "dora"]  # household cadre, team leader, town, county
CHECKS = [
    schemathesis.checks.not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
BOUNDED = settings(
    max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)


def _load(phases):
    config = SchemathesisConfig.from_dict({"phases": phases})
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", get_wsgi_application(), config=config
    )


fuzzing = _load({"coverage": {"enabled": False}})
coverage = _load({"fuzzing": {"enabled": False}, "examples": {"enabled": False}})


@pytest.fixture(autouse=True)
def _keep_the_test_transactions_connection():
    """Schemathesis calls the WSGI application, which closes the database connection
    after each request; that would end the test's transaction (PostgreSQL). Django's
    own test client turns this off in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(user=user, name='契约测试')[1]}"}


@pytest.mark.parametrize("username", ROLES)
@fuzzing.parametrize()
@BOUNDED
def test_random_requests_as_each_role_never_fail_or_break_the_schema(case, cast, username):
    case.call_and_validate(headers=_bearer(cast.users[username]), checks=CHECKS)


@coverage.parametrize()
@BOUNDED
def test_boundary_requests_as_the_county_never_fail_or_break_the_schema(case, cast):
    case.call_and_validate(headers=_bearer(cast.users["dora"]), checks=CHECKS)
