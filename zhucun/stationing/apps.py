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
            "stationing.Handover",
            Paths(
                region=("team__village",),
                unit=("predecessor__cadre__unit", "successor__cadre__unit"),
                team=("team",),
                cadre=("predecessor__cadre", "successor__cadre"),
            ),
        )
        register(
            "stationing.PersonnelChange",
            Paths(
                region=("assignment__team__village",),
                unit=("assignment__cadre__unit",),
                team=("assignment__team",),
            ),
        )
        import zhucun.stationing.team_services  # noqa: F401  (registers approval handlers)

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
