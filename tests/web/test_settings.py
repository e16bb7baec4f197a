"""Settings come from the environment, and production settings pass Django's deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _django(args: list[str], **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _setting(name: str, **env: str) -> str:
    code = f"from django.conf import settings; print(repr(settings.{name}))"
    result = _django(["shell", "--no-imports", "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


PROD = {
    "DEBUG": "0",
    "SECRET_KEY": "a-real-secret-" + "x9" * 30,
    "ALLOWED_HOSTS": "netlearn.example",
}


def test_secret_key_is_required_when_debug_is_off():
    result = _django(["check"], DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_is_refused_with_its_name():
    result = _django(["check"], DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_database_url_selects_the_database():
    engine = _setting(
        "DATABASES['default']['ENGINE']", DATABASE_URL="postgres://u@db.example:5432/nl", **PROD
    )
    assert engine == "'django.db.backends.postgresql'"
    checks = _setting(
        "DATABASES['default']['CONN_HEALTH_CHECKS']",
        DATABASE_URL="postgres://u@db.example:5432/nl",
        **PROD,
    )
    assert checks == "True", "a kept connection the server dropped is replaced, not a 500"


def test_default_database_is_sqlite_in_the_project():
    name = _setting("DATABASES['default']['NAME']", DEBUG="1")
    assert name.endswith("db.sqlite3'")


def test_allowed_hosts_and_csrf_origins_are_lists_from_the_environment():
    env = dict(PROD, ALLOWED_HOSTS="a.example, b.example", CSRF_TRUSTED_ORIGINS="https://a.example")
    assert _setting("ALLOWED_HOSTS", **env) == "['a.example', 'b.example']"
    assert _setting("CSRF_TRUSTED_ORIGINS", **env) == "['https://a.example']"


def test_redis_url_switches_the_cache_to_redis():
    backend = _setting("CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/0", **PROD)
    assert "RedisCache" in backend


def test_redis_url_keeps_sessions_in_redis_and_the_database():
    engine = _setting("SESSION_ENGINE", REDIS_URL="redis://127.0.0.1:6379/0", **PROD)
    assert engine == "'django.contrib.sessions.backends.cached_db'"


def test_production_trusts_the_proxy_tls_header():
    assert _setting("SECURE_PROXY_SSL_HEADER", **PROD) == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_check_deploy_is_clean_with_production_settings():
    result = _django(["check", "--deploy", "--fail-level", "WARNING"], **PROD)
    assert result.returncode == 0, result.stdout + result.stderr
