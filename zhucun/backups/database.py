"""Backing up and restoring the whole database (等保2.0 数据备份恢复), SQLite or PostgreSQL.

SQLite: the online backup API (the same as the shell's `.backup`): a
consistent copy while the application keeps running; the copy is checked
with `PRAGMA integrity_check` before it replaces nothing.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists
--single-transaction`: a restore either replaces everything or nothing.

A restore replaces the database with the backup: stop the application
first (`make restore` says so), and take a backup of the current state
before restoring an older one.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    pass


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库:{vendor}")
    return vendor


def default_suffix() -> str:
    return ".sqlite3" if engine() == "sqlite" else ".dump"


def backup(target: Path) -> Path:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if engine() == "sqlite":
        _sqlite_backup(partial)
    else:
        _pg(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"])
    partial.replace(target)  # a finished backup appears at once, never half-written
    return target


def restore(source: Path) -> None:
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在:{source}")
    if engine() == "sqlite":
        _sqlite_restore(source)
    else:
        connection.close()  # hold no locks while pg_restore drops and recreates tables
        _pg(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                str(source),
            ]
        )


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"备份文件校验失败:{result}")
    finally:
        copy.close()


def _sqlite_restore(source: Path) -> None:
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        (result,) = backup_db.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(f"备份文件已损坏,未恢复:{result}")
        connection.ensure_connection()
        backup_db.backup(connection.connection)
    finally:
        backup_db.close()


def _pg(command: list[str]) -> None:
    settings = connection.settings_dict
    options = settings.get("OPTIONS", {})
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        # dj-database-url puts a socket directory (?host=/run/...) in OPTIONS
        value = settings.get(key) or options.get(key.lower())
        if value:
            env[var] = str(value)
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    env["PGDATABASE"] = settings["NAME"]
    program = _pg_program(command[0])
    if command[0] == "pg_restore":
        command = [*command[:-1], f"--dbname={settings['NAME']}", command[-1]]
    result = subprocess.run([program, *command[1:]], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败:{result.stderr.strip()[:500]}")


def _pg_program(name: str) -> str:
    """The newest installed client (it must not be older than the server)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3])
    )
    if candidates:
        return str(candidates[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"找不到 {name}:请安装 PostgreSQL 客户端。")
    return found
