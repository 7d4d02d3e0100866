"""Demo accounts: no forced password change, and an authenticator where the role needs one."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucun.accounts.models import User
from zhucun.accounts.passwords import password_must_change
from zhucun.accounts.second_factor import otp_required
from zhucun.demo.city import DEMO_USERNAMES, build_city


@pytest.fixture
def demo_city(db):
    return build_city(scale=0.02, seed=2018, today=timezone.localdate())


def test_demo_accounts_are_not_forced_to_change_their_password(demo_city):
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    assert users.count() == len(DEMO_USERNAMES)
    assert all(password_must_change(u) == "" for u in users)


def test_demo_roles_that_need_a_second_factor_have_an_authenticator_whose_secret_is_printed(
    demo_city, capsys, settings
):
    needing = {
        u.username for u in User.objects.filter(username__in=DEMO_USERNAMES) if otp_required(u)
    }
    assert needing == {"city", "county", "sysadmin", "secadmin", "auditadmin"}
    with_device = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    )
    assert with_device == needing
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "动态验证码" in out
    settings.DEBUG = True
    call_command("demo_otp_code", "county")
    assert capsys.readouterr().out.strip().isdigit()


def test_the_current_demo_code_is_only_printed_in_development(demo_city, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="开发环境"):
        call_command("demo_otp_code", "county")
