"""三员分立 (等保2.0 访问控制): three administrators, three people, no business data;
and no default accounts in production."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import inlineformset_factory

from tests import factories as f
from zhucun.accounts import services
from zhucun.accounts.admin import PositionFormSet
from zhucun.accounts.checks import no_demo_accounts
from zhucun.accounts.models import Position, User
from zhucun.accounts.scope import PATHS, scoped
from zhucun.audit.models import AuditEvent
from zhucun.demo.city import DEMO_PASSWORD
from zhucun.errors import ServiceError


@pytest.mark.parametrize(
    "holder, second", [("sam", "secadmin"), ("sid", "auditadmin"), ("aud", "sysadmin")]
)
def test_two_administrator_roles_cannot_be_held_by_one_account(cast, holder, second):
    position = Position(user=cast.users[holder], role=second)
    with pytest.raises(ValidationError, match="三员分立"):
        position.full_clean()
    with pytest.raises(ServiceError, match="三员分立"):
        services.position_grant(actor=cast.users["sid"], user=cast.users[holder], role=second)


def test_the_database_refuses_a_second_administrator_role_written_past_the_checks(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(user=cast.users["sam"], role="auditadmin")


def test_an_administrator_cannot_hold_a_business_role_nor_a_business_user_become_one(cast):
    with pytest.raises(ValidationError, match="不能兼任业务岗位"):
        Position(user=cast.users["sam"], role="county", region=cast.county).full_clean()
    with pytest.raises(ValidationError, match="不能兼任业务岗位"):
        Position(user=cast.users["dora"], role="secadmin").full_clean()
    # a cadre's login (team leader alice) cannot be an administrator either
    with pytest.raises(ValidationError, match="干部登录账号"):
        Position(user=cast.users["alice"], role="auditadmin").full_clean()


def test_a_revoked_administrator_role_frees_the_account_for_another(cast):
    sam = cast.users["sam"]
    services.position_revoke(actor=cast.users["sid"], position=sam.positions.get())
    services.position_grant(actor=cast.users["sid"], user=sam, role="secadmin")
    events = list(AuditEvent.objects.values_list("event", flat=True))
    assert events == ["position.revoke", "position.create"]


def test_the_back_office_refuses_two_administrator_roles_added_together(cast):
    user = f.UserFactory(username="newadmin")
    FormSet = inlineformset_factory(
        User, Position, formset=PositionFormSet, fields=["role", "duty", "active"], extra=2
    )
    data = {
        "positions-TOTAL_FORMS": "2",
        "positions-INITIAL_FORMS": "0",
        "positions-0-role": "sysadmin",
        "positions-0-duty": "staff",
        "positions-0-active": "on",
        "positions-1-role": "auditadmin",
        "positions-1-duty": "staff",
        "positions-1-active": "on",
    }
    formset = FormSet(data, instance=user, prefix="positions")
    assert not formset.is_valid()
    assert "三员分立" in str(formset.non_form_errors())


@pytest.mark.parametrize("username", ["sam", "sid", "aud"])
def test_administrators_see_no_business_data(cast, username):
    user = cast.users[username]
    for label in PATHS:
        model = apps.get_model(label)
        assert not scoped(user, model.objects.all()).exists(), f"{username} sees {label}"


def test_a_production_deploy_check_fails_while_a_demo_login_opens_with_the_demo_password(
    db, settings
):
    settings.DEBUG = False
    user = f.UserFactory(username="county")
    assert no_demo_accounts(None) == []
    user.set_password(DEMO_PASSWORD)
    user.save()
    (problem,) = no_demo_accounts(None)
    assert problem.id == "zhucun.E010" and "county" in problem.msg
    settings.DEBUG = True
    assert no_demo_accounts(None) == []
