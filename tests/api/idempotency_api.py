"""A one-endpoint API for the idempotency tests: its write makes an access token
through the real service (a row and an audit record), so a duplicate would show."""

from django.urls import path
from ninja import NinjaAPI

from zhucun.api import error_responses
from zhucun.api.auth import BearerToken, PageSession
from zhucun.api.idempotency import IdempotencyKey, idempotent
from zhucun.api.schemas import Record
from zhucun.api.services import api_token_create

api = NinjaAPI(urls_namespace="idempotency-test", auth=[BearerToken(), PageSession()])
error_responses.install(api)


class ThingIn(Record):
    name: str


class ThingOut(Record):
    id: int
    name: str


@api.post("/things", response={201: ThingOut})
@idempotent(ThingOut)
def make_thing(request, payload: ThingIn, idempotency_key: IdempotencyKey = None):
    token, _raw = api_token_create(user=request.user, name=payload.name)
    return 201, {"id": token.pk, "name": token.name}


urlpatterns = [path("t/", api.urls)]
