"""`@allow_api` (zhucun/api/access.py): the role check is part of the operation's authentication."""

import pytest
from ninja import Router

from zhucun.accounts.roles import Role
from zhucun.api.access import allow_api
from zhucun.api.app import api
from zhucun.api.auth import BearerToken, PageSession


def test_allow_api_above_the_route_decorator_is_refused_when_the_module_loads():
    # Given a route whose role declaration sits above @router.post, where the operation
    # already exists and would be created without its role check
    router = Router()
    # When the module defining it is imported, then it fails loudly
    with pytest.raises(TypeError, match="below @router"):

        @allow_api(Role.COUNTY)
        @router.post("/somewhere")
        def somewhere(request):
            return {}


def test_an_operation_with_roles_cannot_also_set_its_own_auth():
    router = Router()
    with pytest.raises(TypeError, match="auth="):

        @router.post("/somewhere", auth=[BearerToken()])
        @allow_api(Role.COUNTY)
        def somewhere(request):
            return {}


def test_every_bound_operation_authenticates_with_the_roles_it_declares():
    # Given the API as served (operations cloned onto it from the routers)
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                # Then each tries a token, then the page session, both holding its roles
                kinds = [type(a) for a in operation.auth_callbacks]
                assert kinds == [BearerToken, PageSession], operation.path
                assert all(
                    a.roles == operation.view_func.zhucun_roles for a in operation.auth_callbacks
                ), operation.path
