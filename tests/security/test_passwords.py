"""Passwords (等保2.0 身份鉴别): the rules, Argon2, and the forced changes."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import zhucun.settings as production_settings
from tests.factories import PASSWORD, UserFactory
from zhucun.accounts import services
from zhucun.accounts.passwords import password_must_change
from zhucun.audit.models import AuditEvent

STRONG = "Qiu#Shan7lu"


def refusals(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


@pytest.mark.django_db
def test_a_password_of_seven_characters_is_refused_and_eight_pass():
    assert "password_too_short" in refusals("Qs#7abc")
    assert refusals("Qs#7abcd") == []


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["qiushanlu", "qiushan77", "QIUSHAN##", "12345678#"])
def test_a_password_with_fewer_than_three_character_classes_is_refused(password):
    assert "password_character_classes" in refusals(password)


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["Ab1#wxyz", "ab1#wxyz", "AB1#WXYZ", "Abc#wxyz", "Abc1wxyz"])
def test_three_or_four_character_classes_pass(password):
    assert refusals(password) == []


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["P@ssw0rd", "1qaz@WSX", "Password1!"])
def test_a_common_password_is_refused_even_with_three_classes(password):
    assert "password_too_common" in refusals(password)


@pytest.mark.django_db
def test_a_password_similar_to_the_account_name_is_refused():
    user = UserFactory.build(username="zhangweiming", full_name="张伟明")
    assert "password_too_similar" in refusals("Zhangweiming1", user)
    assert "password_contains_name" in refusals("Zhangweiming1", user)


@pytest.mark.django_db
def test_a_password_containing_the_persons_chinese_name_is_refused():
    user = UserFactory.build(username="zwm", full_name="张伟明")
    assert "password_contains_name" in refusals("张伟明Ab#2026", user)
    assert refusals(STRONG, user) == []


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2_and_older_hashes_are_upgraded_at_login(settings, client):
    # Given the production hashers (the suite otherwise uses a fast one)
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = UserFactory(username="lin")
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)
    # Given a password stored by an older hasher
    from django.contrib.auth.hashers import make_password

    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    # When the person logs in
    client.post(reverse("login"), {"username": "lin", "password": PASSWORD})
    # Then the stored hash is Argon2
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_a_created_account_must_change_its_password_at_first_login(cast, client):
    # Given an account an administrator has just created (a town secretary's)
    user = cast.users["ed"]
    user.password_changed_at = None
    user.save(update_fields=["password_changed_at"])
    # When its owner logs in
    client.post(reverse("login"), {"username": "ed", "password": PASSWORD})
    response = client.get(reverse("home"))
    # Then every page leads to the password change page
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_change"))
    page = client.get(response["Location"])
    assert "首次登录须修改初始密码" in page.content.decode()
    # When they choose a new password
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    # Then they go on to the home page, still logged in, and the change is audited
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert user.password_changed_at is not None
    assert AuditEvent.objects.filter(event="password.change", actor=user).exists()


@pytest.mark.django_db
def test_a_weak_new_password_is_refused_with_the_rule_named_and_nothing_changes(client):
    user = UserFactory(username="newbie", password_changed_at=None)
    client.post(reverse("login"), {"username": "newbie", "password": PASSWORD})
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少三类" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.password_changed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("age_days, forced", [(89, False), (90, True), (400, True)])
def test_a_password_older_than_ninety_days_must_be_changed(age_days, forced):
    now = timezone.now()
    user = UserFactory.build(password_changed_at=now - timedelta(days=age_days))
    assert bool(password_must_change(user, now)) is forced


@pytest.mark.django_db
def test_the_maximum_password_age_is_a_setting(settings, client):
    settings.ZHUCUN_PASSWORD_MAX_AGE_DAYS = 30
    UserFactory(username="old", password_changed_at=timezone.now() - timedelta(days=31))
    client.post(reverse("login"), {"username": "old", "password": PASSWORD})
    response = client.get(reverse("rulebook:parameters"))
    assert response["Location"].startswith(reverse("accounts:password_change"))
    assert "超过30天" in client.get(response["Location"]).content.decode()


def test_a_password_set_by_an_administrator_must_be_changed_by_its_owner(cast):
    bob = cast.users["bob"]
    services.password_reset(actor=cast.users["sid"], user=bob, new_password=STRONG)
    bob.refresh_from_db()
    assert bob.check_password(STRONG)
    assert password_must_change(bob) == "首次登录须修改初始密码。"
    assert AuditEvent.objects.filter(event="password.reset", object_id=str(bob.pk)).exists()
