from django.apps import AppConfig


class StationingConfig(AppConfig):
    name = "zhucun.stationing"
    verbose_name = "驻村工作队"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # Records about one cadre's days: seen by the cadre, the team's leader,
        # the cadre's unit and the regions above the team's village.
        per_cadre_day = Paths(
            region=("assignment__team__village",),
            unit=("cadre__unit",),
            team=("assignment__team",),
            cadre=("cadre",),
        )
        register("stationing.Leave", per_cadre_day)
        register("stationing.CheckIn", per_cadre_day)
        register("stationing.OfficialBusiness", per_cadre_day)
        register(
            "stationing.DutyDay",
            Paths(
                region=("team__village",),
                unit=("cadre__unit", "team__units"),
                team=("team",),
                member_team=("team",),
                cadre=("cadre",),
            ),
        )
