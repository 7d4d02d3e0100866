"""Settings for zhucun, read from the environment.

Every setting that differs between a laptop and production comes from an
environment variable, parsed strictly: a bad value stops the start-up
instead of being silently replaced by a default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("ZHUCUN_DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("ZHUCUN_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("ZHUCUN_SECRET_KEY must be set when ZHUCUN_DEBUG is off")
ALLOWED_HOSTS = env_list("ZHUCUN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

DATA_DIR = Path(env_str("ZHUCUN_DATA_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zhucun.audit",
    "zhucun.org",
    "zhucun.accounts",
    "zhucun.rulebook",
    "zhucun.stationing",
    "zhucun.approvals",
    "zhucun.households",
    "zhucun.worklogs",
    "zhucun.funds",
    "zhucun.allowances",
    "zhucun.training",
    "zhucun.care",
    "zhucun.assessment",
    "zhucun.dashboards",
    "zhucun.home",
    "zhucun.demo",
    "zhucun.backups",
    "zhucun.api",
    "zhucun.mobile",
    "zhucun.reports",
    "zhucun.exports",
    # django-ninja's API docs page and its (local) Swagger assets.
    "ninja",
    "zhucun.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zhucun.accounts.sessions.SessionMiddleware",  # renews the idle timeout once a minute
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhucun.accounts.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production serves collected static files itself (no web server needed
    # on an intranet box); development uses runserver's static handler.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "zhucun.urls"
WSGI_APPLICATION = "zhucun.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "zhucun" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhucun.home.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhucun.sqlite3'}"),
        conn_max_age=env_int("ZHUCUN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiling pays off for long analytic queries only: a page's query whose
    # estimated cost crosses jit_above_cost (a county's training panel at S=1) paid ~90 ms
    # of compiling for ~50 ms of work (docs/benchmarks-history.md, "Pairing review and county home").
    # A URL's own ?options=... wins.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a cadre's check-in is written; FULL sync
    # keeps a committed record through a power cut.
    # Its write transactions take turns through a file lock (zhucun/sqlite_backend).
    DATABASES["default"]["ENGINE"] = "zhucun.sqlite_backend"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {"NAME": "zhucun.accounts.passwords.NameValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "zhucun.accounts.passwords.CharacterClassValidator"},
]

# Lock an account (and the address) after 5 failures, for 30 minutes.
AXES_FAILURE_LIMIT = env_int("ZHUCUN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("ZHUCUN_LOGIN_LOCK_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"

SESSION_COOKIE_AGE = env_int("ZHUCUN_SESSION_IDLE_MINUTES", 30) * 60
# Each request renews the idle timeout, writing the session at most once a minute
# (zhucun.accounts.sessions.SessionMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
# Sessions carry their user's id in a column, so that logging out or
# disabling an account deletes every session of it on the server.
SESSION_ENGINE = "zhucun.accounts.sessions"
# However active a session is, it ends this long after the login.
ZHUCUN_SESSION_ABSOLUTE_HOURS = env_int("ZHUCUN_SESSION_ABSOLUTE_HOURS", 12)
# A password older than this must be changed before anything else.
ZHUCUN_PASSWORD_MAX_AGE_DAYS = env_int("ZHUCUN_PASSWORD_MAX_AGE_DAYS", 90)
# Roles that must pass a second factor (TOTP) after the password.
ZHUCUN_OTP_REQUIRED_ROLES = env_list(
    "ZHUCUN_OTP_REQUIRED_ROLES", ["city", "county", "sysadmin", "secadmin", "auditadmin"]
)
OTP_TOTP_ISSUER = "驻村联户"
# Audit records are kept this long (at least 180 days), then `audit_purge` removes them.
ZHUCUN_AUDIT_RETENTION_DAYS = env_int("ZHUCUN_AUDIT_RETENTION_DAYS", 180)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("ZHUCUN_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("ZHUCUN_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("ZHUCUN_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# No inline scripts or styles anywhere: every asset is a file the
# application serves itself (intranets have no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Chinese first: the interface language is not negotiated from the browser
# until an English translation exists.
LOCALE_PATHS = [BASE_DIR / "zhucun" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("ZHUCUN_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploads live outside the code and static files; no URL serves them
# (zhucun/uploads.py: served only as attachments after a scope check).
MEDIA_ROOT = DATA_DIR / "uploads"
ZHUCUN_UPLOAD_MAX_MB = env_int("ZHUCUN_UPLOAD_MAX_MB", 10)
# Background exports (zhucun/exports/runner.py): finished files wait here for their one
# download — never under static or media files, only the download view serves them;
# threads of each web process that build them (0: only `manage.py run_exports` does);
# how long files and jobs are kept; when a job still running was left by a restart.
ZHUCUN_EXPORT_DIR = Path(env_str("ZHUCUN_EXPORT_DIR", str(DATA_DIR / "exports")))
ZHUCUN_EXPORT_THREADS = env_int("ZHUCUN_EXPORT_THREADS", 1)
ZHUCUN_EXPORT_RETENTION_HOURS = env_int("ZHUCUN_EXPORT_RETENTION_HOURS", 24)
ZHUCUN_EXPORT_STALE_MINUTES = env_int("ZHUCUN_EXPORT_STALE_MINUTES", 10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ZHUCUN_LOG_LEVEL", "WARNING")},
}

# `make bench` only: routes /bench/ping/, the minimal-insert baseline of the
# write-path benchmark. Never set in production.
ZHUCUN_BENCH_ENDPOINTS = env_bool("ZHUCUN_BENCH_ENDPOINTS", False)
