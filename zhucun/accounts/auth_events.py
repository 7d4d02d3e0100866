"""Audit records for logins, logouts, failures and lockouts (等保2.0 安全审计).

These hang on Django's and axes's authentication signals on purpose: the
signals are the one place every way of logging in passes through (login
page, back office, API), so no path can skip its audit record.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.utils import timezone

from zhucun.accounts.second_factor import HAS_DEVICE_SESSION_KEY, has_device
from zhucun.audit import log

LOGIN_AT_SESSION_KEY = "zhucun_login_at"


def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The absolute session limit counts from here (AccountSecurityMiddleware).
        request.session[LOGIN_AT_SESSION_KEY] = timezone.now().timestamp()
        request.session[HAS_DEVICE_SESSION_KEY] = has_device(user)
    log.record(actor=user, event="login", obj=user, address=log.client_address(request))


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log.record(actor=user, event="logout", obj=user, address=log.client_address(request))


def _login_failed(sender, credentials, request=None, **kwargs):
    log.record(
        actor=None,
        event="login",
        outcome="failed",
        address=log.client_address(request),
        actor_name=str(credentials.get("username", ""))[:150],
    )


def _locked_out(sender, request, username, ip_address, **kwargs):
    log.record(
        actor=None,
        event="login.locked",
        outcome="refused",
        address=ip_address,
        actor_name=str(username or "")[:150],
    )


def connect():
    user_logged_in.connect(_logged_in, dispatch_uid="zhucun.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="zhucun.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="zhucun.audit.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="zhucun.audit.locked_out")
