from django.core.management.base import BaseCommand, CommandError

from zhucun.audit.log import verify_chain


class Command(BaseCommand):
    help = "校验审计记录哈希链是否完整。Verify the audit hash chain."

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"审计记录被篡改:发现 {len(problems)} 处问题。")
        self.stdout.write(self.style.SUCCESS("审计记录哈希链完整。"))
