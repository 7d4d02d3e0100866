from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "zhucun.backups"
    verbose_name = "备份与恢复"

    def ready(self):
        from zhucun.backups import checks  # noqa: F401 (registers the durability check)
