from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhucun.api"
    label = "zhucun_api"
    verbose_name = "数据接口"
