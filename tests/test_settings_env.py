import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from zhucun.settings import env_bool, env_int, env_list


def test_booleans_accept_the_usual_words_and_refuse_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_integers_fail_loudly_on_a_bad_value(monkeypatch):
    monkeypatch.setenv("X_NUM", "30m")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)
    monkeypatch.delenv("X_NUM")
    assert env_int("X_NUM", 7) == 7


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "ZHUCUN_DEBUG": "false", "ZHUCUN_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "-c", "import zhucun.settings"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "ZHUCUN_SECRET_KEY" in result.stderr


def test_the_default_database_is_sqlite_in_the_data_directory():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    code = "import zhucun.settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "zhucun.sqlite_backend"  # Django's, writes in turn


@pytest.mark.django_db
def test_the_database_session_is_set_for_short_page_queries():
    """PostgreSQL: no JIT compiling (a page query paid ~90 ms for it); SQLite: WAL."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
        else:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] in {"wal", "memory"}
