from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "zhucun.allowances"
    verbose_name = "驻村待遇"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # 第二十七条: the dispatching unit pays and covers its own cadres.
        register("allowances.AllowanceRate", Paths(unit=("unit",)))
        cadre_paths = Paths(unit=("cadre__unit",), cadre=("cadre",))
        register("allowances.CoverRecord", cadre_paths)
        # Medical costs and injuries are also seen by the county (and town) offices where the
        # cadre is stationed; the pages open them to the county only (health data, PIPL).
        stationed_paths = Paths(
            region=("cadre__assignments__team__village",), unit=("cadre__unit",), cadre=("cadre",)
        )
        for label in ("allowances.MedicalClaim", "allowances.Injury"):
            register(label, stationed_paths)
