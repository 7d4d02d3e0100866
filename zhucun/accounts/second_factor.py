"""The second factor (TOTP, django-otp): who must use it and how a device is enrolled.

Every account may enrol an authenticator app; the roles in
ZHUCUN_OTP_REQUIRED_ROLES (city, county and the three administrators by
default) must, and cannot use the system until they have. There is no QR
library on the intranet boxes, so the enrolment page shows the otpauth://
URI and the base32 secret as text: authenticator apps accept either.
"""

import time
from base64 import b32encode

from django.conf import settings
from django_otp import user_has_device
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for

# Set at login and at enrolment, so that a request of a user without a
# device costs no query to find that out.
HAS_DEVICE_SESSION_KEY = "zhucun_has_otp_device"


def required_roles() -> frozenset[Role]:
    return frozenset(Role(r) for r in settings.ZHUCUN_OTP_REQUIRED_ROLES)


def otp_required(user) -> bool:
    return bool(scope_for(user).roles & required_roles())


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user, kept across page loads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def next_token(device: TOTPDevice, now: float | None = None) -> str:
    """The code `device` accepts now: what an authenticator app would show.

    A code is accepted once; if the current one was just used, the next
    time step's code (within the device's tolerance) is given. For the
    demo's `demo_otp_code` and for tests that log in through the pages.
    """
    now = time.time() if now is None else now
    current = int(now - device.t0) // device.step + device.drift
    wanted = max(current, device.last_t + 1)
    code = hotp(device.bin_key, wanted, digits=device.digits)
    return f"{code:0{device.digits}d}"
