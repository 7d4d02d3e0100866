from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "zhucun.exports"
    label = "exports"
    verbose_name = "导出"

    def ready(self):
        from zhucun.exports import checks  # noqa: F401 (registers the private-directory check)
