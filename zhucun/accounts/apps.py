from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhucun.accounts"
    verbose_name = "账号与岗位"

    def ready(self):
        from zhucun.accounts import auth_events, checks  # noqa: F401 (checks register themselves)

        auth_events.connect()
