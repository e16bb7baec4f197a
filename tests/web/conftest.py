"""Django client tests: fast password hashing (the personas' passwords are not secrets)."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _lesson_page_cache(settings):
    """The rendered lesson page cache on, as in production (the test process's cache is shared
    by everything in the test), so every test that reads a page after a write checks it is not
    stale."""
    settings.LESSON_PAGE_CACHE = True
