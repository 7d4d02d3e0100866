"""The back office lists the stationing and approval records; what the audit needs kept as
written (approvals, attendance, signatures, service-set dates) is read-only there."""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.approvals_cast import two_step_request
from zhucun.approvals.models import Delegation, Request
from zhucun.approvals.services import delegation_create
from zhucun.stationing.models import (
    Assignment,
    ChangeReason,
    CheckIn,
    DutyDay,
    Handover,
    Leave,
    OfficialBusiness,
    PersonnelChange,
    Team,
)
from zhucun.stationing.services import check_in, leave_request_submit, official_business_record
from zhucun.stationing.team_services import handover_create, personnel_change_apply

READ_ONLY = [
    Leave,
    CheckIn,
    OfficialBusiness,
    DutyDay,
    Handover,
    PersonnelChange,
    Request,
    Delegation,
]


@pytest.fixture
def root(db):
    return f.UserFactory(username="root", is_staff=True, is_superuser=True)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_evidence_cannot_be_added_changed_or_deleted_in_the_back_office(root, model):
    model_admin = admin.site._registry[model]
    request = _request(root)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_dates_the_services_govern_are_read_only_on_teams_and_assignments(root):
    request = _request(root)
    assert set(admin.site._registry[Assignment].get_readonly_fields(request)) == {
        "end",
        "party_transferred_on",
    }
    inline = admin.site._registry[Team].get_inline_instances(request)[0]
    assert {"end", "party_transferred_on"} <= set(inline.get_readonly_fields(request))
    assert "withdrawn_on" in admin.site._registry[Team].get_readonly_fields(request)


def _one_of_each(cast) -> dict:
    """One record of every model, written the way the application writes them."""
    today = timezone.localdate()
    bob, member = cast.users["bob"], cast.member
    successor = f.AssignmentFactory(team=cast.team, cadre=f.CadreFactory(unit=cast.unit))
    return {
        Request: two_step_request(cast),
        Delegation: delegation_create(user=cast.users["alice"], deputy=bob, start=today, end=today),
        Assignment: cast.leader_assignment,
        Leave: leave_request_submit(
            user=bob, cadre=member, start=today, end=today + timedelta(days=1), reason="家事"
        ),
        CheckIn: check_in(user=bob, cadre=member)[0],
        OfficialBusiness: official_business_record(
            user=bob,
            cadre=member,
            kind="meeting",
            start=today,
            end=today,
            what="培训会",
            where="县城",
        ),
        DutyDay: DutyDay.objects.create(team=cast.team, cadre=member, day=today),
        Handover: handover_create(
            user=cast.users["alice"],
            predecessor=member.assignments.get(),
            successor=successor,
            content="台账",
        ),
        PersonnelChange: personnel_change_apply(
            user=cast.users["fay"],
            assignment=member.assignments.get(),
            reason=ChangeReason.ILLNESS,
            detail="住院",
        ),
    }


def test_each_list_and_record_opens_for_the_superuser_and_a_change_is_refused(cast, root, client):
    rows = _one_of_each(cast)
    client.force_login(root)
    for model, row in rows.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        listing = client.get(reverse(f"{name}_changelist"))
        assert listing.status_code == 200, model
        assert reverse(f"{name}_change", args=[row.pk]) in listing.content.decode(), model
        assert client.get(reverse(f"{name}_change", args=[row.pk])).status_code == 200, model
    # Then an approval record cannot be posted over, and shows its steps
    approval = rows[Request]
    change = reverse("admin:approvals_request_change", args=[approval.pk])
    assert client.post(change, {"title": "改过的"}).status_code == 403
    approval.refresh_from_db()
    assert approval.title == "测试事项"
    assert "驻村工作队队长" in client.get(change).content.decode()


def test_outside_a_superuser_one_sees_only_ones_own_delegations(cast):
    delegation_create(
        user=cast.users["alice"], deputy=cast.users["bob"], start=date.today(), end=date.today()
    )
    delegations = admin.site._registry[Delegation]
    assert delegations.get_queryset(_request(cast.users["bob"])).count() == 1
    assert delegations.get_queryset(_request(cast.users["ed"])).count() == 0
