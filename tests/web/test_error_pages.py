"""Error pages keep the site's layout and say what to do next, with DEBUG off as in production;
the 500 page needs neither the database nor a request context."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import path, reverse

import netlearn.urls
from netlearn import errors


def _boom(request):
    raise RuntimeError("a bug")


def _suspicious(request):
    raise SuspiciousOperation("a malformed request")


# This module is the URLconf of the tests below that need a view that fails.
urlpatterns = [path("boom/", _boom), path("suspicious/", _suspicious), *netlearn.urls.urlpatterns]
handler500 = netlearn.urls.handler500


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def _assert_in_layout(response, *, status: int, title: str, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f"<title>{title} · NetLearn</title>" in html
    assert 'aria-label="Main"' in html, "the site's navigation"
    assert 'href="/static/css/app.css"' in html
    assert f"<h1>{heading}</h1>" in html
    assert 'href="/">the courses</a>' in html or 'href="/">Back to the courses</a>' in html
    return html


@pytest.mark.django_db
def test_404_in_the_layout_points_back_to_the_courses(learner_client):
    response = learner_client.get("/no/such/page/")
    html = _assert_in_layout(
        response, status=404, title="Page not found", heading="We can't find that page"
    )
    assert "Signed in as <strong>ada</strong>" in html, "with the request's context"
    assert reverse("my_progress") in html


@pytest.mark.django_db
def test_403_in_the_layout_says_why_and_what_to_do(learner_client):
    response = learner_client.get(reverse("instructors:dashboard"))
    html = _assert_in_layout(
        response, status=403, title="Not allowed", heading="You can't open this page"
    )
    assert "Only instructors can open this page." in html
    assert "ask your instructor" in html


@pytest.mark.django_db
def test_a_stale_form_gets_the_expired_form_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "ada", "password": "x"})
    html = _assert_in_layout(
        response, status=403, title="Form expired", heading="This form has expired"
    )
    assert "reload the page, and send the form again" in html


@pytest.mark.django_db
def test_400_in_the_layout(client):
    response = client.get("/suspicious/")
    html = _assert_in_layout(
        response, status=400, title="Bad request", heading="We couldn't read that request"
    )
    assert "check what you typed or pasted, and send it again" in html


@pytest.mark.django_db
def test_a_host_we_do_not_serve_gets_the_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    _assert_in_layout(
        response, status=400, title="Bad request", heading="We couldn't read that request"
    )


@pytest.mark.django_db
def test_429_in_the_layout(client, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "signup": "1/h"}
    data = {
        "username": "new1",
        "password1": "s3cret-passphrase!",
        "password2": "s3cret-passphrase!",
    }
    assert client.post(reverse("signup"), data).status_code == 302
    client.logout()
    response = client.get(reverse("signup"))
    _assert_in_layout(response, status=429, title="Slow down", heading="Sign-up paused for a while")


@pytest.mark.django_db
def test_500_in_the_layout_with_what_to_do(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = _assert_in_layout(
        response,
        status=500,
        title="Something went wrong",
        heading="Something went wrong on our side",
    )
    assert "what you saved before is safe" in html
    assert "Try again in a minute" in html


def test_the_500_page_renders_without_the_database():
    """No ``db`` mark: pytest-django fails any query here. The page is rendered without the
    request's context, so no session, user or context processor is asked for."""
    request = RequestFactory().get("/boom/")
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_500_page_falls_back_to_plain_html_when_the_template_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template is broken too")

    monkeypatch.setattr(errors, "render_to_string", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert 'href="/">the courses</a>' in response.content.decode()
