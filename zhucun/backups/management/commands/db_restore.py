import logging

from django.core.management.base import BaseCommand, CommandError

from zhucun.backups.database import BackupError, restore

logger = logging.getLogger("zhucun.backups")


class Command(BaseCommand):
    help = "用备份文件替换当前数据库(先停止应用)。Restore the database from a backup."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="确认用备份替换当前数据库的全部数据")

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError(
                "恢复会用备份替换当前数据库的全部数据:确认请加 --yes(并先停止应用)。"
            )
        try:
            restore(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        logger.warning("database restored from %s", path)
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复数据库。"))
