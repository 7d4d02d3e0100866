from django.db import models


class Ping(models.Model):
    """A row written by the bench-only minimal endpoint (the write path's baseline)."""

    client = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["client", "at"])]

    def __str__(self):
        return f"ping {self.pk} ({self.client})"
