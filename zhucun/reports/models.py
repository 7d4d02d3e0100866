"""Team reports (第十一条(一), 第十五条, 第十九条) and the county's team-leader meetings (第十五条)."""

from django.db import models

from zhucun.reports.periods import ReportKind


class TeamReport(models.Model):
    """A report the team leader confirmed; drafts are computed, never stored.

    `facts` is the snapshot of the recorded figures the draft showed when it
    was confirmed (days, logs, contacts, findings), so a later correction of
    a check-in does not change what was reported.
    """

    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, related_name="reports", verbose_name="工作队"
    )
    kind = models.CharField("报告类型", max_length=12, choices=ReportKind.choices)
    period_start = models.DateField("期间起")
    period_end = models.DateField("期间止")
    due_on = models.DateField("报送期限")
    work_done = models.TextField("工作开展情况", max_length=8000)
    problems = models.TextField("存在问题", max_length=4000, blank=True)
    next_plan = models.TextField("下步工作安排及建议", max_length=4000, blank=True)
    facts = models.JSONField("记录数据", default=dict)
    submitted_at = models.DateTimeField("提交时间")
    submitted_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="提交人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "工作队报告"
        ordering = ["team_id", "-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "kind", "period_start"],
                name="one_report_per_team_kind_period",
                violation_error_message="该期报告已提交,不能重复提交。",
            )
        ]

    def __str__(self):
        return f"{self.team} {self.get_kind_display()} {self.period_start}"


class LeaderMeeting(models.Model):
    """The county's quarterly meeting of team leaders (第十五条)."""

    county = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        related_name="leader_meetings",
        verbose_name="区县",
        limit_choices_to={"level": "county"},
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    held_on = models.DateField("召开日期")
    minutes = models.TextField("会议纪要", max_length=8000)
    attendees = models.ManyToManyField(
        "org.Cadre", related_name="leader_meetings", verbose_name="参会队长", blank=True
    )
    recorded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "驻村工作队队长会议"
        ordering = ["county_id", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "quarter"],
                name="one_leader_meeting_per_county_quarter",
                violation_error_message="该季度的队长会议已登记。",
            )
        ]

    def __str__(self):
        return f"{self.county} {self.year}年第{self.quarter}季度队长会议"
