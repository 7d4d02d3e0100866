import pytest


@pytest.fixture
def cast(db):
    from tests.cast import build_cast  # imported late: tests/policy runs without Django

    return build_cast()


@pytest.fixture
def login(client):
    """Log the test client in as a user of the cast."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_sessionfinish(session, exitstatus):
    # A test never skips silently: a skip fails the run.
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        reporter.write_line(
            "FAILED: tests were skipped; zhucun's suite must run every test.", red=True
        )
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    # Argon2 is the production hasher (tested in test_accounts); the rest of
    # the suite does not need to pay for it on every user it creates.
    # tests/policy runs without Django, hence the plugin check.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client(db):
    """The test client; its force_login also completes the second factor.

    force_login stands for "this person has logged in" without typing the
    password; for roles that must use a TOTP device that includes the
    device, so the test client enrols one and marks the session verified,
    as the login page would after a correct code. Tests of the login steps
    themselves use tests/security/login_steps.py with real codes.
    """
    from tests.security.login_steps import VerifiedClient

    return VerifiedClient()


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser, as if it had already chosen its own password.

    An account created with an initial password must change it at first
    login (tests/security/test_passwords.py); the back-office tests are not
    about that.
    """
    from django.utils import timezone

    admin_user.password_changed_at = timezone.now()
    admin_user.save(update_fields=["password_changed_at"])
    return admin_user


@pytest.fixture(autouse=True)
def _export_files_in_a_temporary_directory(request, tmp_path_factory):
    # Background exports (zhucun.exports) write files: never into the worktree's var/.
    if request.config.pluginmanager.hasplugin("django"):
        settings = request.getfixturevalue("settings")
        settings.ZHUCUN_EXPORT_DIR = tmp_path_factory.mktemp("exports")
