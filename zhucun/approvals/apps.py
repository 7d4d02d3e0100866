from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "zhucun.approvals"
    verbose_name = "审批"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # A request is seen by the person it concerns, their unit (抄送), the
        # team it belongs to and the regions whose offices sit on its route.
        register(
            "approvals.Request",
            Paths(
                region=("team__village", "steps__region"),
                unit=("cadre__unit", "copies__unit", "steps__unit"),
                team=("team", "steps__team"),
                cadre=("cadre",),
            ),
        )
