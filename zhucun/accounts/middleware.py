"""What a signed-in request must pass before any page: the session's absolute
age, the second factor and the password's age (等保2.0 身份鉴别)."""

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from zhucun.accounts.auth_events import LOGIN_AT_SESSION_KEY
from zhucun.accounts.passwords import password_must_change
from zhucun.accounts.second_factor import HAS_DEVICE_SESSION_KEY, otp_required
from zhucun.audit import log
from zhucun.errors import ErrorCode

# Pages that finish a login; they must open while it is unfinished.
_LOGIN_STEPS = frozenset({"login", "logout", "accounts:otp_verify", "accounts:otp_enrol"})
_PASSWORD_STEPS = _LOGIN_STEPS | {"accounts:password_change"}


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        # Static files never get here: whitenoise or runserver serve them first.
        if user.is_authenticated:
            step = self._view_name(request)
            response = (
                self._absolute_age(request)
                or (step not in _LOGIN_STEPS and self._second_factor(request, user))
                or (step not in _PASSWORD_STEPS and self._password_age(request, user))
            )
            if response:
                return response
        return self.get_response(request)

    @staticmethod
    def _view_name(request) -> str:
        try:
            return resolve(request.path_info).view_name
        except Resolver404:
            return ""

    def _absolute_age(self, request):
        login_at = request.session.get(LOGIN_AT_SESSION_KEY)
        now = timezone.now()
        if login_at is None:
            request.session[LOGIN_AT_SESSION_KEY] = now.timestamp()
            return None
        limit = timedelta(hours=settings.ZHUCUN_SESSION_ABSOLUTE_HOURS)
        if now.timestamp() - login_at < limit.total_seconds():
            return None
        log.record(
            actor=request.user,
            event="session.expired",
            obj=request.user,
            address=log.client_address(request),
            detail={"hours": settings.ZHUCUN_SESSION_ABSOLUTE_HOURS},
        )
        logout(request)  # flushes the session row on the server
        messages.info(
            request, f"登录已超过{settings.ZHUCUN_SESSION_ABSOLUTE_HOURS}小时,请重新登录。"
        )
        return _go(request, reverse("login"), "登录已过期,请重新登录。")

    def _second_factor(self, request, user):
        if user.is_verified():
            return None
        if request.session.get(HAS_DEVICE_SESSION_KEY):
            return _go(request, _next(request, "accounts:otp_verify"), "请输入动态验证码。")
        if otp_required(user):
            return _go(request, _next(request, "accounts:otp_enrol"), "您的岗位须启用动态验证码。")
        return None

    def _password_age(self, request, user):
        reason = password_must_change(user)
        if not reason:
            return None
        messages.warning(request, reason)
        return _go(request, _next(request, "accounts:password_change"), reason)


def _next(request, url_name: str) -> str:
    target = reverse(url_name)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        target += "?" + urlencode({"next": request.get_full_path()})
    return target


def _go(request, url: str, message: str):
    """A redirect a browser, htmx or an API client each understands."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": ErrorCode.FORBIDDEN.value, "field": None, "message": message, "article": ""},
            status=403,
        )
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
