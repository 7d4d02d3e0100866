"""Account pages: password change, second factor, and the security administrator's pages."""

from datetime import timedelta

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db.models import Max, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from zhucun.accounts import services
from zhucun.accounts.access import SIGNED_IN, allow
from zhucun.accounts.models import User
from zhucun.accounts.roles import Role
from zhucun.accounts.second_factor import (
    HAS_DEVICE_SESSION_KEY,
    base32_secret,
    has_device,
    otp_required,
    pending_device,
)
from zhucun.audit.log import client_address
from zhucun.errors import ServiceError


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="动态验证码",
        regex=r"^\d{6}$",
        error_messages={"invalid": "动态验证码须为身份验证器显示的6位数字。"},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}
        ),
    )


def _next_or_home(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@allow(SIGNED_IN)
@never_cache
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(
            user=request.user,
            new_password=form.cleaned_data["new_password1"],
            address=client_address(request),
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect(_next_or_home(request))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "next": _next_or_home(request),
            "max_age": settings.ZHUCUN_PASSWORD_MAX_AGE_DAYS,
        },
    )


@allow(SIGNED_IN)
@never_cache
def otp_verify(request):
    """The second step of a login for an account with an authenticator."""
    if request.user.is_verified():
        return redirect(_next_or_home(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.otp_check(
            user=request.user, token=form.cleaned_data["token"], address=client_address(request)
        )
        if device is not None:
            otp_login(request, device)
            return redirect(_next_or_home(request))
        form.add_error("token", "动态验证码不正确或已过期,请输入身份验证器当前显示的6位数字。")
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _next_or_home(request)}
    )


@allow(SIGNED_IN)
@never_cache
def otp_enrol(request):
    """Enrol an authenticator app (every account may; required roles must)."""
    if has_device(request.user):
        return render(
            request,
            "accounts/otp_enrol.html",
            {"enrolled": True, "required": otp_required(request.user)},
        )
    device = pending_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.otp_enrol_confirm(
            user=request.user,
            device=device,
            token=form.cleaned_data["token"],
            address=client_address(request),
        ):
            otp_login(request, device)
            request.session[HAS_DEVICE_SESSION_KEY] = True
            messages.success(request, "动态验证码已启用,以后登录时须输入。")
            return redirect(_next_or_home(request))
        form.add_error(
            "token", "动态验证码不正确,请核对手机时间后输入身份验证器当前显示的6位数字。"
        )
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "enrolled": False,
            "required": otp_required(request.user),
            "form": form,
            "secret": base32_secret(device),
            "uri": device.config_url,
            "next": _next_or_home(request),
        },
    )


# -- the security administrator (安全管理员) ----------------------------------------


def _locked(values: str):
    """Accounts or addresses whose failures within the lock period reach the limit."""
    since = timezone.now() - timedelta(minutes=settings.AXES_COOLOFF_TIME * 60)
    return (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(**{f"{values}__isnull": True})
        .values(values)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )


@allow(Role.SECADMIN)
@never_cache
def lockouts(request):
    return render(
        request,
        "accounts/lockouts.html",
        {
            "accounts": _locked("username"),
            "addresses": _locked("ip_address"),
            "minutes": int(settings.AXES_COOLOFF_TIME * 60),
        },
    )


@allow(Role.SECADMIN)
@require_POST
def lockout_clear(request):
    try:
        services.lockout_clear(
            actor=request.user,
            username=request.POST.get("username", ""),
            ip=request.POST.get("ip", ""),
            address=client_address(request),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已解锁。")
    return redirect("accounts:lockouts")


@allow(Role.SECADMIN)
@never_cache
def user_list(request):
    users = User.objects.order_by("username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__contains=query) | users.filter(full_name__contains=query)
    page = Paginator(users.only("username", "full_name", "is_active", "last_login"), 50)
    return render(
        request,
        "accounts/user_list.html",
        {"page": page.get_page(request.GET.get("page")), "q": query},
    )


@allow(Role.SECADMIN)
@require_POST
def user_action(request, pk):
    user = get_object_or_404(User, pk=pk)
    action = request.POST.get("action")
    address = client_address(request)
    if user.pk == request.user.pk:
        messages.error(request, "不能停用或重置自己的账号。")
    elif action in ("disable", "enable"):
        services.user_set_active(
            actor=request.user, user=user, active=action == "enable", address=address
        )
        messages.success(
            request, f"账号 {user.username} 已{'启用' if action == 'enable' else '停用'}。"
        )
    elif action == "otp_reset":
        services.otp_reset(actor=request.user, user=user, address=address)
        messages.success(request, f"账号 {user.username} 的动态验证码已重置,下次登录须重新启用。")
    else:
        messages.error(request, "未知操作。")
    return redirect("accounts:user_list")
