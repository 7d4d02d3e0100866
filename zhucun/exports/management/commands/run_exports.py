"""Finish what the web processes could not: run after a restart, or from cron (every few minutes).

Marks jobs left running by a stopped process as failed, builds jobs left queued,
removes jobs and files past the retention (a day). See zhucun/exports/runner.py.
"""

import json

from django.core.management.base import BaseCommand

from zhucun.exports.runner import run_pending


class Command(BaseCommand):
    help = "导出任务:标记中断的任务、生成排队的文件、删除超过保存期限的文件"

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(run_pending()))
