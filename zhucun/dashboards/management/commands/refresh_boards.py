import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhucun.dashboards.snapshots import refresh


class Command(BaseCommand):
    help = (
        "重新计算工作看板快照(每晚运行):先算待更新的月份,再算本月;并计算上年度考核名单。"
        " File every board snapshot: stale months first, then this month."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", action="append", default=[], help="YYYY-MM,可多次给出")

    def handle(self, *args, month, **options):
        try:
            months = [date.fromisoformat(f"{m}-01") for m in month] or None
        except ValueError as error:
            raise CommandError(f"--month 须为 YYYY-MM:{error}") from None
        started = time.perf_counter()
        done = refresh(timezone.localdate(), months)
        for first, filed in done:
            self.stdout.write(f"{first:%Y-%m}:{filed} 个看板")
        # The assessment lists of last year (and any stale or older one) for today: the same
        # nightly job, so the first reading of the day need not compute one.
        from zhucun.assessment.snapshots import refresh as refresh_cohorts

        for year, filed in refresh_cohorts(timezone.localdate()):
            self.stdout.write(f"{year}年度考核名单:{filed} 个区县")
        self.stdout.write(
            self.style.SUCCESS(f"看板快照已更新,用时 {time.perf_counter() - started:.1f} 秒。")
        )
