"""Who is calling: a bearer token (machine clients) or the page session (with CSRF).

Each operation gets its own authenticators, holding the roles it allows
(zhucun/api/access.py, `allow_api`): django-ninja runs them before it parses
the request, so the role check comes before any validation of the body.
"""

from datetime import timedelta
from functools import cache

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from zhucun import fixed_sql
from zhucun.accounts.models import User
from zhucun.accounts.scope import (
    scope_for,
    scope_from_rows,
    scope_parameters,
    scope_statement,
)
from zhucun.api import idempotency, read_ahead
from zhucun.api.models import ApiToken, IdempotencyRecord
from zhucun.api.services import TOKEN_PREFIX, token_digest
from zhucun.errors import ErrorCode, ServiceError
from zhucun.org.models import Cadre

# Writing last_used_at on every call would turn each read into a write.
_TOUCH_EVERY = timedelta(minutes=5)


def admitted(user, roles):
    """The user, if one of their roles may call the operation; else 403 (`forbidden`).

    Raised from an authenticator, the refusal ends the call: django-ninja
    answers it through the API's error handlers and tries no other authenticator.
    """
    if roles is not None:
        scope = scope_for(user)
        if not scope.everything and not (scope.roles & roles):
            raise ServiceError(ErrorCode.FORBIDDEN, "您的岗位无权调用此接口。")
    return user


@cache
def _token_sql() -> str:
    """The token with its user, the user's cadre (if any) and the user's answer stored under
    the request's Idempotency-Key (if any: the exactly-once ledger), in one statement
    written once per process (zhucun/fixed_sql.py): every API call runs it first, and a
    write with a key would ask the ledger next."""
    t, u, c, r = ApiToken, User, Cadre, IdempotencyRecord
    return (
        f"SELECT {fixed_sql.columns(t, 't')}, {fixed_sql.columns(u, 'u')}, "
        f"{fixed_sql.columns(c, 'c')}, {idempotency.ledger_columns('r')} "
        f"FROM {fixed_sql.table(t)} t "
        f"INNER JOIN {fixed_sql.table(u)} u ON u.{fixed_sql.column(u, 'id')} = t.{fixed_sql.column(t, 'user')} "
        f"LEFT OUTER JOIN {fixed_sql.table(c)} c ON c.{fixed_sql.column(c, 'user')} = u.{fixed_sql.column(u, 'id')} "
        f"LEFT OUTER JOIN {fixed_sql.table(r)} r ON r.{fixed_sql.column(r, 'user')} = u.{fixed_sql.column(u, 'id')} "
        f"AND r.{fixed_sql.column(r, 'key')} = %s "
        f"WHERE t.{fixed_sql.column(t, 'digest')} = %s AND t.{fixed_sql.column(t, 'revoked_at')} IS NULL "
        f"AND u.{fixed_sql.column(u, 'is_active')} = %s"
    )


@cache
def _scope_of_token_sql() -> str:
    """The rows of the scope (accounts/scope.py) of the user of the token with the digest
    given, sent with the token's statement: the role check reads them next.

    A statement of its own, not a union with the token's row: every row of a union has
    all of its columns, and the server set up each of the scope's four parts with the
    token's 43 columns as well, on every call (callgrind, the server's instructions per
    call: 868 k for the union, 339 k and 248 k for the two statements apart)."""
    t = ApiToken
    return scope_statement(
        "(SELECT id FROM token_user)",
        f"token_user AS (SELECT {fixed_sql.column(t, 'user')} AS id "
        f"FROM {fixed_sql.table(t)} WHERE {fixed_sql.column(t, 'digest')} = %s), ",
    )


@cache
def _cadre_of_token_sql() -> str:
    """The id of the cadre of the token with the digest given (a read-ahead's first
    parameter, api/read_ahead.py)."""
    t, c = ApiToken, Cadre
    return (
        f"SELECT c.{fixed_sql.column(c, 'id')} FROM {fixed_sql.table(c)} c "
        f"INNER JOIN {fixed_sql.table(t)} t ON t.{fixed_sql.column(t, 'user')} = c.{fixed_sql.column(c, 'user')} "
        f"WHERE t.{fixed_sql.column(t, 'digest')} = %s"
    )


def token_and_answer(digest: str, idempotency_key: str | None, ahead_sql: str | None = None):
    """(token, stored, ahead): the unrevoked token of an active user with this digest, its
    `.user` loaded and the user's `.cadre` (or its absence) known, as
    `ApiToken.objects.select_related("user__cadre").filter(digest=…, revoked_at__isnull=True,
    user__is_active=True)` gives it (tests/test_fixed_sql.py compares them), and the user's
    scope of today cached on it as `scope_for` caches it; the user's ledger row
    (request hash, status, body) for `idempotency_key`, or None; and (today, the rows of
    `ahead_sql` for the token's cadre and today), read in the same round trip
    (api/read_ahead.py; its parameters: a cadre's id and a day), or None without it or
    without a cadre. (None, None, None) when no such token.

    The token's, the scope's and the read-ahead's statements go in one round trip
    (`fixed_sql.fetch_together`); the scope's and the read-ahead's rows are used only
    once the token's statement has found the token valid."""
    today = timezone.localdate()
    statements = [
        (_token_sql(), [idempotency_key, digest, True]),
        (_scope_of_token_sql(), [digest, *scope_parameters(today)]),
    ]
    if ahead_sql is not None:
        sql = read_ahead.statement(ahead_sql, _cadre_of_token_sql())
        statements.append((sql, [digest, fixed_sql.connection.ops.adapt_datefield_value(today)]))
    rows, scope_rows, *ahead = fixed_sql.fetch_together(statements)
    # The digest is unique, and (user, key): one token row at most.
    if not rows:
        return None, None, None
    (row,) = rows
    token, user, cadre = fixed_sql.instances(row, ApiToken, User, Cadre)
    # Each related instance cached on the other as select_related caches them (its
    # setters, not the descriptors' checks of an assignment): token.user, user.cadre
    # (cached either way: no query for request.user.cadre later), cadre.user.
    ApiToken.user.field.set_cached_value(token, user)
    Cadre.user.field.remote_field.set_cached_value(user, cadre)
    if cadre is not None:
        Cadre.user.field.set_cached_value(cadre, user)
    scope_from_rows(user, today, scope_rows)
    at = fixed_sql.width(ApiToken) + fixed_sql.width(User) + fixed_sql.width(Cadre)
    stored = row[at : at + 3]
    return (
        token,
        (tuple(stored) if stored[0] is not None else None),
        ((today, ahead[0]) if ahead and cadre is not None else None),
    )


def active_token(digest: str) -> ApiToken | None:
    """The token of `token_and_answer`, without a key."""
    return token_and_answer(digest, None)[0]


class BearerToken(HttpBearer):
    def __init__(self, roles=None, read_ahead=None):
        self.roles = roles
        self.read_ahead = read_ahead  # a function giving the statement (api/read_ahead.py)
        super().__init__()

    def __call__(self, request):
        # As HttpBearer reads the header, from request.META: request.headers would build
        # a map of every header of each call to read two (api/idempotency.py, `header`).
        scheme, _, token = (idempotency.header(request, self.header) or "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request, token):
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        # The user's cadre comes in the same query: the scope (and every stationed
        # cadre's write) reads request.user.cadre right after.
        # The answer stored under the request's Idempotency-Key comes in the same query:
        # a write sent with one would ask the ledger right after (api/idempotency.py).
        key = idempotency.header(request, "Idempotency-Key")
        ahead_sql = self.read_ahead() if self.read_ahead is not None else None
        found, stored, ahead = token_and_answer(token_digest(token), key, ahead_sql)
        if found is None:
            return None
        if key is not None:
            idempotency.read_with_token(request, found.user, key, stored)
        if ahead is not None:
            read_ahead.keep(request, *ahead)
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # Everything downstream (scope, services, audit) reads request.user.
        request.user = found.user
        request.api_token = found
        return admitted(found.user, self.roles)


class PageSession(APIKeyCookie):
    """The logged-in page session; unsafe methods need the CSRF token (X-CSRFToken)."""

    def __init__(self, roles=None):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        self.roles = roles
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return admitted(user, self.roles)
        return None


def authenticators(roles=None, read_ahead=None) -> list:
    """The ways to call the API, in the order tried; `roles`: who may call the operation;
    `read_ahead`: its first read, read with a bearer token (api/read_ahead.py)."""
    return [BearerToken(roles, read_ahead), PageSession(roles)]
