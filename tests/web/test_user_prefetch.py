"""The signed cookie naming the logged-in user (accounts/prefetch.py): set once, changed with the
user, gone with the log-out, flagged as the session cookie, and never trusted: a forged or another
user's cookie changes nothing about who is logged in.

Against Redis (the redis_cache fixture), where the user cache is on."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse
from test_user_cache import command_url, logged_in

from accounts.prefetch import COOKIE, SALT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_cache")]

HOME = "/"


def hint_for(user_id: int) -> str:
    return signing.dumps(user_id, salt=SALT)


def test_the_first_page_sets_the_cookie_and_later_ones_leave_it(learner, settings):
    settings.SESSION_COOKIE_SECURE = True
    browser = logged_in(learner)
    first = browser.get(HOME)
    cookie = first.cookies[COOKIE]
    assert signing.loads(cookie.value, salt=SALT) == learner.pk
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert COOKIE not in browser.get(HOME).cookies  # unchanged: not sent again


def test_health_probes_and_anonymous_visitors_get_no_cookie(client):
    assert COOKIE not in client.get("/healthz").cookies
    assert COOKIE not in client.get(HOME).cookies


def test_another_users_cookie_does_not_change_who_is_logged_in(learner, other_learner):
    browser = logged_in(learner)
    browser.cookies[COOKIE] = hint_for(other_learner.pk)  # copied from someone else's browser
    response = browser.get(HOME)
    assert response.wsgi_request.user == learner
    assert signing.loads(response.cookies[COOKIE].value, salt=SALT) == learner.pk  # corrected


def test_a_forged_cookie_is_ignored(learner, other_learner):
    browser = logged_in(learner)
    browser.cookies[COOKIE] = f"{other_learner.pk}:forged"
    assert browser.get(HOME).wsgi_request.user == learner


def test_logging_out_deletes_the_cookie(learner):
    browser = logged_in(learner)
    browser.get(HOME)
    response = browser.post(reverse("logout"))
    assert response.cookies[COOKIE].value == ""  # deleted
    assert not browser.get(HOME).wsgi_request.user.is_authenticated


def test_a_command_read_with_the_session_answers_as_one_read_without(learner, terminal):
    data = {"host": "A", "line": "ip addr"}
    browser = logged_in(learner)
    outputs = []
    for _ in range(3):  # the cookie is set by the first; the third has everything prefetched
        response = browser.post(command_url(terminal), data, HTTP_HX_REQUEST="true")
        outputs.append(response.content.decode())
    browser.cookies.pop(COOKIE)
    response = browser.post(command_url(terminal), data, HTTP_HX_REQUEST="true")
    assert outputs[2] == response.content.decode() == outputs[0]


def test_without_the_user_cache_no_cookie_is_set(learner, settings):
    settings.USER_CACHE_SECONDS = 0
    assert COOKIE not in logged_in(learner).get(HOME).cookies
