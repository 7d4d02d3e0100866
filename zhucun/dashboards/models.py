"""Board snapshots: what figures.board() computes, filed by `manage.py refresh_boards`."""

from django.db import models
from django.db.models import Q


class BoardSnapshot(models.Model):
    """A region's or a team's board for one month, as snapshots.to_json() writes it.

    The engines behind a board take seconds over a year of a county's rows, so the
    page reads this row instead (docs/benchmarks-history.md, "Board snapshots").
    """

    # The board's region; a team board's is the team's village (its scope path).
    region = models.ForeignKey("org.Region", models.CASCADE, related_name="+", verbose_name="区域")
    team = models.ForeignKey(
        "stationing.Team",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="工作队",
    )
    month = models.DateField("月份")  # its first day
    data = models.JSONField("看板数据")  # all the page shows: ids, counts, charts
    findings = models.JSONField("未整改问题")  # the total's, read by their list only
    computed_at = models.DateTimeField("计算时间")
    stale = models.BooleanField("待更新", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "看板快照"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "month"],
                condition=Q(team__isnull=True),
                name="one_region_board_a_month",
            ),
            models.UniqueConstraint(fields=["team", "month"], name="one_team_board_a_month"),
        ]
        indexes = [models.Index(fields=["stale", "month"])]

    def __str__(self):
        return f"{self.team_id or self.region_id} {self.month:%Y-%m}"
