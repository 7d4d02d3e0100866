"""System checks for the security settings; the deploy ones run in `check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from zhucun.accounts.roles import Role


@register(Tags.security)
def security_settings(app_configs, **kwargs):
    problems = []
    unknown = [r for r in settings.ZHUCUN_OTP_REQUIRED_ROLES if r not in Role.values]
    if unknown:
        problems.append(
            Error(
                f"ZHUCUN_OTP_REQUIRED_ROLES 含有未知角色:{', '.join(unknown)}",
                hint=f"可用角色:{', '.join(Role.values)}",
                id="zhucun.E001",
            )
        )
    if settings.ZHUCUN_PASSWORD_MAX_AGE_DAYS < 1:
        problems.append(Error("ZHUCUN_PASSWORD_MAX_AGE_DAYS 须为正整数。", id="zhucun.E002"))
    if settings.ZHUCUN_SESSION_ABSOLUTE_HOURS < 1:
        problems.append(Error("ZHUCUN_SESSION_ABSOLUTE_HOURS 须为正整数。", id="zhucun.E003"))
    return problems
