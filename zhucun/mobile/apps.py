from django.apps import AppConfig


class MobileConfig(AppConfig):
    name = "zhucun.mobile"
    verbose_name = "驻村干部手机页面"
