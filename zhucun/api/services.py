"""Writes of the API app: making and revoking access tokens."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from zhucun.api.models import ApiToken
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError

TOKEN_PREFIX = "zc_"


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_create(*, user, name: str, address: str | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(ErrorCode.INVALID, "请填写令牌用途。", field="name")
    if len(name) > 60:
        raise ServiceError(ErrorCode.INVALID, "令牌用途不能超过60个字。", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:10], digest=token_digest(raw)
        )
        log.record(actor=user, event="api_token.create", obj=token, address=address)
    return token, raw


def api_token_revoke(*, user, token_id: int, address: str | None = None) -> ApiToken:
    """Stop a token of the user's own; a token of someone else is 'not found'."""
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .filter(user=user, pk=token_id, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise ServiceError(ErrorCode.NOT_FOUND, field="token")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log.record(actor=user, event="api_token.revoke", obj=token, address=address)
    return token
