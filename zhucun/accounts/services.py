"""Writes on accounts: passwords, second factor, activation, positions, lockouts.

Each function is one transaction with its audit record inside it.
"""

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhucun.accounts.models import Position, User
from zhucun.accounts.sessions import end_sessions_of
from zhucun.audit import log
from zhucun.errors import ErrorCode, ServiceError


@transaction.atomic
def password_change(*, user: User, new_password: str, address: str | None = None) -> None:
    """The owner sets a new password (already checked by the password validators)."""
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    log.record(actor=user, event="password.change", obj=user, address=address)


@transaction.atomic
def password_reset(*, actor: User, user: User, new_password: str = "", address=None) -> None:
    """An administrator sets (or has just set) a password: its owner must change it at next login.

    An administrator setting their own password is simply changing it.
    """
    if new_password:
        user.set_password(new_password)
    if actor.pk == user.pk:
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        log.record(actor=actor, event="password.change", obj=user, address=address)
        return
    user.password_changed_at = None
    user.save(update_fields=["password", "password_changed_at"])
    ended = end_sessions_of(user)
    log.record(
        actor=actor,
        event="password.reset",
        obj=user,
        address=address,
        detail={"sessions_ended": ended},
    )


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, address=None) -> None:
    """Enable or disable an account; disabling ends all its sessions on the server."""
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else end_sessions_of(user)
    log.record(
        actor=actor,
        event="user.activate" if active else "user.deactivate",
        obj=user,
        address=address,
        detail={"sessions_ended": ended},
    )


@transaction.atomic
def otp_enrol_confirm(*, user: User, device, token: str, address=None) -> bool:
    """Confirm a new TOTP device with a token from the app; False when the token is wrong."""
    if not device.verify_token(token):
        log.record(actor=user, event="otp.enrol", outcome="failed", address=address)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.record(actor=user, event="otp.enrol", obj=user, address=address)
    return True


def otp_check(*, user: User, token: str, address=None):
    """The user's confirmed device that accepts `token`, or None; audited either way."""
    from django_otp import match_token

    device = match_token(user, token)
    log.record(
        actor=user,
        event="otp.verify",
        obj=user,
        outcome="ok" if device is not None else "failed",
        address=address,
    )
    return device


@transaction.atomic
def otp_reset(*, actor: User, user: User, address=None) -> None:
    """Remove a user's authenticator (lost phone): they enrol again at next login."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    ended = end_sessions_of(user)
    log.record(
        actor=actor,
        event="otp.reset",
        obj=user,
        address=address,
        detail={"devices_removed": removed, "sessions_ended": ended},
    )


@transaction.atomic
def lockout_clear(*, actor: User, username: str = "", ip: str = "", address=None) -> int:
    """Unlock an account (by username) or an address (by IP) that axes has locked."""
    if not username and not ip:
        raise ServiceError(ErrorCode.INVALID, "须指定要解锁的账号或地址。", field="username")
    cleared = axes_reset(username=username or None, ip=ip or None)
    log.record(
        actor=actor,
        event="login.unlock",
        address=address,
        detail={"username": username, "ip": ip, "attempts_cleared": cleared},
    )
    return cleared


# -- positions (the separation of the three administrators is checked in Position.clean) --


@transaction.atomic
def position_grant(
    *, actor: User, user: User, role: str, region=None, unit=None, duty="staff", address=None
) -> Position:
    position = Position(user=user, role=role, region=region, unit=unit, duty=duty)
    try:
        position.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(ErrorCode.INVALID, messages[0], field=field) from None
    position.save()
    log.record(
        actor=actor,
        event="position.create",
        obj=position,
        address=address,
        detail=position_detail(position),
    )
    return position


@transaction.atomic
def position_revoke(*, actor: User, position: Position, address=None) -> None:
    position.active = False
    position.save(update_fields=["active"])
    log.record(
        actor=actor,
        event="position.revoke",
        obj=position,
        address=address,
        detail=position_detail(position),
    )


def position_detail(position: Position) -> dict:
    return {
        "user": position.user.username,
        "role": position.role,
        "duty": position.duty,
        "region": position.region_id,
        "unit": position.unit_id,
        "active": position.active,
    }
