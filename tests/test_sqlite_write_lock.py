"""zhucun.sqlite_backend: a file database's write transactions take turns through a file lock,
taken at the transaction's first statement and released at commit, rollback or close; an
in-memory database takes none."""

import fcntl
import os
import threading

import pytest
from django.db.utils import ConnectionHandler

# The suite's database is not used, but pytest-django lets a test connect only when marked.
pytestmark = pytest.mark.django_db


def _wrapper(name):
    """A connection of the backend to the database file `name` (whatever the suite's database:
    these tests make their own), as settings.py configures SQLite."""
    options = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    handler = ConnectionHandler(
        {"default": {"ENGINE": "zhucun.sqlite_backend", "NAME": str(name), "OPTIONS": options}}
    )
    db = handler["default"]
    db.ensure_connection()
    return db


def _begin(db):
    """What an atomic block's start and its first statement do."""
    db._start_transaction_under_autocommit()
    db.cursor().execute("SELECT 1")


def _lock_is_free(path) -> bool:
    fd = os.open(f"{path}.writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # (closing releases a lock it took)
    return True


def test_a_second_writer_waits_for_the_first_to_commit_then_goes_on(tmp_path):
    path = tmp_path / "city.sqlite3"
    holding, release, second_began = threading.Event(), threading.Event(), threading.Event()
    errors = []

    def first():
        db = None
        try:
            db = _wrapper(path)
            _begin(db)
            holding.set()
            release.wait(5)
            db.commit()
        except Exception as error:  # handed to the test
            errors.append(error)
        finally:
            if db is not None:
                db.close()

    def second():
        db = None
        try:
            db = _wrapper(path)
            holding.wait(5)
            _begin(db)
            second_began.set()
            db.commit()
        except Exception as error:
            errors.append(error)
        finally:
            if db is not None:
                db.close()

    # Given a writer inside its transaction
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert holding.wait(5)

    # Then a second writer does not begin while it holds the lock
    assert not second_began.wait(0.3)
    assert not _lock_is_free(path)

    # When the first commits, Then the second begins at once
    release.set()
    assert second_began.wait(5)
    for thread in threads:
        thread.join(5)
    assert errors == []
    assert _lock_is_free(path)


def test_rollback_and_close_release_the_lock(tmp_path):
    path = tmp_path / "city.sqlite3"
    db = _wrapper(path)
    try:
        _begin(db)
        assert not _lock_is_free(path)
        db.rollback()
        assert _lock_is_free(path)

        _begin(db)
        assert not _lock_is_free(path)
    finally:
        db.close()
    assert _lock_is_free(path)


def test_an_in_memory_database_takes_no_lock(tmp_path):
    db = _wrapper(":memory:")
    _begin(db)
    assert db.connection.in_transaction
    assert db._write_lock_fd is None and not db._write_lock_held
    db.rollback()
    db.close()


@pytest.fixture
def city(tmp_path):
    """A connection of the backend to a database file of its own, and the file's path."""
    path = tmp_path / "city.sqlite3"
    db = _wrapper(path)
    yield db, path
    db.close()


def test_a_transaction_begins_at_its_first_statement_not_at_the_start_of_its_block(city):
    db, path = city
    # Given an atomic block's start
    db._start_transaction_under_autocommit()
    # Then nothing is begun and the other writers are not held up
    assert not db.connection.in_transaction
    assert _lock_is_free(path)
    # When its first statement runs, Then it runs in the transaction, under the lock
    db.cursor().execute("CREATE TABLE t (x INTEGER)")
    assert db.connection.in_transaction
    assert not _lock_is_free(path)
    db.commit()
    assert _lock_is_free(path)
    # And a block that ran no statement begins nothing and commits nothing
    db._start_transaction_under_autocommit()
    db.commit()
    assert not db.connection.in_transaction and _lock_is_free(path)


def test_a_fixed_statement_begins_the_transaction_too(city):
    from unittest import mock

    from zhucun import fixed_sql

    db, path = city
    db._start_transaction_under_autocommit()
    with mock.patch.object(fixed_sql, "_db", return_value=db):
        assert fixed_sql.fetch("SELECT 1", []) == [(1,)]
    assert db.connection.in_transaction
    assert not _lock_is_free(path)
    db.rollback()
    assert _lock_is_free(path)
