"""Which roles may call an endpoint: each operation declares it, as each page does.

The roles are checked while the caller is authenticated (zhucun/api/auth.py),
before django-ninja reads the path, query and body: a caller whose role may not
use an operation gets 403 whatever it sent, and learns nothing of the body's
schema from a 422 listing the fields it got wrong.
"""

from ninja.constants import NOT_SET
from ninja.utils import contribute_operation_callback

from zhucun.api.auth import authenticators


def allow_api(*roles, read_ahead=None):
    """Declare the roles that may call the operation; put it right below @router.<method>.
    `read_ahead`: a function giving the statement of the operation's first read, read
    with a bearer token (api/read_ahead.py)."""
    allowed = frozenset(
        r
        for group in roles
        for r in (group if isinstance(group, (set, frozenset, tuple, list)) else (group,))
    )

    def guard(operation):
        if operation.auth_param is not NOT_SET:
            raise TypeError(
                f"{operation.view_func.__name__}: @allow_api sets the operation's auth; "
                "do not pass auth= as well"
            )
        # Set on the operation itself, so binding it to the API keeps it (the API's
        # default authenticators would know no roles).
        operation.auth_param = operation.auth_callbacks = authenticators(allowed, read_ahead)

    def decorate(endpoint):
        if hasattr(endpoint, "_ninja_operation"):
            raise TypeError(
                f"{endpoint.__name__}: @allow_api must come below @router.<method>, "
                "or the operation is created without its role check"
            )
        endpoint.zhucun_roles = allowed  # read by the permission matrix walkers
        contribute_operation_callback(endpoint, guard)
        return endpoint

    return decorate
