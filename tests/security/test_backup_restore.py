"""The restore drill (等保2.0 数据备份恢复): back up, change, restore — the data is exactly what it was.

Runs on whichever database the suite runs on (SQLite, or PostgreSQL in `make test`).
"""

import io
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.cast import build_cast
from zhucun.accounts.models import Position
from zhucun.audit.log import record, verify_chain
from zhucun.org.models import Cadre

pytestmark = pytest.mark.django_db(transaction=True)


def everything() -> str:
    out = io.StringIO()
    call_command("dumpdata", "--all", "--indent=0", "--exclude=accounts.usersession", stdout=out)
    return out.getvalue()


def test_a_restored_backup_gives_back_exactly_the_data_that_was_backed_up(tmp_path):
    # Given a database with the cast and some audit records
    cast = build_cast()
    record(actor=cast.users["dora"], event="test.before", obj=cast.team)
    before = everything()
    # When it is backed up
    backup = tmp_path / f"zhucun{'.sqlite3' if connection.vendor == 'sqlite' else '.dump'}"
    call_command("db_backup", str(backup), stdout=io.StringIO())
    assert backup.stat().st_size > 0
    # And then changed: a phone, a position removed, a new audit record
    Cadre.objects.filter(pk=cast.leader.pk).update(phone="13999999999")
    Position.objects.filter(user=cast.users["fay"]).delete()
    record(actor=cast.users["dora"], event="test.after")
    assert everything() != before
    # And restored
    call_command("db_restore", str(backup), "--yes", stdout=io.StringIO())
    # Then every row is what it was, and the audit chain verifies
    assert everything() == before
    assert verify_chain() == []


def test_a_restore_needs_an_explicit_yes_and_an_existing_file(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("db_restore", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="不存在"):
        call_command("db_restore", str(tmp_path / "missing"), "--yes")


def test_make_backup_and_restore_are_wired_to_the_scripts():
    dry = subprocess.run(
        ["make", "-n", "backup", "restore", "FILE=var/backups/x"],
        capture_output=True,
        text=True,
        check=True,
        cwd=__file__.rsplit("/tests/", 1)[0],
    )
    assert "scripts/backup var/backups/x" in dry.stdout
    assert "scripts/restore var/backups/x" in dry.stdout


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    import os
    import sys

    code = (
        "import django; django.setup(); from django.db import connection as c; "
        "cur = c.cursor(); cur.execute('PRAGMA journal_mode'); j = cur.fetchone()[0]; "
        "cur.execute('PRAGMA synchronous'); print(j, cur.fetchone()[0])"
    )
    env = {**os.environ, "DATABASE_URL": "", "ZHUCUN_DATA_DIR": str(tmp_path)}
    env["DJANGO_SETTINGS_MODULE"] = "zhucun.settings"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=__file__.rsplit("/tests/", 1)[0],
    ).stdout.split()
    assert out == ["wal", "2"]  # 2 = FULL


def test_the_deploy_check_refuses_a_postgresql_that_may_lose_commits():
    from zhucun.backups.checks import postgresql_durability

    problems = postgresql_durability(None)
    if connection.vendor == "postgresql":
        # the suite's throwaway cluster runs with all three off, on purpose
        assert {p.msg.split()[2] for p in problems} == {
            "fsync",
            "full_page_writes",
            "synchronous_commit",
        }
    else:
        assert problems == []
