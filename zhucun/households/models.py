"""Registered poor households (建档立卡贫困户) and their paired cadres (联户)."""

from django.db import models
from django.db.models import Q

from zhucun.households.codes import Attribute, Cause, Status


class Household(models.Model):
    code = models.CharField("户编号", max_length=20, unique=True)
    village = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        related_name="households",
        verbose_name="所在村",
        limit_choices_to={"level": "village"},
    )
    head_name = models.CharField("户主姓名", max_length=30)
    attribute = models.CharField("贫困户属性", max_length=10, choices=Attribute.choices)
    main_cause = models.CharField("主要致贫原因", max_length=2, choices=Cause.choices)
    other_causes = models.JSONField("其他致贫原因", default=list, blank=True)
    status = models.CharField("脱贫状态", max_length=10, choices=Status.choices)
    exit_year = models.PositiveSmallIntegerField("脱贫年份", null=True, blank=True)
    members = models.PositiveSmallIntegerField("家庭人口")
    income_per_head = models.PositiveIntegerField("人均纯收入(元)")
    farmland_mu = models.DecimalField("耕地面积(亩)", max_digits=7, decimal_places=2, default=0)
    housing_safe = models.BooleanField("住房安全有保障", default=True)
    schooling_ok = models.BooleanField("义务教育无辍学", default=True)
    medical_insured = models.BooleanField("基本医疗保险参保", default=True)
    water_safe = models.BooleanField("饮水安全有保障", default=True)
    # 第十三条(三): the household cadre analyses the causes and makes a plan.
    causes_analysis = models.TextField("致贫原因分析", blank=True, max_length=2000)
    help_plan = models.TextField("帮扶计划和措施", blank=True, max_length=2000)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "贫困户"
        ordering = ["code"]
        indexes = [
            models.Index(fields=["village", "status"]),
            models.Index(fields=["village", "main_cause"]),
        ]

    def __str__(self):
        return f"{self.head_name}户"


class Pairing(models.Model):
    """A household's paired cadre (第九条); changes follow 第二十三条."""

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="pairings", verbose_name="贫困户"
    )
    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="pairings", verbose_name="联户干部"
    )
    start = models.DateField("结对开始")
    end = models.DateField("结对结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对帮扶"
        indexes = [models.Index(fields=["cadre", "end"])]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end__isnull=True),
                name="one_active_pairing_per_household",
                violation_error_message="该户已有一名在帮联户干部。",
            )
        ]

    def __str__(self):
        return f"{self.cadre} ↔ {self.household}"
