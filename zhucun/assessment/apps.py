from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhucun.assessment"
    verbose_name = "考核、召回与督查"

    def ready(self):
        from zhucun.assessment.scope_paths import register_paths

        register_paths()
