from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "zhucun.households"
    verbose_name = "贫困户与联户"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # 第二十三条: a change is filed with the county, town and village, and the
        # selecting unit keeps it.
        register(
            "households.PairingChange",
            Paths(
                region=("household__village",),
                unit=("by_unit", "old_pairing__cadre__unit", "new_pairing__cadre__unit"),
                team=("household__village__teams",),
            ),
        )
        register(
            "households.Contact",
            Paths(
                region=("household__village",),
                unit=("cadre__unit",),
                team=("household__village__teams",),
                cadre=("cadre",),
            ),
        )
        register(
            "households.RecordBookCheck",
            Paths(
                region=("household__village",),
                unit=("household__pairings__cadre__unit",),
                team=("household__village__teams",),
                paired=("household__pairings",),
            ),
        )
        # Derived from the contacts; read through the scoped households, registered so a
        # scoped() read of it is possible too.
        register(
            "households.ContactTally",
            Paths(
                region=("household__village",),
                team=("household__village__teams",),
                paired=("household__pairings",),
            ),
        )
