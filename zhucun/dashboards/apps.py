from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "zhucun.dashboards"
    verbose_name = "工作看板与报表"
