import time

from django.core.management.base import BaseCommand
from django.db import transaction

from zhucun.households.tallies import rebuild_contact_tallies


class Command(BaseCommand):
    help = (
        "按帮扶记录重新生成各户的年度联系汇总(第二十条合规计算读取它)。"
        " Rewrite the contact tallies of these households (default: every household)"
        " from their contacts, e.g. after contacts were loaded around the services."
    )

    def add_arguments(self, parser):
        parser.add_argument("--household", type=int, action="append", help="户的ID,可多次给出")

    def handle(self, *args, household, **options):
        started = time.perf_counter()
        with transaction.atomic():
            written = rebuild_contact_tallies(household)
        self.stdout.write(
            self.style.SUCCESS(
                f"已重新生成 {written} 条年度联系汇总,用时 {time.perf_counter() - started:.1f} 秒。"
            )
        )
