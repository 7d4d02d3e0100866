"""Access tokens for machine clients, and the idempotency ledger of API writes."""

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A bearer token a user made for a machine client; only its SHA-256 is kept.

    The token carries 256 random bits, so a fast hash is enough: nobody can
    guess a preimage, and the lookup stays one indexed equality per request.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name="账号"
    )
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("令牌前缀", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口访问令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first successful answer to a write sent with an Idempotency-Key.

    Saved in the write's own transaction, so a key is recorded exactly when
    its write happened; the unique constraint makes two concurrent requests
    with one key end in one write.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "幂等键记录"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
