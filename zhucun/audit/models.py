"""Audit records (安全审计, 等保2.0): append-only, each hashed onto the previous one."""

import hashlib
import json

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="用户",
    )
    actor_name = models.CharField("用户名", max_length=150, blank=True)
    address = models.GenericIPAddressField("地址", null=True, blank=True)
    event = models.CharField("事件", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象", max_length=40, blank=True)
    outcome = models.CharField("结果", max_length=20, default="ok")
    detail = models.JSONField("详情", default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        ordering = ["pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.event}"

    def payload(self) -> bytes:
        """What the hash covers: every field but the hash itself."""
        return json.dumps(
            [
                self.at.isoformat(),
                self.actor_id,
                self.actor_name,
                self.address,
                self.event,
                self.object_type,
                self.object_id,
                self.outcome,
                self.detail,
                self.previous_hash,
            ],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        ).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.payload()).hexdigest()


class ChainHead(models.Model):
    """One row holding the newest hash; locking it serialises appends to the chain.

    `anchor` is where verification starts: the genesis hash, or after a
    retention purge the hash of the last purged record, so the records kept
    still verify as an unbroken chain from there.
    """

    hash = models.CharField(max_length=64)
    anchor = models.CharField(max_length=64, default="0" * 64)

    def __str__(self):
        return self.hash


class Purge(models.Model):
    """One retention purge: what was removed and the anchor the chain continues from."""

    at = models.DateTimeField("时间")
    cutoff = models.DateTimeField("删除此时间之前的记录")
    removed = models.PositiveIntegerField("删除条数")
    last_removed_pk = models.BigIntegerField("最后删除的记录号")
    anchor = models.CharField("锚定哈希", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "审计记录清理"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d} 删除 {self.removed} 条"
