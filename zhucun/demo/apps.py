from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "zhucun.demo"
    verbose_name = "演示数据"
