import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zhucun.bench import sections


class Command(BaseCommand):
    help = "Run one section of `make bench` and print its figures as one JSON line."

    def add_arguments(self, parser):
        parser.add_argument(
            "section", choices=["schema", "build", "engine", "pages", "import", "write"]
        )
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, section, scale, **options):
        if not settings.DEBUG:
            raise CommandError(
                "基准测试只能在开发环境(ZHUCUN_DEBUG=true)运行,它会写入大量演示数据。"
            )
        if section == "schema":
            figures = sections.schema()
        elif section == "build":
            figures = sections.build(scale)
        elif section == "engine":
            figures = sections.engine()
        elif section == "pages":
            figures = sections.pages()
        elif section == "import":
            figures = sections.roster_import(scale)
        else:
            from zhucun.bench.load import write_path

            figures = write_path()
        figures["database"] = connection.vendor
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
