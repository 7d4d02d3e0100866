from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhucun.audit"
    verbose_name = "安全审计"

    def ready(self):
        from zhucun.audit import checks  # noqa: F401 (registers the retention check)
