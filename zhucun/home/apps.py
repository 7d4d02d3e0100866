from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "zhucun.home"
    verbose_name = "首页"
