"""netlearn.ratelimit: a learner who floods a graded POST gets a friendly 429."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from learner_data import lesson, make_course

from lessons.models import Workspace
from netlearn.ratelimit import Rate, hit, rate_limited


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@rate_limited(key="widgets", rate="3/m")
def _view(request):
    return HttpResponse("ran")


def _post(user, *, htmx=False):
    request = RequestFactory().post("/x/", HTTP_HX_REQUEST="true" if htmx else None)
    request.user = user
    request.htmx = htmx
    return request


def test_rates_are_parsed_and_bad_ones_named():
    assert Rate.parse("120/m") == Rate(120, 60)
    assert Rate.parse("5/s") == Rate(5, 1)
    for bad in ("120", "0/m", "x/m", "10/d"):
        with pytest.raises(ValueError, match="rate must look like"):
            Rate.parse(bad)


@pytest.mark.django_db
def test_a_learner_past_the_limit_gets_429_with_a_friendly_message(learner):
    assert [_view(_post(learner)).status_code for _ in range(3)] == [200, 200, 200]
    response = _view(_post(learner))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    body = response.content.decode()
    assert "Easy there" in body
    assert "3 widgets a minute" in body
    assert "<html" in body


@pytest.mark.django_db
def test_an_htmx_request_gets_just_the_message(learner):
    for _ in range(3):
        _view(_post(learner, htmx=True))
    response = _view(_post(learner, htmx=True))
    assert response.status_code == 429
    body = response.content.decode()
    assert "Easy there" in body
    assert "<html" not in body


@pytest.mark.django_db
def test_the_limit_is_per_learner(learner, other_learner):
    for _ in range(4):
        _view(_post(learner))
    assert _view(_post(other_learner)).status_code == 200


def test_anonymous_requests_are_limited_per_address():
    for _ in range(3):
        _view(_post(AnonymousUser()))
    assert _view(_post(AnonymousUser())).status_code == 429


def test_a_new_window_starts_afresh():
    rate = Rate(2, 60)
    assert [hit("k", "u", rate, now=120.0 + i) for i in range(3)] == [0, 0, 58]
    assert hit("k", "u", rate, now=180.0) == 0


@pytest.mark.django_db
def test_limits_can_be_turned_off(learner, settings):
    settings.RATELIMIT_ENABLED = False
    assert {_view(_post(learner)).status_code for _ in range(10)} == {200}


@pytest.mark.django_db
def test_the_terminal_answers_429_past_the_command_limit(learner_client, learner, settings):
    """The real command view is limited: the 4th command in a minute is refused, not run."""
    settings.RATELIMIT_RATES = {"commands": "3/m"}
    terminal = lesson(make_course(), "routing-between-networks")
    url = reverse("lesson_command", args=[terminal.course.slug, terminal.slug])
    responses = [
        learner_client.post(url, {"host": "A", "line": "hostname"}, HTTP_HX_REQUEST="true")
        for _ in range(4)
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert "Easy there" in responses[-1].content.decode()
    assert len(Workspace.objects.get(learner=learner, exercise=terminal.exercise).log) == 3


@pytest.mark.django_db
def test_checks_have_their_own_limit(learner_client, settings):
    settings.RATELIMIT_RATES = {"checks": "2/m"}
    terminal = lesson(make_course(), "routing-between-networks")
    url = reverse("lesson_check", args=[terminal.course.slug, terminal.slug])
    codes = [learner_client.post(url).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
