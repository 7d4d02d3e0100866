"""A spreadsheet export asked for on a page and built in the background (runner.py)."""

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJob(models.Model):
    """One export: who asked for which list with which filters, and what came of it.

    The file is built as the requester, with their data scope on the day it runs
    (zhucun.exports.kinds), and only the requester may download it. `file_name`
    is random (not guessable) and names a file in settings.ZHUCUN_EXPORT_DIR.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="export_jobs", verbose_name="导出人"
    )
    kind = models.CharField("导出内容", max_length=30)
    title = models.CharField("标题", max_length=100)
    parameters = models.JSONField("筛选条件", default=dict, blank=True)
    address = models.GenericIPAddressField("请求地址", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.CharField("失败原因", max_length=200, blank=True)
    rows = models.PositiveIntegerField("行数", null=True, blank=True)
    size = models.PositiveBigIntegerField("文件大小(字节)", null=True, blank=True)
    file_name = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requester", "-created_at"], name="exportjob_requester_idx"),
            models.Index(fields=["state", "created_at"], name="exportjob_state_idx"),
        ]

    def __str__(self):
        return f"{self.title}({self.get_state_display()})"

    @property
    def pending(self) -> bool:
        return self.state in (State.QUEUED, State.RUNNING)
