import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from zhucun.bench import sections

SECTIONS = ["schema", "build", "engine", "pages", "import", "write"]


class Command(BaseCommand):
    # The system checks import every URLconf and view (~1.5 s) before each of the run's
    # processes, most of which serve no page; `make test` and `migrate` run them.
    requires_system_checks = []
    help = (
        "Run sections of `make bench` and print their figures as one JSON line "
        "(one section: its figures; several, in one process: section → figures)."
    )

    def add_arguments(self, parser):
        parser.add_argument("section", nargs="+", choices=SECTIONS)
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, section, scale, **options):
        if not settings.DEBUG:
            raise CommandError(
                "基准测试只能在开发环境(ZHUCUN_DEBUG=true)运行,它会写入大量演示数据。"
            )
        found = {}
        for name in section:
            figures = self._run(name, scale)
            figures["database"] = connection.vendor
            found[name] = figures
        result = found[section[0]] if len(section) == 1 else found
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _run(self, name: str, scale: float) -> dict:
        if name == "schema":
            return sections.schema()
        if name == "build":
            return sections.build(scale)
        if name == "engine":
            return sections.engine()
        if name == "pages":
            return sections.pages(repeats=sections.page_repeats(scale))
        if name == "import":
            return sections.roster_import(scale)
        from zhucun.bench.load import write_path

        return write_path(scale=scale)
