from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "zhucun.audit"
    verbose_name = "安全审计"
