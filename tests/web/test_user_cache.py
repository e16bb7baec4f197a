"""The logged-in user read from the cache (accounts/backends.py): no query for it on a cached
page, and a password change, a deactivation or a deletion still ends the sessions at once.

Against the Redis on 127.0.0.1:6379 (skipped when none answers), each test under a key prefix of
its own that is deleted afterwards, with sessions kept in Redis as in production."""

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

from accounts.backends import CACHED_BACKEND, CachedModelBackend, keep, lookup
from benchmarks.stack import free_port

pytestmark = pytest.mark.django_db

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
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


def test_a_cached_lesson_page_costs_no_query_with_the_user_cached(
    redis_cache, learner, terminal, settings, django_assert_num_queries
):
    browser = logged_in(learner)
    for _ in range(2):  # the CSRF cookie, then the page kept
        assert browser.get(lesson_url(terminal)).status_code == 200
    with django_assert_num_queries(0):
        assert browser.get(lesson_url(terminal)).status_code == 200
    settings.USER_CACHE_SECONDS = 0  # as before: the session from Redis, the user from the db
    with django_assert_num_queries(1):
        assert browser.get(lesson_url(terminal)).status_code == 200


def test_logins_record_the_cached_backend(redis_cache, client, learner, password):
    response = client.post("/accounts/login/", {"username": "ada", "password": password})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == CACHED_BACKEND
    signup = Client()
    form = {
        "username": "newbie",
        "password1": "s3cret-passphrase!",
        "password2": "s3cret-passphrase!",
    }
    assert signup.post("/accounts/signup/", form).status_code == 302
    assert signup.session[BACKEND_SESSION_KEY] == CACHED_BACKEND
    assert user_of(signup).username == "newbie"


def test_a_session_made_with_model_backend_still_works(redis_cache, learner):
    browser = logged_in(learner, backend=MODEL_BACKEND)
    assert browser.session[BACKEND_SESSION_KEY] == MODEL_BACKEND
    assert user_of(browser) == learner


def test_a_session_outlives_switching_the_cache_off_and_on(redis_cache, learner, settings):
    browser = logged_in(learner)
    assert user_of(browser) == learner
    settings.USER_CACHE_SECONDS = 0
    assert user_of(browser) == learner
    settings.USER_CACHE_SECONDS = 300
    assert user_of(browser) == learner


def test_a_password_changed_in_another_session_logs_the_old_one_out(redis_cache, learner, password):
    old, current = Client(), Client()
    for browser in (old, current):
        form = {"username": "ada", "password": password}
        assert browser.post("/accounts/login/", form).status_code == 302
        assert user_of(browser) == learner  # the user is in the cache now
    assert lookup(learner.pk)[1] == learner
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


def test_a_row_read_before_a_save_is_not_put_back(redis_cache, learner, django_user_model):
    backend = CachedModelBackend()
    assert backend.get_user(learner.pk) == learner  # now stored
    assert lookup(learner.pk)[1] == learner
    # Another request read the generation and the row, then this save happened, then it stores.
    generation, _ = lookup(learner.pk)
    stale = django_user_model.objects.get(pk=learner.pk)
    learner.first_name = "Augusta"
    learner.save()
    keep(learner.pk, generation, stale, 300)
    assert lookup(learner.pk)[1] is None
    assert backend.get_user(learner.pk).first_name == "Augusta"  # from the database
    assert lookup(learner.pk)[1].first_name == "Augusta"  # and stored again


def test_a_wrong_password_is_checked_once_and_counted_by_axes(client, learner, password):
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    lookups = [q for q in queries if 'FROM "auth_user"' in q["sql"] and "username" in q["sql"]]
    assert len(lookups) == 1  # not again by the ModelBackend listed for old sessions
    assert AccessAttempt.objects.get(username="ada").failures_since_start == 1
    assert (
        client.post("/accounts/login/", {"username": "ada", "password": password}).status_code
        == 302
    )


def test_a_cache_that_is_down_falls_back_to_the_database(
    learner, terminal, settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "netlearn.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        }
    }
    settings.USER_CACHE_SECONDS = 300
    browser = logged_in(learner)  # sessions in the database (the default engine)
    assert user_of(browser) == learner
    settings.USER_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as uncached:
        assert browser.get(reverse("password_change")).status_code == 200
    settings.USER_CACHE_SECONDS = 300
    with django_assert_num_queries(len(uncached)):  # the session, the user, the groups
        assert browser.get(reverse("password_change")).status_code == 200
    learner.is_active = False
    learner.save()  # forgetting the user fails quietly too
    assert not user_of(browser).is_authenticated


def command_url(item) -> str:
    return reverse("lesson_command", args=[item.course.slug, item.slug])


@pytest.fixture
def redis_commands(redis_cache, monkeypatch):
    """The commands the web process sends to Redis, by name and keys."""
    from django.core.cache import cache

    client = cache._cache.get_client()  # shared by every call (netlearn/cache.py)
    sent: list[tuple] = []
    send = client.execute_command

    def recording(*args, **options):
        sent.append(args)
        return send(*args, **options)

    monkeypatch.setattr(client, "execute_command", recording)
    return sent


def test_a_command_reads_its_session_user_and_lesson_in_one_round_trip(
    redis_commands, learner, terminal
):
    """The session, the user (accounts/prefetch.py), the content generation and the terminal
    row (netlearn/generations.py's riders) in one MGET: the cookie naming the user is set by the
    first request."""
    browser = logged_in(learner)
    data = {"host": "A", "line": "ip addr"}
    for _ in range(2):  # the workspace, the progress touch: then a command as most are
        assert browser.post(command_url(terminal), data, HTTP_HX_REQUEST="true").status_code == 200
    redis_commands.clear()
    assert browser.post(command_url(terminal), data, HTTP_HX_REQUEST="true").status_code == 200
    reads = [args for args in redis_commands if args[0] in ("GET", "MGET")]
    assert [args[0] for args in reads] == ["MGET"]
    keys = " ".join(str(key) for key in reads[0][1:])
    for part in ("sessions", "accounts:user:gen:", "accounts:user:v", "lessons:gen:content"):
        assert part in keys
    assert "lessons:terminal:" in keys


def test_a_lesson_unpublished_between_two_commands_is_gone_for_the_second(
    redis_cache, learner, terminal
):
    """What rode along is for its own request only: the next one reads the content again."""
    browser = logged_in(learner)
    data = {"host": "A", "line": "ip addr"}
    assert browser.post(command_url(terminal), data, HTTP_HX_REQUEST="true").status_code == 200
    terminal.published = False
    terminal.save()
    assert browser.post(command_url(terminal), data, HTTP_HX_REQUEST="true").status_code == 404
