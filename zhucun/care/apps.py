from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "zhucun.care"
    verbose_name = "关心关爱"

    def ready(self):
        from zhucun.accounts.scope import Paths, register
        from zhucun.care import services  # noqa: F401  registers the case's final handler

        register(
            "care.Talk",
            Paths(
                region=("cadre__assignments__team__village",),
                unit=("cadre__unit",),
                cadre=("cadre",),
            ),
        )
        team_paths = Paths(region=("team__village",), unit=("unit",), team=("team",))
        register("care.UnitHeadVisit", team_paths)
        register("care.ReportHearing", team_paths)
        register(
            "care.ExemplaryCase",
            Paths(region=("team__village", "region"), unit=("team__units",), team=("team",)),
        )
