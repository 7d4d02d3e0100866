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


@register(Tags.security, deploy=True)
def no_demo_accounts(app_configs, **kwargs):
    """等保2.0 访问控制: no default accounts in production.

    The demo city's logins share one published password; on a production
    database any of them that still opens with it is an error.
    """
    if settings.DEBUG:
        return []
    from django.db import DatabaseError

    from zhucun.accounts.models import User
    from zhucun.demo.city import DEMO_PASSWORD, DEMO_USERNAMES

    try:
        users = list(User.objects.filter(username__in=DEMO_USERNAMES, is_active=True))
    except DatabaseError:
        return []  # no database yet: nothing to find
    open_with_demo_password = [u.username for u in users if u.check_password(DEMO_PASSWORD)]
    if not open_with_demo_password:
        return []
    return [
        Error(
            f"生产环境存在使用演示默认密码的账号:{', '.join(open_with_demo_password)}",
            hint="停用这些账号或重置其密码;生产环境不得有默认账号。",
            id="zhucun.E010",
        )
    ]
