from django.middleware.csrf import get_token
from ninja import Router

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for
from zhucun.api.access import allow_api
from zhucun.api.error_responses import READ_ERRORS
from zhucun.api.schemas import Me

router = Router(tags=["账号"])


@router.get(
    "/me",
    response={200: Me, **READ_ERRORS},
    summary="当前调用者:账号、角色(页面会话另给出 CSRF 令牌)",
)
@allow_api(*Role)
def me(request):
    scope = scope_for(request.user)
    cadre = getattr(request.user, "cadre", None)
    # A page's script needs the CSRF token for its writes; a token client does not.
    session = getattr(request, "api_token", None) is None
    return {
        "username": request.user.username,
        "name": str(request.user),
        "roles": sorted(r.value for r in scope.roles),
        "cadre": {"id": cadre.pk, "name": cadre.name} if cadre else None,
        "csrf_token": get_token(request) if session else None,
    }
