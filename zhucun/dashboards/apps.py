from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "zhucun.dashboards"
    verbose_name = "工作看板与报表"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from zhucun.accounts.scope import Paths, register
        from zhucun.rulebook.models import CalendarCorrection, ParameterOverride

        from .stale import mark_boards_stale

        # A region's board is seen by the offices of that region, a team's by its leader.
        register("dashboards.BoardSnapshot", Paths(region=("region",), team=("team",)))

        # Parameter overrides and calendar corrections are written in the back office
        # (Django admin) only, which calls no service: their saves mark the boards here.
        # An edit may move the date either way, so every month is marked (they are rare).
        def override_changed(sender, instance, **kwargs):
            mark_boards_stale(day=None, counties=[instance.county_id])

        def correction_changed(sender, instance, **kwargs):
            mark_boards_stale(day=None)

        for signal in (post_save, post_delete):
            signal.connect(override_changed, sender=ParameterOverride, weak=False)
            signal.connect(correction_changed, sender=CalendarCorrection, weak=False)
