"""Trainings (第十八条): events by the city (典型示范培训) or the county (专题轮训 …).

Attendance is written to the cadre-day calendar as official business of kind
training (stationing.OfficialBusiness): that record is the one source for
both the calendar (the days count as stationed, 第十六条) and the yearly
training check (≥1 training, ≥5 days).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Level(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "区县级"


class Kind(models.TextChoices):
    DEMONSTRATION = "demonstration", "典型示范培训"
    ROTATION = "rotation", "专题轮训"
    OBSERVATION = "observation", "现场观摩"
    EXCHANGE = "exchange", "经验交流"


class TrainingEvent(models.Model):
    level = models.CharField("组织层级", max_length=10, choices=Level.choices)
    kind = models.CharField("方式", max_length=15, choices=Kind.choices)
    title = models.CharField("培训名称", max_length=100)
    organiser = models.CharField("主办单位", max_length=60)
    region = models.ForeignKey(
        "org.Region", models.PROTECT, related_name="+", verbose_name="组织区划"
    )
    start = models.DateField("开始")
    end = models.DateField("结束")
    place = models.CharField("地点", max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间")

    class Meta:
        verbose_name = verbose_name_plural = "培训"
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="training_dates")
        ]
        indexes = [models.Index(fields=["region", "start"])]

    def __str__(self):
        return self.title

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Participant(models.Model):
    event = models.ForeignKey(TrainingEvent, models.CASCADE, related_name="participants")
    cadre = models.ForeignKey("org.Cadre", models.PROTECT, related_name="trainings")
    official_business = models.OneToOneField(
        "stationing.OfficialBusiness",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="training_participant",
        verbose_name="计入驻村日历",
    )
    attended_at = models.DateTimeField("确认参训时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参训人员"
        constraints = [models.UniqueConstraint(fields=["event", "cadre"], name="one_participation")]

    def __str__(self):
        return f"{self.cadre} @ {self.event}"
