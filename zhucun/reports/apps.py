from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "zhucun.reports"
    verbose_name = "工作队报告与队长会议"

    def ready(self):
        from zhucun.accounts.scope import Paths, register

        # A team's reports go to the town and county (local line), the dispatching and lead
        # units (第十五、十九条); the team itself, members included, sees what it reported.
        register(
            "reports.TeamReport",
            Paths(
                region=("team__village",),
                unit=("team__units", "team__lead_unit"),
                team=("team",),
                member_team=("team",),
            ),
        )
        # The county's team-leader meetings (第十五条): the county and city see them, a
        # team leader the meetings they attended.
        register(
            "reports.LeaderMeeting",
            Paths(region=("county",), cadre=("attendees",)),
        )
