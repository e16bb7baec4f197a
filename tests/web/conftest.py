"""Django client tests: fast password hashing (the personas' passwords are not secrets), Redis
when a test asks for it, and the small course most view tests work in (learner_data.py)."""

import uuid

import pytest
import redis
from learner_data import lesson, make_course


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def course(db):
    """learner_data's course: a lesson of each kind, published."""
    return make_course()


@pytest.fixture
def terminal(course):
    """Its terminal lesson (TERMINAL in learner_data.py), "Routing between networks"."""
    return lesson(course, "routing-between-networks")


REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_cache(settings):
    """Django's cache and sessions in Redis, as with REDIS_URL set."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"netlearn-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "netlearn.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()
