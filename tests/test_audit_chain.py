import pytest
from django.core.management import call_command

from zhucun.audit.log import record, verify_chain
from zhucun.audit.models import AuditEvent


def test_an_intact_chain_verifies(cast):
    record(actor=cast.users["dora"], event="test.one", obj=cast.team)
    record(actor=cast.users["dora"], event="test.two", obj=cast.team)
    assert verify_chain() == []
    call_command("audit_verify")


def test_a_changed_record_is_detected(cast):
    record(actor=cast.users["dora"], event="test.one", obj=cast.team)
    entry = record(actor=cast.users["dora"], event="test.two", obj=cast.team)
    AuditEvent.objects.filter(pk=entry.pk).update(outcome="failed")  # tampering outside the app
    assert any("篡改" in p for p in verify_chain())


def test_a_deleted_record_is_detected(cast):
    first = record(actor=cast.users["dora"], event="test.one")
    record(actor=cast.users["dora"], event="test.two")
    AuditEvent.objects.filter(pk=first.pk).delete()
    assert verify_chain()
    with pytest.raises(Exception, match="篡改"):
        call_command("audit_verify")
