"""Who is calling: a bearer token (machine clients) or the page session (with CSRF).

Each operation gets its own authenticators, holding the roles it allows
(zhucun/api/access.py, `allow_api`): django-ninja runs them before it parses
the request, so the role check comes before any validation of the body.
"""

from datetime import timedelta

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from zhucun.accounts.scope import scope_for
from zhucun.api.models import ApiToken
from zhucun.api.services import TOKEN_PREFIX, token_digest
from zhucun.errors import ErrorCode, ServiceError

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


class BearerToken(HttpBearer):
    def __init__(self, roles=None):
        self.roles = roles
        super().__init__()

    def authenticate(self, request, token):
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        # The user's cadre comes in the same query: the scope (and every stationed
        # cadre's write) reads request.user.cadre right after.
        # The digest is unique: no ORDER BY (`.first()` would add one to compile and run).
        rows = ApiToken.objects.select_related("user__cadre").filter(
            digest=token_digest(token), revoked_at__isnull=True, user__is_active=True
        )[:1]
        found = next(iter(rows), None)
        if found is None:
            return None
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


def authenticators(roles=None) -> list:
    """The ways to call the API, in the order tried; `roles`: who may call the operation."""
    return [BearerToken(roles), PageSession(roles)]
