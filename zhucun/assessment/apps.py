from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zhucun.assessment"
    verbose_name = "考核、召回与督查"

    def ready(self):
        from zhucun.assessment.scope_paths import register_paths

        register_paths()
        # Registers what happens when the unit decides a recall (the approval engine's handler).
        from zhucun.assessment import recalls  # noqa: F401

        self._mark_cohorts_on_rule_changes()

    @staticmethod
    def _mark_cohorts_on_rule_changes() -> None:
        """Parameter overrides and calendar corrections are written in the back office only
        (no service; as dashboards.apps does for the boards): their saves and deletes mark the
        stored assessment lists stale — of the override's county, or every county — for every
        year (an edit may move the date either way; they are rare)."""
        from django.db.models.signals import post_delete, post_save

        from zhucun.assessment.stale import mark_cohorts_stale
        from zhucun.rulebook.models import CalendarCorrection, ParameterOverride

        def override_changed(sender, instance, **kwargs):
            mark_cohorts_stale(counties=[instance.county_id])

        def correction_changed(sender, instance, **kwargs):
            mark_cohorts_stale()

        for signal in (post_save, post_delete):
            signal.connect(override_changed, sender=ParameterOverride, weak=False)
            signal.connect(correction_changed, sender=CalendarCorrection, weak=False)
