from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "zhucun.households"
    verbose_name = "贫困户与联户"
