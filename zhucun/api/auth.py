"""Who is calling: a bearer token (machine clients) or the page session (with CSRF)."""

from datetime import timedelta

from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from zhucun.api.models import ApiToken
from zhucun.api.services import TOKEN_PREFIX, token_digest

# Writing last_used_at on every call would turn each read into a write.
_TOUCH_EVERY = timedelta(minutes=5)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
            return None
        # The user's cadre comes in the same query: the scope (and every stationed
        # cadre's write) reads request.user.cadre right after.
        found = (
            ApiToken.objects.select_related("user__cadre")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        # Everything downstream (scope, services, audit) reads request.user.
        request.user = found.user
        request.api_token = found
        return found.user


class PageSession(APIKeyCookie):
    """The logged-in page session; unsafe methods need the CSRF token (X-CSRFToken)."""

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
