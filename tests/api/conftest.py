import pytest
from django.test import Client

from zhucun.api.services import api_token_create


@pytest.fixture
def bearer(db):
    """A new client calling the API with a fresh token of `user` (no session)."""

    def _for(user):
        _token, raw = api_token_create(user=user, name="测试客户端")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return _for
