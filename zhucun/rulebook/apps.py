from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "zhucun.rulebook"
    verbose_name = "政策参数与工作日历"
