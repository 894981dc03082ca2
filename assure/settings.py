"""Assure's one settings module.

Every knob is an environment variable with a default that runs the demo on
SQLite. The README lists them all.
"""

import base64
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ASSURE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def read_or_create_secret_key(name="secret_key", make=lambda: secrets.token_urlsafe(50)):
    """A random key kept in var/<name>, made on first use by `make()` (mode 0600)."""
    path = VAR_DIR / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = make()
        tmp = path.with_suffix(f".{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        try:
            os.link(tmp, path)  # atomic: the first process to get there wins
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
        return path.read_text().strip()


def email_settings(url):
    """EMAIL_URL: smtp://user:password@host:port, smtp+tls:// (STARTTLS),
    smtps:// (implicit TLS), console:// or locmem://."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    scheme = parts.scheme
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r}")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme == "smtp+tls" or query.get("tls") == ["1"],
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_TIMEOUT": 20,
    }


DEBUG = env_bool("DEBUG", False)
# Demo mode: fictitious fund, banner on every page, outbox page for trainers.
ASSURE_DEMO = env_bool("ASSURE_DEMO", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "assure.portal",
    "assure.members",
    "assure.accounts",
    "assure.outbox",
    "assure.information",
    "assure.payments",
    "assure.attestations",
    "assure.geography",
    "assure.places",
    "assure.directory",
    "assure.demo",
    # Last: Django's widget templates, which assure/portal/templates override.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "assure.portal.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "assure.accounts.middleware.idle_timeout",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "assure.urls"
WSGI_APPLICATION = "assure.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assure.portal.context_processors.fund",
            ],
        },
    },
]
FORM_RENDERER = "assure.portal.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'assure.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server use the file side by side.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound on the server, and a query prepared once a connection
    # has run it 5 times (psycopg's threshold): PostgreSQL then no longer
    # parses and plans it, which was half of its work on member pages
    # (docs/benchmarks.md). Turn off behind a pooler in transaction mode
    # that does not keep prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["assure.accounts.backends.MemberBackend"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"
PASSWORD_HASHERS = [
    "assure.accounts.hashers.Argon2idOWASPHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "assure.accounts.passwords.LengthLettersDigitsValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "assure.accounts.passwords.PersonalDataValidator"},
]

# Sessions: database-backed so sign-out ends them on the server.
SESSION_ENGINE = "assure.accounts.sessions"
SESSION_COOKIE_NAME = "assure_session"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ASSURE_IDLE_TIMEOUT = env_int("ASSURE_IDLE_TIMEOUT", 15 * 60)  # seconds
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "assure.portal.views.csrf_failure"

ASSURE_HTTPS = env_bool("ASSURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = ASSURE_HTTPS
CSRF_COOKIE_SECURE = ASSURE_HTTPS
SECURE_SSL_REDIRECT = ASSURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if ASSURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = ASSURE_HTTPS
# Preload is only a header flag until the domain is submitted to browsers' lists.
SECURE_HSTS_PRELOAD = env_bool("ASSURE_HSTS_PRELOAD", ASSURE_HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ASSURE_BEHIND_PROXY = env_bool("ASSURE_BEHIND_PROXY", False)
if ASSURE_BEHIND_PROXY:
    # A TLS-terminating proxy in front must set X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated):
# the client is the right-most address that is not one of them (assure/lib/client.py).
ASSURE_TRUSTED_PROXIES = [  # checked here: a typo stops the start, not a request
    str(ipaddress.ip_network(network, strict=False))
    for network in env_list(
        "ASSURE_TRUSTED_PROXIES", ["127.0.0.1", "::1"] if ASSURE_BEHIND_PROXY else []
    )
]

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# whitenoise serves the app's static files directly (no collectstatic step);
# set STATIC_ROOT only to collect them for another web server.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
# The compiled stylesheet (`npm run build`) lands in assure/static/.
STATICFILES_DIRS = [BASE_DIR / "assure" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

# E-mail: rows in the outbox, sent by `assure worker` through EMAIL_URL.
EMAIL_URL = os.environ.get("EMAIL_URL") or (
    "console://" if DEBUG or ASSURE_DEMO else "smtp://localhost:25"
)
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Caisse de démonstration <ne-pas-repondre@assure.invalid>"
)
ASSURE_WORKER_LEASE = env_int("ASSURE_WORKER_LEASE", 120)  # seconds a worker owns an e-mail
ASSURE_PUBLIC_URL = os.environ.get("ASSURE_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# White label: the fund.
ASSURE_FUND_NAME = os.environ.get("ASSURE_FUND_NAME", "Caisse de démonstration")
ASSURE_FUND_SHORT_NAME = os.environ.get("ASSURE_FUND_SHORT_NAME", "Démo")
ASSURE_FUND_PHONE = os.environ.get("ASSURE_FUND_PHONE", "01 23 45 67 89")
ASSURE_FUND_ADDRESS = os.environ.get(
    "ASSURE_FUND_ADDRESS", "Caisse de démonstration\n1 rue de l'Exemple\n75000 Paris"
).replace("\\n", "\n")
ASSURE_PRIMARY_COLOUR = os.environ.get("ASSURE_PRIMARY_COLOUR", "#0b5c55")
ASSURE_SECONDARY_COLOUR = os.environ.get("ASSURE_SECONDARY_COLOUR", "#f2c14e")

# Provisional codes and sign-in protection.
ASSURE_CODE_EMAIL_HOURS = env_int("ASSURE_CODE_EMAIL_HOURS", 24)
ASSURE_CODE_LETTER_DAYS = env_int("ASSURE_CODE_LETTER_DAYS", 30)
ASSURE_CODES_PER_DAY = env_int("ASSURE_CODES_PER_DAY", 3)
ASSURE_CLIENT_REQUESTS_PER_HOUR = env_int("ASSURE_CLIENT_REQUESTS_PER_HOUR", 30)
ASSURE_CLIENT_FAILURES_PER_HOUR = env_int("ASSURE_CLIENT_FAILURES_PER_HOUR", 30)

# Attestations: the Ed25519 key that signs them (base64 of its 32-byte seed;
# made once into var/attestation_key when not given) and the verifications
# one client address may make per hour on the public page.
ASSURE_ATTESTATION_KEY = os.environ.get("ASSURE_ATTESTATION_KEY") or read_or_create_secret_key(
    "attestation_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
)
ASSURE_ATTESTATION_CHECKS_PER_HOUR = env_int("ASSURE_ATTESTATION_CHECKS_PER_HOUR", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
