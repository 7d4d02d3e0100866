"""Writing audit records: called inside the service's transaction, so a write
and its audit record are saved together or not at all."""

from django.db import transaction
from django.utils import timezone

from zhucun.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64


def record(
    *,
    actor,
    event: str,
    obj=None,
    outcome: str = "ok",
    address: str | None = None,
    detail: dict | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one audit record; `obj` is a model instance or None.

    `actor_name` names who acted when there is no account (a failed login
    records the username that was tried).
    """
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"hash": GENESIS}
        )
        entry = AuditEvent(
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=(actor_name if actor_name is not None else getattr(actor, "username", ""))
            or "",
            address=address,
            event=event,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            outcome=outcome,
            detail=detail or {},
            previous_hash=head.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.hash = entry.hash
        head.save(update_fields=["hash"])
        return entry


def verify_chain() -> list[str]:
    """Problems found walking the chain from its anchor; empty when intact.

    The anchor is the genesis hash, or after a retention purge the hash of
    the last purged record (audit/retention.py).
    """
    problems = []
    head = ChainHead.objects.filter(pk=1).first()
    previous = head.anchor if head is not None else GENESIS
    for entry in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.previous_hash != previous:
            problems.append(f"#{entry.pk}: 前一条哈希不符(记录被删除或插入)")
        if entry.compute_hash() != entry.hash:
            problems.append(f"#{entry.pk}: 内容哈希不符(记录被篡改)")
        previous = entry.hash
    if head is not None and head.hash != previous:
        problems.append("链尾哈希与最后一条记录不符(末尾记录被删除)")
    return problems


def client_address(request) -> str | None:
    """The address a request came from, as axes saw it (it honours the proxy settings)."""
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None
