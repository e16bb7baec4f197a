"""netlearn.ratelimit: a learner who floods a graded POST gets a friendly 429."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from netlearn.ratelimit import Rate, hit, rate_limited


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@rate_limited(key="commands", rate="3/m")
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
    assert "3 commands a minute" in body
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
