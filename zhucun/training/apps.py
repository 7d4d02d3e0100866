from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "zhucun.training"
    verbose_name = "培训"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # The organising city or county sees its events; towns, units, teams and
        # cadres see the events their cadres take part in.
        via_cadre = "participants__cadre"
        register(
            "training.TrainingEvent",
            Paths(
                region=("region", f"{via_cadre}__assignments__team__village"),
                unit=(f"{via_cadre}__unit",),
                team=(f"{via_cadre}__assignments__team",),
                cadre=(via_cadre,),
            ),
        )
        register(
            "training.Participant",
            Paths(
                region=("event__region", "cadre__assignments__team__village"),
                unit=("cadre__unit",),
                team=("cadre__assignments__team",),
                cadre=("cadre",),
            ),
        )
