"""Audit (等保2.0 安全审计): what is recorded, that the application cannot change it,
retention with an anchored chain, and the audit administrator's search and export."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories as f
from zhucun.accounts.models import Position, User
from zhucun.audit.log import record, verify_chain
from zhucun.audit.models import AuditEvent, ChainHead
from zhucun.audit.retention import purge_expired
from zhucun.errors import ServiceError


def admin_request(user, address="10.9.9.9"):
    request = RequestFactory().post("/admin/", REMOTE_ADDR=address)
    request.user = user
    return request


@pytest.fixture
def root(db):
    return f.UserFactory(username="root", is_staff=True, is_superuser=True)


def test_granting_and_removing_a_position_in_the_back_office_is_audited(cast, root):
    user_admin = admin.site._registry[User]
    bob = cast.users["bob"]
    request = admin_request(root)
    FormSet = user_admin.get_inline_instances(request, bob)[0].get_formset(request, bob)
    data = {
        "positions-TOTAL_FORMS": "1",
        "positions-INITIAL_FORMS": "0",
        "positions-0-role": "town",
        "positions-0-duty": "staff",
        "positions-0-region": str(cast.town.pk),
        "positions-0-active": "on",
    }
    formset = FormSet(data, instance=bob, prefix="positions")
    assert formset.is_valid(), formset.errors
    user_admin.save_formset(request, None, formset, change=True)
    event = AuditEvent.objects.get(event="position.create")
    assert event.actor == root and event.address == "10.9.9.9"
    assert event.detail["role"] == "town" and event.detail["user"] == "bob"
    position = Position.objects.get(user=bob)
    data = {
        "positions-TOTAL_FORMS": "1",
        "positions-INITIAL_FORMS": "1",
        "positions-0-id": str(position.pk),
        "positions-0-user": str(bob.pk),
        "positions-0-role": "town",
        "positions-0-duty": "staff",
        "positions-0-region": str(cast.town.pk),
        "positions-0-active": "on",
        "positions-0-DELETE": "on",
    }
    formset = FormSet(data, instance=bob, prefix="positions")
    assert formset.is_valid(), formset.errors
    user_admin.save_formset(request, None, formset, change=True)
    assert AuditEvent.objects.filter(event="position.delete", object_id=str(position.pk)).exists()


def test_disabling_accounts_from_the_back_office_is_audited(cast, root):
    user_admin = admin.site._registry[User]
    user_admin.deactivate(admin_request(root), User.objects.filter(username="bob"))
    event = AuditEvent.objects.get(event="user.deactivate")
    assert event.actor == root and event.object_id == str(cast.users["bob"].pk)


def test_audit_records_are_read_only_in_the_back_office_even_for_a_superuser(root, client):
    entry = record(actor=root, event="test.event")
    client.force_login(root)
    change_url = reverse("admin:audit_auditevent_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change_url, {"outcome": "failed"}).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    entry.refresh_from_db()
    assert entry.outcome == "ok" and AuditEvent.objects.filter(pk=entry.pk).exists()


# -- retention -------------------------------------------------------------------------


def aged(entry, days):
    AuditEvent.objects.filter(pk=entry.pk).update(at=timezone.now() - timedelta(days=days))


def rehash_all():
    """Make the chain consistent after back-dating records (the test's own time travel)."""
    previous = ChainHead.objects.get().anchor
    for entry in AuditEvent.objects.order_by("pk"):
        entry.previous_hash = previous
        entry.hash = entry.compute_hash()
        entry.save(update_fields=["previous_hash", "hash"])
        previous = entry.hash
    ChainHead.objects.update(hash=previous)


def test_a_purge_removes_only_records_older_than_retention_and_the_chain_still_verifies(db):
    old = [record(actor=None, event=f"old.{i}") for i in range(3)]
    borderline = record(actor=None, event="borderline")
    new = record(actor=None, event="new")
    for entry in old:
        aged(entry, 200)
    aged(borderline, 179)
    rehash_all()
    assert verify_chain() == []
    purge = purge_expired()
    assert purge.removed == 3
    kept = set(AuditEvent.objects.values_list("event", flat=True))
    assert kept == {"borderline", "new", "audit.purge"}
    assert verify_chain() == []
    call_command("audit_verify")
    assert ChainHead.objects.get().anchor == purge.anchor
    # A new record after the purge still chains on
    record(actor=None, event="after")
    assert verify_chain() == []
    assert new.pk in AuditEvent.objects.values_list("pk", flat=True)


def test_after_a_purge_removing_the_oldest_kept_record_is_still_detected(db):
    old, kept = record(actor=None, event="old"), record(actor=None, event="kept")
    record(actor=None, event="later")
    aged(old, 365)
    rehash_all()
    purge_expired()
    AuditEvent.objects.filter(pk=kept.pk).delete()
    assert verify_chain()


def test_a_purge_refuses_to_run_on_a_chain_that_does_not_verify(db):
    old = record(actor=None, event="old")
    record(actor=None, event="new")
    aged(old, 365)  # back-dated without rehashing: the record no longer matches its hash
    with pytest.raises(ServiceError, match="校验未通过"):
        purge_expired()
    assert AuditEvent.objects.count() == 2


def test_the_retention_period_is_a_setting_of_at_least_180_days(db, settings):
    from zhucun.audit.checks import retention_setting

    assert settings.ZHUCUN_AUDIT_RETENTION_DAYS == 180
    settings.ZHUCUN_AUDIT_RETENTION_DAYS = 90
    assert retention_setting(None)[0].id == "zhucun.E020"
    with pytest.raises(ServiceError, match="不得少于180天"):
        purge_expired()
    settings.ZHUCUN_AUDIT_RETENTION_DAYS = 400
    old = record(actor=None, event="old")
    aged(old, 365)
    rehash_all()
    assert purge_expired() is None


# -- the audit administrator's search and export ------------------------------------


def test_the_audit_administrator_searches_by_user_event_date_and_object(cast, client):
    dora, ed = cast.users["dora"], cast.users["ed"]
    record(actor=dora, event="leave.approve", obj=cast.team)
    record(actor=ed, event="leave.approve", obj=cast.other_team)
    old = record(actor=dora, event="export")
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    client.force_login(cast.users["aud"])
    url = reverse("audit:search")

    def found(**query):
        return {
            (e.actor_name, e.event, e.object_id)
            for e in client.get(url, query).context["page"].object_list
            if not e.event.startswith("login")
        }

    assert found(user=dora.username, event="leave") == {
        (dora.username, "leave.approve", str(cast.team.pk))
    }
    assert found(object_type="stationing.Team", object_id=str(cast.other_team.pk)) == {
        (ed.username, "leave.approve", str(cast.other_team.pk))
    }
    today = timezone.localdate()
    assert (dora.username, "export", "") not in found(start=today.isoformat())
    assert (dora.username, "export", "") in found(end=(today - timedelta(days=5)).isoformat())
    bad = client.get(url, {"start": today.isoformat(), "end": "2020-01-01"})
    assert "结束日期不能早于开始日期" in bad.content.decode()


def test_the_audit_export_is_a_workbook_and_is_itself_audited(cast, client):
    record(actor=cast.users["dora"], event="leave.approve", obj=cast.team)
    client.force_login(cast.users["aud"])
    response = client.get(reverse("audit:export"), {"event": "leave"})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet["A1"].value == "审计记录"
    assert "导出人" in sheet["A2"].value and "aud" in sheet["A2"].value
    assert sheet["D4"].value == "leave.approve" and sheet["D5"].value is None
    event = AuditEvent.objects.get(event="export.personal")
    assert event.actor == cast.users["aud"]
    assert event.detail == {"title": "审计记录", "filters": {"event": "leave"}, "rows": 1}


@pytest.mark.parametrize("username", ["sam", "sid", "gus", "dora", "alice"])
def test_only_the_audit_administrator_sees_the_audit_records(cast, client, username):
    client.force_login(cast.users[username])
    assert client.get(reverse("audit:search")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403
