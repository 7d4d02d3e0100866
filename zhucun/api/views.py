"""The page where a user makes (and stops) access tokens for machine clients."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from zhucun.accounts.access import BUSINESS_ROLES, allow
from zhucun.api.models import ApiToken
from zhucun.api.services import api_token_create, api_token_revoke
from zhucun.errors import ServiceError


def _render(request, *, raw=None, error=None, name=""):
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    context = {"tokens": tokens, "raw": raw, "error": error, "name": name}
    return render(request, "api/tokens.html", context, status=422 if error else 200)


@allow(*BUSINESS_ROLES)
@require_http_methods(["GET", "POST"])
def token_list(request):
    if request.method == "GET":
        return _render(request)
    name = request.POST.get("name", "")
    try:
        _token, raw = api_token_create(
            user=request.user, name=name, address=request.META.get("REMOTE_ADDR")
        )
    except ServiceError as exc:
        return _render(request, error=exc, name=name)
    # Shown on this response only: the server keeps nothing but its hash.
    return _render(request, raw=raw)


@allow(*BUSINESS_ROLES)
@require_POST
def token_revoke(request, pk):
    try:
        api_token_revoke(user=request.user, token_id=pk, address=request.META.get("REMOTE_ADDR"))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "令牌已停用。")
    return redirect("api:tokens")
