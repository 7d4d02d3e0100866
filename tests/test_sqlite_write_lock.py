"""zhucun.sqlite_backend: a file database's write transactions take turns through a file lock,
released at commit, rollback or close; an in-memory database takes none."""

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
            db._start_transaction_under_autocommit()
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
            db._start_transaction_under_autocommit()
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
        db._start_transaction_under_autocommit()
        assert not _lock_is_free(path)
        db.rollback()
        assert _lock_is_free(path)

        db._start_transaction_under_autocommit()
        assert not _lock_is_free(path)
    finally:
        db.close()
    assert _lock_is_free(path)


def test_an_in_memory_database_takes_no_lock(tmp_path):
    db = _wrapper(":memory:")
    db._start_transaction_under_autocommit()
    assert db._write_lock_fd is None and not db._write_lock_held
    db.rollback()
    db.close()
