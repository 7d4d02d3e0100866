from base64 import b32encode

from django.core.management.base import BaseCommand
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhucun.accounts.models import User
from zhucun.accounts.roles import Role
from zhucun.accounts.scope import scope_for
from zhucun.demo.city import DEMO_PASSWORD, DEMO_USERNAMES


class Command(BaseCommand):
    help = "列出演示账号,每个角色一个。Print the demo logins, one per role."

    def handle(self, *args, **options):
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
        if not users:
            self.stdout.write("没有演示账号。")
            return
        secrets = {
            d.user_id: b32encode(d.bin_key).decode()
            for d in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True)
        }
        self.stdout.write(f"演示账号(密码均为 {DEMO_PASSWORD}):")
        for username in DEMO_USERNAMES:
            user = users.get(username)
            if user is None:
                continue
            roles = "、".join(Role(r).label for r in sorted(scope_for(user).roles))
            self.stdout.write(f"  {username:<11} {roles:<16} {user.full_name}")
        if secrets:
            self.stdout.write(
                "以下账号须输入动态验证码:在身份验证器中手动添加密钥,"
                "或运行 `manage.py demo_otp_code 账号` 查看当前验证码:"
            )
            for username in DEMO_USERNAMES:
                user = users.get(username)
                if user is not None and user.pk in secrets:
                    self.stdout.write(f"  {username:<11} {secrets[user.pk]}")
