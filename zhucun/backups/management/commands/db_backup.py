import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhucun.backups.database import BackupError, backup, default_suffix

logger = logging.getLogger("zhucun.backups")


class Command(BaseCommand):
    help = "备份数据库(SQLite 在线备份 / PostgreSQL pg_dump)。Back up the database."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="备份文件;默认 var/backups/zhucun-时间")

    def handle(self, *args, path=None, **options):
        if not path:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = settings.DATA_DIR / "backups" / f"zhucun-{stamp}{default_suffix()}"
        try:
            target = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        logger.warning("database backed up to %s", target)
        self.stdout.write(self.style.SUCCESS(f"已备份到 {target}"))
