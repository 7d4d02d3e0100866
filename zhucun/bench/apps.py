from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "zhucun.bench"
    verbose_name = "性能基准"
