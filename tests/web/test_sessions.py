"""Who is logged in: Django's sessions (``cached_db`` with Redis) and ``ModelBackend``. A
password change, a deactivation or a deletion ends the other sessions at once, sessions made
before the request path was simplified still work, and a cache that is down costs nothing but
speed.

The tests marked with ``redis_cache`` run against the Redis on 127.0.0.1:6379 (skipped when none
answers), each under a key prefix of its own that is deleted afterwards."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from benchmarks.stack import free_port

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
OLD_BACKEND = "accounts.backends.CachedModelBackend"  # what sessions recorded until now
HOME = "/"


def logged_in(user, backend: str | None = None) -> Client:
    """A browser whose session was made under the current settings."""
    browser = Client()
    browser.force_login(user, backend=backend)
    return browser


def user_of(browser: Client):
    return browser.get(HOME).wsgi_request.user


def lesson_url(item) -> str:
    return reverse("lesson", args=[item.course.slug, item.slug])


def test_logins_and_signups_record_model_backend(redis_cache, client, learner, password):
    response = client.post("/accounts/login/", {"username": "ada", "password": password})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    signup = Client()
    form = {
        "username": "newbie",
        "password1": "s3cret-passphrase!",
        "password2": "s3cret-passphrase!",
    }
    assert signup.post("/accounts/signup/", form).status_code == 302
    assert signup.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    assert user_of(signup).username == "newbie"


def test_a_session_made_with_the_old_cached_backend_still_works(redis_cache, learner):
    browser = logged_in(learner, backend=OLD_BACKEND)
    assert browser.session[BACKEND_SESSION_KEY] == OLD_BACKEND
    assert user_of(browser) == learner
    learner.is_active = False
    learner.save()
    assert not user_of(browser).is_authenticated


def test_a_password_changed_in_another_session_logs_the_old_one_out(redis_cache, learner, password):
    old, current = Client(), Client()
    for browser in (old, current):
        form = {"username": "ada", "password": password}
        assert browser.post("/accounts/login/", form).status_code == 302
        assert user_of(browser) == learner
    new = "another-horse-battery-99"
    form = {"old_password": password, "new_password1": new, "new_password2": new}
    assert current.post("/accounts/password/", form).status_code == 302
    assert user_of(current) == learner  # the session that changed it stays logged in
    assert not user_of(old).is_authenticated
    assert old.get(reverse("password_change")).status_code == 302  # to the log-in page


def test_a_deactivated_user_is_logged_out_on_the_next_request(redis_cache, learner):
    browser = logged_in(learner)
    assert user_of(browser) == learner
    learner.is_active = False
    learner.save()
    assert not user_of(browser).is_authenticated


def test_a_deactivation_in_the_admin_logs_the_learner_out(
    redis_cache, learner, django_user_model, password
):
    browser = logged_in(learner)
    assert user_of(browser) == learner
    admin = logged_in(django_user_model.objects.create_superuser("root", password=password))
    joined = localtime(learner.date_joined)
    form = {  # the change form with "Active" unticked
        "username": "ada",
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
    }
    response = admin.post(reverse("admin:auth_user_change", args=[learner.pk]), form)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert not learner.is_active
    assert not user_of(browser).is_authenticated


def test_a_deleted_user_is_logged_out_on_the_next_request(redis_cache, learner):
    browser = logged_in(learner)
    assert user_of(browser) == learner
    learner.delete()
    assert not user_of(browser).is_authenticated


def test_joining_the_instructors_group_shows_on_the_next_request(redis_cache, learner):
    browser = logged_in(learner)
    assert browser.get(HOME).context["is_instructor"] is False
    learner.groups.add(Group.objects.get_or_create(name="instructors")[0])
    assert browser.get(HOME).context["is_instructor"] is True


def test_a_wrong_password_is_checked_once_and_counted_by_axes(client, learner, password):
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    lookups = [q for q in queries if 'FROM "auth_user"' in q["sql"] and "username" in q["sql"]]
    assert len(lookups) == 1  # not again by the backend listed for old sessions
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 1
    assert (
        client.post("/accounts/login/", {"username": "ada", "password": password}).status_code
        == 302
    )


def test_a_cache_that_is_down_still_serves_pages(learner, terminal, settings):
    """Redis down: the lesson page's fragments are kept in each process's memory, not in
    Redis, so the page is served all the same."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "netlearn.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        },
    }
    browser = logged_in(learner)  # sessions in the database (the default engine)
    assert user_of(browser) == learner
    page = browser.get(lesson_url(terminal))
    assert page.status_code == 200 and "Terminal output" in page.content.decode()
    learner.is_active = False
    learner.save()
    assert not user_of(browser).is_authenticated


def test_a_lesson_unpublished_between_two_commands_is_gone_for_the_second(
    redis_cache, learner, terminal
):
    browser = logged_in(learner)
    data = {"host": "A", "line": "ip addr"}
    url = reverse("lesson_command", args=[terminal.course.slug, terminal.slug])
    assert browser.post(url, data, HTTP_HX_REQUEST="true").status_code == 200
    terminal.published = False
    terminal.save()
    assert browser.post(url, data, HTTP_HX_REQUEST="true").status_code == 404
