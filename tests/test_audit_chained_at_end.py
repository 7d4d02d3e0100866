"""Audit records of a block chained at its end: the chain head is locked only for the
last statements of the transaction (issue 8's write path), and the chain stays whole."""

import pytest
from django.db import transaction

from zhucun.audit import log
from zhucun.audit.models import AuditEvent


def test_records_made_in_the_block_are_appended_when_it_ends_in_order(cast):
    dora = cast.users["dora"]
    log.record(actor=dora, event="test.before")
    with transaction.atomic(), log.chained_at_end():
        first = log.record(actor=dora, event="test.one", obj=cast.team)
        second = log.record(actor=dora, event="test.two", obj=cast.team)
        # Given records made inside the block: none is in the chain yet
        assert first.pk is None and second.pk is None
        assert AuditEvent.objects.count() == 1
    # Then at its end both are appended in the order they were made, still in the transaction
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.event for e in events] == ["test.before", "test.one", "test.two"]
    assert events[2].previous_hash == events[1].hash and events[1].pk == first.pk
    # and time order is chain order (retention purges a prefix of the chain by time)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert log.verify_chain() == []


def test_a_block_that_fails_appends_nothing_and_the_chain_stays_whole(cast):
    dora = cast.users["dora"]
    log.record(actor=dora, event="test.before")
    # When the write inside the block fails after its audit record was made
    with pytest.raises(ValueError), transaction.atomic(), log.chained_at_end():
        log.record(actor=dora, event="test.lost")
        raise ValueError("the write failed")
    # Then no record of it exists, and records made afterwards chain on as usual
    assert not AuditEvent.objects.filter(event="test.lost").exists()
    log.record(actor=dora, event="test.after")
    assert log.verify_chain() == []


def test_a_nested_block_leaves_the_appending_to_the_outer_one(cast):
    dora = cast.users["dora"]
    with transaction.atomic(), log.chained_at_end():
        with log.chained_at_end():
            log.record(actor=dora, event="test.inner")
        assert not AuditEvent.objects.filter(event="test.inner").exists()
    assert AuditEvent.objects.filter(event="test.inner").exists()
    assert log.verify_chain() == []
