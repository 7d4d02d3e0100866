from django.conf import settings
from django.core.checks import Error, Tags, register

from zhucun.audit.retention import MINIMUM_DAYS


@register(Tags.security)
def retention_setting(app_configs, **kwargs):
    if settings.ZHUCUN_AUDIT_RETENTION_DAYS < MINIMUM_DAYS:
        return [
            Error(
                f"ZHUCUN_AUDIT_RETENTION_DAYS 不得少于{MINIMUM_DAYS}天(等保2.0:审计记录保存至少6个月)。",
                id="zhucun.E020",
            )
        ]
    return []
