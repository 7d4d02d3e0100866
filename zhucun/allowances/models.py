"""What a dispatching unit owes its stationed cadres (第二十七条): allowances and cover.

Rates are per unit and versioned by the date they take effect; money is
integer fen. The amounts themselves are never stored or typed: the monthly
sheet computes them from the cadre-day calendar (zhucun.stationing.calendar).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class AllowanceRate(models.Model):
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, related_name="allowance_rates", verbose_name="参扶单位"
    )
    effective_from = models.DateField("起始日期")
    living_fen_per_day = models.PositiveIntegerField("生活补助(分/实际驻村天)")
    transport_fen_per_week = models.PositiveIntegerField("交通补助(分/周,每周一次)")
    communication_fen_per_month = models.PositiveIntegerField("通信补贴(分/月)")
    basis = models.CharField("依据文件", max_length=100, default="市财发〔2016〕57号")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = verbose_name_plural = "补助标准"
        ordering = ["unit_id", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_from"], name="one_rate_per_unit_day")
        ]

    def __str__(self):
        return f"{self.unit} {self.effective_from}起"


class CoverKind(models.TextChoices):
    INSURANCE = "insurance", "人身意外伤害保险"
    EXAM = "exam", "年度体检"


class CoverRecord(models.Model):
    """每年办理人身意外伤害保险、安排体检1次 (第二十七条)."""

    cadre = models.ForeignKey("org.Cadre", models.PROTECT, related_name="cover_records")
    kind = models.CharField("类型", max_length=10, choices=CoverKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    done_on = models.DateField("办理/体检日期")
    valid_until = models.DateField("保险止期", null=True, blank=True)
    note = models.CharField("保单号/体检机构", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "保险体检"
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "kind", "year"], name="one_cover_per_year")
        ]
        indexes = [models.Index(fields=["year", "kind"])]

    def __str__(self):
        return f"{self.cadre} {self.year} {self.get_kind_display()}"


class MedicalClaim(models.Model):
    """驻村期间医疗费按职工基本医疗保险规定报销 (第二十七条)."""

    cadre = models.ForeignKey("org.Cadre", models.PROTECT, related_name="medical_claims")
    incurred_on = models.DateField("就医日期")
    description = models.CharField("事由", max_length=200)
    amount_fen = models.PositiveBigIntegerField("医疗费(分)")
    reimbursed_fen = models.PositiveBigIntegerField("已报销(分)", default=0)
    reimbursed_on = models.DateField("报销日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "医疗费报销"
        ordering = ["-incurred_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reimbursed_fen__lte=models.F("amount_fen")), name="claim_not_over"
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.incurred_on}"


class Injury(models.Model):
    """因公负伤的救治康复 and the named person who follows up (第二十七条 明确专人负责)."""

    cadre = models.ForeignKey("org.Cadre", models.PROTECT, related_name="injuries")
    happened_on = models.DateField("发生日期")
    on_duty = models.BooleanField("因公", default=True)
    description = models.CharField("经过", max_length=300)
    treatment = models.CharField("救治康复", max_length=300, blank=True)
    contact_person = models.CharField("帮扶慰问负责人", max_length=30)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "负伤记录"
        ordering = ["-happened_on"]

    def __str__(self):
        return f"{self.cadre} {self.happened_on}"
