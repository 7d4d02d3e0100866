"""Which roles may open a view: every view declares it (checked by a test over all URLs)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from zhucun.accounts.roles import ADMIN_ROLES, Role
from zhucun.accounts.scope import scope_for

BUSINESS_ROLES = frozenset(Role) - ADMIN_ROLES
OFFICE_ROLES = frozenset({Role.CITY, Role.COUNTY, Role.TOWN, Role.UNIT})
PUBLIC = "public"
# Any signed-in account, whatever its roles: the pages that finish a login
# (second factor, forced password change) must open before roles matter.
SIGNED_IN = "signed_in"


def allow(*roles):
    """Let users holding any of `roles` in; others get 403, anonymous users the login page.

    `allow(PUBLIC)` marks a view anyone may open (the login page);
    `allow(SIGNED_IN)` one any signed-in account may open.
    """
    allowed = frozenset(
        r for group in roles for r in ((group,) if isinstance(group, (str, Role)) else group)
    )

    def decorate(view):
        if PUBLIC in allowed:
            view.zhucun_roles = PUBLIC
            return view

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if SIGNED_IN in allowed:
                return view(request, *args, **kwargs)
            scope = scope_for(request.user)
            if not scope.everything and not (scope.roles & allowed):
                raise PermissionDenied("您的岗位无权访问此页面。")
            return view(request, *args, **kwargs)

        wrapper.zhucun_roles = allowed
        return wrapper

    return decorate
