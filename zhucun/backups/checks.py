"""Durability of the production database (等保2.0 数据完整性): checked by `check --deploy`."""

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

DURABLE = ("fsync", "full_page_writes", "synchronous_commit")


@register(Tags.security, deploy=True)
def postgresql_durability(app_configs, **kwargs):
    """A committed record must survive a power cut: these three stay on in production."""
    if connection.vendor != "postgresql":
        return []  # SQLite: settings.py opens it with WAL and synchronous=FULL
    try:
        with connection.cursor() as cursor:
            off = []
            for name in DURABLE:
                cursor.execute(f"SHOW {name}")
                if cursor.fetchone()[0] == "off":
                    off.append(name)
    except DatabaseError:
        return []  # no database to ask
    return [
        Error(
            f"PostgreSQL 参数 {name} 为 off:断电时已提交的数据可能丢失。",
            hint=f"在 postgresql.conf 中设置 {name} = on(见 docs/security.md)。",
            id="zhucun.E030",
        )
        for name in off
    ]
