"""Exactly-once writes: the Idempotency-Key header.

A phone on a weak signal resends a check-in it never heard back about; the
second request must not make a second check-in. Each write sent with a key
stores (user, key, request hash, status, body) in the write's own
transaction. A later request with the same key and the same content gets the
stored answer back, byte for byte; with other content it is refused (409).

Only successful writes are stored: a refused write saved nothing, so the
client may correct it and send again under the same key.

An endpoint becomes exactly-once with `@idempotent(OutSchema)`: it declares
`idempotency_key: IdempotencyKey = None` (so the schema documents the header)
and returns `(status, data)`; the decorator runs its body through `once`.
"""

import hashlib
import inspect
import json
from functools import cache, wraps
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.request import HttpHeaders
from ninja.params.models import Header, HeaderModel

from zhucun import fixed_sql
from zhucun.api import read_ahead
from zhucun.api.models import IdempotencyRecord
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError


def header(request, name: str) -> str | None:
    """The request's header `name`, read from request.META as request.headers reads it
    (without building the map of all its headers, which ninja's Header and HttpBearer
    do on each call: 2.7 % of an API write's instructions in the worker, callgrind)."""
    return request.META.get(HttpHeaders.to_wsgi_name(name))


class _HeaderFromMeta(HeaderModel):
    @classmethod
    def get_request_data(cls, request, api, path_params):
        found = ((name, header(request, name)) for name in cls.__ninja_flatten_map__)
        return {name: value for name, value in found if value is not None}


class _Header(Header):
    """django-ninja's header parameter (validated and documented as one), read by `header`."""

    _model = _HeaderFromMeta

    @classmethod
    def _param_source(cls) -> str:
        return "header"


IdempotencyKey = Annotated[
    str | None,
    _Header(
        ...,
        alias="Idempotency-Key",
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:\-]+$",
        description="客户端生成的唯一键(如 UUID);重发同一请求时使用同一键",
    ),
]

CONTENT_TYPE = "application/json; charset=utf-8"


def request_fingerprint(request) -> str:
    """What 'the same request' means: method, path and content, not its encoding."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    content_type = request.content_type or ""
    if content_type.startswith("multipart/") or content_type.endswith("x-www-form-urlencoded"):
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                file_hash = hashlib.sha256()
                for chunk in upload.chunks():
                    file_hash.update(chunk)
                upload.seek(0)
                digest.update(f"{name}@{upload.name}:{file_hash.hexdigest()}\n".encode())
    else:
        try:
            canonical = json.dumps(json.loads(request.body or b"null"), sort_keys=True)
        except ValueError:
            canonical = request.body.decode("utf-8", "replace")
        digest.update(canonical.encode())
    return digest.hexdigest()


def _render(status: int, text: str, replayed: bool = False) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type=CONTENT_TYPE)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def ledger_columns(alias: str) -> str:
    """The ledger's columns an answer is replayed from: request hash, status, body."""
    r = IdempotencyRecord
    return ", ".join(
        f"{fixed_sql.quoted(alias)}.{fixed_sql.column(r, name)}"
        for name in ("request_hash", "status", "body")
    )


@cache
def _replay_sql() -> str:
    # Every write with a key runs it (unless its token's statement did): written once
    # per process (zhucun/fixed_sql.py).
    r = IdempotencyRecord
    return (
        f"SELECT {ledger_columns('r')} FROM {fixed_sql.table(r)} r "
        f"WHERE r.{fixed_sql.column(r, 'user')} = %s AND r.{fixed_sql.column(r, 'key')} = %s"
    )


def read_with_token(request, user, key: str, stored) -> None:
    """Keep the ledger's row for (user, key), read with the bearer token (api/auth.py), for
    this request's `once`: one query less for every write sent with a key."""
    request._zhucun_ledger = (user.pk, key, stored)


def _stored(request, key: str):
    # Read with the token when it was, for this user and this key; taken once, so a
    # second look (after a concurrent request with the key committed) reads again.
    read = request.__dict__.pop("_zhucun_ledger", None)
    if read is not None and read[:2] == (request.user.pk, key):
        return read[2]
    # (user, key) is unique: the three columns of the one row, no ORDER BY, no model.
    rows = fixed_sql.fetch(_replay_sql(), [request.user.pk, key])
    return rows[0] if rows else None


def _replay(request, key: str, fingerprint: str) -> HttpResponse | None:
    stored = _stored(request, key)
    if stored is None:
        return None
    request_hash, status, body = stored
    if request_hash != fingerprint:
        raise ServiceError(
            ErrorCode.IDEMPOTENCY_MISMATCH,
            "该幂等键已用于另一项内容不同的请求;新的请求请使用新的键。",
            field="Idempotency-Key",
        )
    return _render(status, body, replayed=True)


def once(request, key: str | None, write, schema) -> HttpResponse:
    """Run `write()` -> (status, data) at most once per (user, key); answer as `schema`."""
    fingerprint = request_fingerprint(request) if key else ""
    if key:
        # Looked up before the write's transaction, which holds only what must be
        # in it (on SQLite it holds the database's write lock from its start).
        # A request with this key committing meanwhile is caught by the unique
        # constraint below, and its answer is the answer.
        replay = _replay(request, key, fingerprint)
        if replay is not None:
            return replay
    try:
        # The audit records of the write are chained last, their statement carrying
        # the commit (nothing follows it in the transaction).
        with transaction.atomic(), log.chained_at_end(commit=True):
            status, data = write()
            body = schema.model_validate(data).model_dump(mode="json", by_alias=True)
            text = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False)
            if key:
                # Saved with the write's audit records (in their statement on PostgreSQL).
                log.save_with_chain(
                    IdempotencyRecord(
                        user=request.user,
                        key=key,
                        request_hash=fingerprint,
                        status=status,
                        body=text,
                    )
                )
    except (IntegrityError, ServiceError) as error:
        # A concurrent request with this key committed first; our write was rolled
        # back with the failed insert, and the first answer is the answer.
        if key:
            replay = _replay(request, key, fingerprint)
            if replay is not None:
                return replay
        if isinstance(error, IntegrityError) and read_ahead.retry_reading_inside(request):
            # A concurrent write made the rows it read ahead stale: once more, reading
            # inside the transaction.
            return once(request, key, write, schema)
        raise
    return _render(status, text)


def idempotent(schema):
    """Make a write endpoint exactly-once per Idempotency-Key; its body returns (status, data).

    Everything the body does (its own checks included) runs inside `once`, so a
    resent request is answered from the ledger before anything is looked at again.
    """

    def decorate(endpoint):
        if "idempotency_key" not in inspect.signature(endpoint).parameters:
            raise TypeError(f"{endpoint.__name__} must declare idempotency_key: IdempotencyKey")

        @wraps(endpoint)
        def wrapper(request, *args, **kwargs):
            return once(
                request,
                kwargs.get("idempotency_key"),
                lambda: endpoint(request, *args, **kwargs),
                schema,
            )

        return wrapper

    return decorate
