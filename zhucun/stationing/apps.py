from django.apps import AppConfig


class StationingConfig(AppConfig):
    name = "zhucun.stationing"
    verbose_name = "驻村工作队"
