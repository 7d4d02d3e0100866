"""Which roles may call an endpoint: each operation declares it, as each page does."""

from functools import wraps

from zhucun.accounts.scope import scope_for
from zhucun.errors import ErrorCode, ServiceError


def allow_api(*roles):
    allowed = frozenset(
        r
        for group in roles
        for r in (group if isinstance(group, (set, frozenset, tuple, list)) else (group,))
    )

    def decorate(endpoint):
        @wraps(endpoint)
        def wrapper(request, *args, **kwargs):
            scope = scope_for(request.user)
            if not scope.everything and not (scope.roles & allowed):
                raise ServiceError(ErrorCode.FORBIDDEN, "您的岗位无权调用此接口。")
            return endpoint(request, *args, **kwargs)

        wrapper.zhucun_roles = allowed
        return wrapper

    return decorate
