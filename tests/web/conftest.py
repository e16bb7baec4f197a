"""Django client tests: fast password hashing (the personas' passwords are not secrets), the page
cache on as in production, and the small course most view tests work in (learner_data.py)."""

import pytest
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
