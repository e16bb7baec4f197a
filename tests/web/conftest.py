"""Django client tests: fast password hashing (the personas' passwords are not secrets), the page
cache on as in production, and the small course most view tests work in (learner_data.py)."""

import uuid

import pytest
import redis
from learner_data import lesson, make_course


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _lesson_page_cache(settings):
    """The rendered lesson page cache on, as in production (the test process's cache is shared
    by everything in the test), so every test that reads a page after a write checks it is not
    stale."""
    settings.LESSON_PAGE_CACHE = True


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
    """Django's cache and sessions in Redis (as with REDIS_URL set) and the user cache on."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"netlearn-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "netlearn.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "accounts.sessions"
    settings.USER_CACHE_SECONDS = 300
    yield
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()
