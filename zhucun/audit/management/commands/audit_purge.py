from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhucun.audit.retention import purge_expired
from zhucun.errors import ServiceError


class Command(BaseCommand):
    help = (
        "删除超过保存期(ZHUCUN_AUDIT_RETENTION_DAYS)的审计记录,哈希链从锚点继续校验。"
        " Remove audit records older than the retention period."
    )

    def handle(self, *args, **options):
        try:
            purge = purge_expired()
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        days = settings.ZHUCUN_AUDIT_RETENTION_DAYS
        if purge is None:
            self.stdout.write(f"没有超过{days}天保存期的审计记录。")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"已删除 {purge.removed} 条 {purge.cutoff:%Y-%m-%d %H:%M} 之前的审计记录;"
                f"哈希链锚点 {purge.anchor[:12]}…"
            )
        )
