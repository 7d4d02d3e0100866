"""Keeping audit records for ZHUCUN_AUDIT_RETENTION_DAYS (at least 180: 等保2.0 安全审计
asks for six months), and removing older ones without breaking the hash chain.

A purge removes the oldest records, a prefix of the chain that is entirely
older than the cut-off, and moves the chain's anchor to the hash of the last
record it removed: the kept records then verify exactly as before. The
purge refuses to run on a chain that does not verify (removing records
would hide the evidence), and is itself audited and recorded in Purge.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhucun.audit import log
from zhucun.audit.models import AuditEvent, ChainHead, Purge
from zhucun.errors import ErrorCode, ServiceError

MINIMUM_DAYS = 180


def cutoff(now=None):
    return (now or timezone.now()) - timedelta(days=settings.ZHUCUN_AUDIT_RETENTION_DAYS)


@transaction.atomic
def purge_expired(*, actor=None, now=None) -> Purge | None:
    """Remove records older than the retention period; None when there is nothing to remove."""
    if settings.ZHUCUN_AUDIT_RETENTION_DAYS < MINIMUM_DAYS:
        raise ServiceError(
            ErrorCode.INVALID,
            f"审计记录保存期不得少于{MINIMUM_DAYS}天(当前设置 {settings.ZHUCUN_AUDIT_RETENTION_DAYS} 天)。",
            field="ZHUCUN_AUDIT_RETENTION_DAYS",
        )
    now = now or timezone.now()
    limit = cutoff(now)
    # Lock the head first: no record is appended while the chain is cut.
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        return None
    problems = log.verify_chain()
    if problems:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"审计记录哈希链校验未通过({len(problems)} 处问题),不能清理:{problems[0]}",
        )
    # The prefix of the chain older than the cut-off: up to the first newer record.
    first_kept = AuditEvent.objects.filter(at__gte=limit).order_by("pk").values("pk").first()
    expired = AuditEvent.objects.filter(at__lt=limit)
    if first_kept is not None:
        expired = expired.filter(pk__lt=first_kept["pk"])
    last = expired.order_by("-pk").values("pk", "hash").first()
    if last is None:
        return None
    removed, _ = AuditEvent.objects.filter(pk__lte=last["pk"]).delete()
    head.anchor = last["hash"]
    head.save(update_fields=["anchor"])
    purge = Purge.objects.create(
        at=now, cutoff=limit, removed=removed, last_removed_pk=last["pk"], anchor=last["hash"]
    )
    log.record(
        actor=actor,
        actor_name=None if actor is not None else "system",
        event="audit.purge",
        obj=purge,
        detail={
            "cutoff": limit.isoformat(),
            "removed": removed,
            "last_removed_pk": last["pk"],
            "anchor": last["hash"],
        },
    )
    return purge
