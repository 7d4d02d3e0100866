from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from zhucun.dashboards.snapshots import refresh
from zhucun.demo.city import build_city
from zhucun.org.models import Region


class Command(BaseCommand):
    help = "载入西安演示数据(仅当数据库为空时)。Load the Xi'an demo city into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.1, help="1 = 西安全市规模 (Xi'an)")
        parser.add_argument("--seed", type=int, default=2018)
        parser.add_argument("--if-empty", action="store_true", help="已有数据时跳过而不报错")

    def handle(self, *args, scale, seed, if_empty, **options):
        if not settings.DEBUG:
            raise CommandError(
                "演示数据只能在开发环境(ZHUCUN_DEBUG=true)载入:生产环境不得有默认账号。"
            )
        if Region.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据,跳过演示数据载入。")
                return
            raise CommandError("数据库不为空,演示数据只载入空库。")
        if connection.vendor == "sqlite":
            # A demo load is re-run from scratch if it fails, so it need not
            # wait for the disk after every write (the server keeps FULL).
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")
        built = build_city(scale=scale, seed=seed, today=timezone.localdate())
        counts = "、".join(f"{k} {v}" for k, v in built.counts.items())
        self.stdout.write(self.style.SUCCESS(f"已载入西安演示数据(规模 {scale}):{counts}"))
        # The boards open from snapshots: file this month's, as the nightly job would.
        filed = sum(n for _month, n in refresh(timezone.localdate()))
        self.stdout.write(f"已计算本月工作看板快照 {filed} 个。")
