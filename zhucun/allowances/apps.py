from django.apps import AppConfig


class AllowancesConfig(AppConfig):
    name = "zhucun.allowances"
    verbose_name = "驻村待遇"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # 第二十七条: the dispatching unit pays and covers its own cadres.
        register("allowances.AllowanceRate", Paths(unit=("unit",)))
        cadre_paths = Paths(unit=("cadre__unit",), cadre=("cadre",))
        for label in ("allowances.CoverRecord", "allowances.MedicalClaim", "allowances.Injury"):
            register(label, cadre_paths)
