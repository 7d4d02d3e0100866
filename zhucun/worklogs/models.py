"""Work logs (工作日志, 第十、十二、十六条), their history, 民情日记 and rectification notices."""

from django.db import models

from zhucun.uploads import Kind, generated_name, private_storage


class WorkLog(models.Model):
    """One log per cadre and working day, on site or off site (第十六条)."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="work_logs", verbose_name="干部"
    )
    day = models.DateField("日期")
    tasks = models.JSONField("工作任务(第十条)", default=list)
    content = models.TextField("工作内容", max_length=4000)
    off_site = models.BooleanField("离村在外工作", default=False)
    households = models.ManyToManyField(
        "households.Household", blank=True, related_name="work_logs", verbose_name="涉及贫困户"
    )
    projects = models.CharField("涉及项目", max_length=200, blank=True)
    # 第三十五条(五): timeliness is judged by when the log was FIRST saved.
    first_saved_at = models.DateTimeField("首次保存时间")
    updated_at = models.DateTimeField("最后修改时间")
    revisions = models.PositiveIntegerField("版本数", default=1)

    class Meta:
        verbose_name = verbose_name_plural = "工作日志"
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "day"],
                name="one_log_per_cadre_day",
                violation_error_message="该日已有工作日志,请修改原日志。",
            )
        ]

    def __str__(self):
        return f"{self.cadre} {self.day}"


class LogRevision(models.Model):
    """Every saved version of a log, the first included: nothing is silently overwritten."""

    log = models.ForeignKey(WorkLog, models.CASCADE, related_name="history", verbose_name="日志")
    number = models.PositiveIntegerField("版本")
    tasks = models.JSONField("工作任务", default=list)
    content = models.TextField("工作内容")
    off_site = models.BooleanField("离村在外工作")
    household_ids = models.JSONField("涉及贫困户", default=list)
    projects = models.CharField("涉及项目", max_length=200, blank=True)
    saved_at = models.DateTimeField("保存时间")
    # Empty for versions brought over from an earlier system (no account here).
    saved_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="保存人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "日志版本"
        ordering = ["log_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["log", "number"], name="one_revision_number_per_log")
        ]

    def __str__(self):
        return f"{self.log} v{self.number}"


class DiaryNote(models.Model):
    """民情日记 (第十二条(四)): villagers' situations and needs, visible to the team."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="diary_notes", verbose_name="干部"
    )
    team = models.ForeignKey(
        "stationing.Team", models.PROTECT, related_name="diary_notes", verbose_name="工作队"
    )
    day = models.DateField("日期")
    household = models.ForeignKey(
        "households.Household",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="相关贫困户",
    )
    content = models.TextField("民情记录", max_length=4000)
    created_at = models.DateTimeField("填写时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "民情日记"
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["team", "day"])]

    def __str__(self):
        return f"{self.cadre} {self.day} 民情日记"


class NoticeStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改"
    REFUSED = "refused", "拒绝整改"


class Issuer(models.TextChoices):
    TOWN = "town", "镇(街办)"
    TEAM_LEADER = "team_leader", "驻村工作队长"


class RectificationNotice(models.Model):
    """整改通知 for late or missing logs; three refused in a year → 第三十五条(五)."""

    cadre = models.ForeignKey(
        "org.Cadre", models.PROTECT, related_name="log_notices", verbose_name="干部"
    )
    issued_on = models.DateField("通知日期")
    issuer = models.CharField("通知方", max_length=12, choices=Issuer.choices)
    issued_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="通知人"
    )
    log_days = models.JSONField("涉及日志日期", default=list)
    reason = models.TextField("整改要求", max_length=1000)
    status = models.CharField(
        "状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    response = models.TextField("整改情况/拒绝说明", max_length=1000, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="办结登记人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "日志整改通知"
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["cadre", "issued_on"])]

    def __str__(self):
        return f"{self.cadre} {self.issued_on} 整改通知"


class LogAttachment(models.Model):
    """A scan or photo kept with a log (a meeting sheet, a site photo): checked by
    zhucun/uploads.py, stored under a generated name, served only after the log's scope check."""

    log = models.ForeignKey(
        WorkLog, models.PROTECT, related_name="attachments", verbose_name="日志"
    )
    file = models.FileField(
        "文件", upload_to=generated_name, storage=private_storage, max_length=200
    )
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="上传人"
    )
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "日志附件"
        ordering = ["log_id", "uploaded_at", "pk"]

    def __str__(self):
        return f"{self.log} {self.name}"
