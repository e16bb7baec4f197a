"""Personas shared by the web, browser and deploy tests."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told this is a test process.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis profiles for every suite (see fuzzing.py): `ci` by default, `HYPOTHESIS_PROFILE=fuzz`
# for a longer fuzz run. Deadlines are off: timings on a shared 2-CPU CI machine are too noisy.
settings.register_profile("ci", max_examples=100, deadline=None, print_blob=True)
settings.register_profile("fuzz", max_examples=2000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def password() -> str:
    return PASSWORD


def _make_user(django_user_model, username: str, *, instructor: bool = False):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    if instructor:
        group, _ = Group.objects.get_or_create(name="instructors")
        user.groups.add(group)
    return user


@pytest.fixture
def learner(db, django_user_model):
    return _make_user(django_user_model, "ada")


@pytest.fixture
def other_learner(db, django_user_model):
    return _make_user(django_user_model, "grace")


@pytest.fixture
def instructor(db, django_user_model):
    return _make_user(django_user_model, "ines", instructor=True)


@pytest.fixture
def instructor_edits_new_courses(instructor):
    """The instructor persona becomes an editor of every course created without an owner while
    the test runs (as ``createinstructor --editor-of`` makes the demo instructor an editor of the
    shipped course), for tests about authoring rather than about who may author: those
    (tests/web/test_tenancy.py) use instructors of their own."""
    from django.db.models.signals import post_save

    from lessons.models import Course

    def add_editor(sender, instance, created, **kwargs):
        if created and instance.owner_id is None:
            instance.editors.add(instructor)

    post_save.connect(add_editor, sender=Course, dispatch_uid="instructor_edits_new_courses")
    yield instructor
    post_save.disconnect(sender=Course, dispatch_uid="instructor_edits_new_courses")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# learner_client is pytest-django's `client`; the other personas get their own browser session,
# so a test can hold several at once.
@pytest.fixture
def instructor_client(instructor):
    return _client_for(instructor)


@pytest.fixture
def other_learner_client(other_learner):
    return _client_for(other_learner)


# The same personas under the names the issue uses.
client_learner = learner_client
client_instructor = instructor_client
client_other_learner = other_learner_client


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Each test starts with empty rate-limit counters: user ids repeat between tests, and a
    window lasts a minute, so counts from earlier tests would otherwise reach later ones."""
    if "django_db_setup" not in request.fixturenames and "db" not in request.fixturenames:
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
