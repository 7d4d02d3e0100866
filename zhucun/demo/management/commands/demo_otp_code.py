from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucun.accounts.second_factor import next_token


class Command(BaseCommand):
    help = "显示演示账号当前的动态验证码(仅开发环境)。Print a demo login's current TOTP code."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("只能在开发环境(ZHUCUN_DEBUG=true)使用。")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"账号 {username} 没有启用动态验证码。")
        self.stdout.write(next_token(device))
