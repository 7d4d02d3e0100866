from django.apps import AppConfig


class WorklogsConfig(AppConfig):
    name = "zhucun.worklogs"
    verbose_name = "工作日志"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # Logs and notices are the cadre's own; the team leader, the local line (county,
        # town) and the dispatching unit see them. Team mates do not read each other's logs.
        own = Paths(
            region=("cadre__assignments__team__village",),
            unit=("cadre__unit",),
            team=("cadre__assignments__team",),
            cadre=("cadre",),
        )
        register("worklogs.WorkLog", own)
        register("worklogs.RectificationNotice", own)
        # 第十二条(四): the 民情日记 is shared with the whole team.
        register(
            "worklogs.DiaryNote",
            Paths(
                region=("team__village",),
                unit=("cadre__unit",),
                team=("team",),
                member_team=("team",),
                cadre=("cadre",),
            ),
        )
