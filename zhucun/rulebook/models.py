"""What the database adds to the policy engine: county overrides and calendar corrections."""

from django.db import models


class ParameterOverride(models.Model):
    """A county's own value for a parameter of the 细则, from a date on (第三十八条)."""

    county = models.ForeignKey(
        "org.Region",
        models.PROTECT,
        related_name="parameter_overrides",
        verbose_name="区县",
        limit_choices_to={"level": "county"},
    )
    key = models.CharField("参数", max_length=60)
    value = models.JSONField("取值")
    effective_from = models.DateField("生效日期")
    document = models.CharField("依据文件", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "区县参数调整"
        ordering = ["county_id", "key", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "key", "effective_from"], name="one_override_per_day"
            )
        ]

    def __str__(self):
        return f"{self.county} {self.key}={self.value} ({self.effective_from}起)"

    def clean(self):
        """The key must be a parameter of the 细则 and the value of its kind."""
        from django.core.exceptions import ValidationError

        from zhucun.policy.errors import PolicyError
        from zhucun.policy.parameters import Override, ParameterBook

        if self.county_id is None or self.effective_from is None:
            return
        try:
            ParameterBook(
                county=self.county.code,
                overrides=[Override(self.key, self.value, self.effective_from, self.county.code)],
            )
        except PolicyError as exc:
            raise ValidationError({"value": str(exc)}) from exc


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarCorrection(models.Model):
    """A city administrator's entry that wins over the `holidays` package (DESIGN.md §5)."""

    day = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=DayKind.choices)
    name = models.CharField("说明", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "节假日调整"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()}"
