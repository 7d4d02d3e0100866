"""Care and follow-up of the stationed cadres (第二十六条、第二十八条、第二十九条)."""

from django.conf import settings
from django.db import models


class TalkerLevel(models.TextChoices):
    COUNTY = "county", "区县党委、政府"
    TOWN = "town", "镇(街办)党委、政府"
    UNIT = "unit", "参扶单位负责人"


class Talk(models.Model):
    """谈心交心 (第二十八条): recorded briefly, by whom and with whom."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="talks", verbose_name="干部"
    )
    level = models.CharField("谈话方", max_length=10, choices=TalkerLevel.choices)
    talker = models.CharField("谈话人", max_length=30)
    held_on = models.DateField("日期")
    summary = models.CharField("谈话要点", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "谈心谈话"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["cadre", "held_on"])]

    def __str__(self):
        return f"{self.talker} 与 {self.cadre} {self.held_on}"


class UnitHeadVisit(models.Model):
    """参扶单位主要负责人每月至少到帮扶村指导一次工作 (第二十八条)."""

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="head_visits")
    team = models.ForeignKey("stationing.Team", models.PROTECT, related_name="unit_head_visits")
    visited_on = models.DateField("到村日期")
    head_name = models.CharField("负责人", max_length=30)
    guidance = models.CharField("指导内容", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "单位负责人到村指导"
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["unit", "visited_on"])]

    def __str__(self):
        return f"{self.unit} {self.visited_on}"


class ReportHearing(models.Model):
    """参扶单位定期听取驻村工作队的工作汇报 (第二十八条)."""

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="report_hearings")
    team = models.ForeignKey("stationing.Team", models.PROTECT, related_name="report_hearings")
    heard_on = models.DateField("日期")
    summary = models.CharField("汇报及研究事项", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "听取工作汇报"
        ordering = ["-heard_on", "-pk"]

    def __str__(self):
        return f"{self.unit} 听取 {self.team} 汇报 {self.heard_on}"


class ExemplaryCase(models.Model):
    """典型案例 (第二十九条): written up, approved by the county, then published to everyone."""

    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", max_length=5000)
    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, null=True, blank=True, related_name="cases"
    )
    region = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="审核区县"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    approval = models.OneToOneField(
        "approvals.Request", models.PROTECT, related_name="exemplary_case"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField("撰写时间")

    class Meta:
        verbose_name = verbose_name_plural = "典型案例"
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self):
        return self.title
