"""NetLearn settings: one module, configured by environment variables.

Every knob an operator may turn is read here through ``netlearn.env``; see ``.env.example`` and
the README's Configuration section for the list.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from netlearn.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (for local development set DEBUG=1)."
        )
    SECRET_KEY = "django-insecure-development-only-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "accounts",
    "lessons",
    "instructors",
    "lti",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # `Cache-Control: private, no-store` on every response to a session (logged-in pages, exports).
    "netlearn.security.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # NUL and lone surrogates (PostgreSQL refuses them): 404 in a path, 400 in a query or in a
    # post to a view without a form (forms say it beside the field: netlearn/validators.py).
    "netlearn.security.UnstorableInputMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it sees the lockout of a failed log-in and answers with templates/axes/lockout.html.
    "axes.middleware.AxesMiddleware",
    # A database that is down answers 503 with templates/503.html, not a 500 with a stack trace.
    "netlearn.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "netlearn.urls"
WSGI_APPLICATION = "netlearn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "netlearn.context_processors.roles",
            ],
            # Listing loaders turns off Django's default template cache: the cached loader is
            # named here, or every response would parse lesson.html and its partials again.
            # (It is also what template_partials' automatic set-up installs; the development
            # server's autoreloader empties it when a template changes.)
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction starts and wait for it, instead of failing
    # with "database is locked" when two requests write at once (two tabs, one learner).
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when the database is gone, so /readyz and pages answer 503 quickly.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DB_CONNECT_TIMEOUT", 3
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        # Django's RedisCache, sharing one redis.Redis per connection pool (netlearn/cache.py)
        "default": {"BACKEND": "netlearn.cache.RedisCache", "LOCATION": REDIS_URL}
    }
    # Sessions read from Redis and written through to the database: a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The lesson page's {% cache %} fragments (rendered Markdown, a form exercise's diagram): the same
# for every learner and keyed by the content they show, so a copy is never stale and each process
# may keep its own; in memory, so a cache that is down costs nothing.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "lesson-fragments",
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# Argon2id at OWASP's minimum: a log-in costs ~37 ms of CPU instead of PBKDF2's ~280 ms
# (accounts/hashers.py says why); PBKDF2 hashes made before still verify and are upgraded.
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it counts failed log-ins per username and address and refuses a locked pair.
# CachedModelBackend only keeps the sessions that name it logged in (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "accounts.backends.CachedModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Locked per username *and* client address (the one netlearn/clientip.py finds behind nginx), so
# five wrong passwords for a name from one address leave its owner free to log in from theirs.
AXES_CLIENT_IP_CALLABLE = "netlearn.clientip.client_ip"
# A username as the log-in form bounds it (axes keeps it in a varchar(255)), for every log-in form.
AXES_USERNAME_CALLABLE = "accounts.forms.lockout_username"

# How many reverse proxies stand in front of the app (the compose stack's nginx: 1; 0 when clients
# reach gunicorn or runserver directly); the client's address is read from X-Forwarded-For that
# far from the right (netlearn/clientip.py). TRUSTED_PROXIES: optional networks the nearest proxy
# connects from; a request from elsewhere is keyed on its own address whatever its headers say.
# Production runs behind nginx or an ingress (with or without TLS there, so not BEHIND_TLS_PROXY).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0 if DEBUG else 1)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more; got {TRUSTED_PROXY_COUNT}")
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _cidr in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES must list addresses or networks (10.0.0.0/8); got {_cidr!r}"
        ) from None

# Per-learner limits on the graded POSTs (netlearn.ratelimit); RATELIMIT_ENABLED=0 turns them off.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
# "count/s|m|h" per learner: a learner types a command every few seconds, so 120 a minute is
# generous for people and still stops a script from monopolising a worker.
RATELIMIT_RATES = {
    "commands": env_str("RATELIMIT_COMMANDS", "120/m"),
    "checks": env_str("RATELIMIT_CHECKS", "30/m"),
    # New accounts per client address, and from everyone together (accounts/views.py): a script
    # minting accounts would multiply every per-learner limit. A class signing up together from
    # one school address may need RATELIMIT_SIGNUP raised for the day.
    "signup": env_str("RATELIMIT_SIGNUP", "5/h"),
    "signup_all": env_str("RATELIMIT_SIGNUP_ALL", "200/h"),
}
for _name, _rate in RATELIMIT_RATES.items():
    if not re.fullmatch(r"[1-9][0-9]*/[smh]", _rate):
        raise ImproperlyConfigured(
            f"RATELIMIT_{_name.upper()} must look like '120/m' (count/s|m|h), not {_rate!r}"
        )

# The largest upload (a lesson file or course zip), in MB. The import form refuses a larger file
# with a message; nginx's client_max_body_size is the same number (deploy/nginx.conf.template,
# docker-compose.yml), where it was 2 MB against the app's 5 before.
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", 5)
if UPLOAD_MAX_MB < 1:
    raise ImproperlyConfigured(f"UPLOAD_MAX_MB must be 1 or more; got {UPLOAD_MAX_MB}")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Behind nginx (or a Kubernetes ingress) the proxy terminates TLS and says so in this header.
if env_bool("BEHIND_TLS_PROXY", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): no inline script anywhere, by design; htmx is told not to
# inject its indicator <style> (htmx-config meta in base.html), so no inline style either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'plain' or 'json', not {LOG_FORMAT!r}.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "netlearn.logging.JsonFormatter"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",  # twelve-factor: the platform collects stdout
            # LOG_FORMAT=json: one JSON object per line, for a log collector (README, Operations).
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes announces itself at INFO in every process, management commands included, whose
    # stdout may be data (`dumpdata > backup.json`): its warnings (lockouts) are what matters.
    "loggers": {"axes": {"level": "WARNING"}},
}
