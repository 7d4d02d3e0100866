"""Logging in as a person does: password, then a real TOTP code, for tests."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucun.accounts.second_factor import HAS_DEVICE_SESSION_KEY, next_token, otp_required


def authenticator_for(user) -> TOTPDevice:
    """The user's confirmed authenticator, enrolled if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试身份验证器", confirmed=True)


def code_for(user) -> str:
    """What the user's authenticator app shows now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return next_token(device)


class VerifiedClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        # A fresh copy: scope_for caches the scope on the object it is given.
        if otp_required(type(user).objects.get(pk=user.pk)):
            device = authenticator_for(user)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[HAS_DEVICE_SESSION_KEY] = True
            session.save()
