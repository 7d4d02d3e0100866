from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhucun.assessment"
    verbose_name = "考核、召回与督查"

    def ready(self):
        from zhucun.assessment.scope_paths import register_paths

        register_paths()
        # Registers what happens when the unit decides a recall (the approval engine's handler).
        from zhucun.assessment import recalls  # noqa: F401
