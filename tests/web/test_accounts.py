"""Sign-up, log-in, log-out and password change, as a learner meets them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signup_creates_the_learner_and_logs_them_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "password1": "s3cret-passphrase!",
            "password2": "s3cret-passphrase!",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert get_user_model().objects.filter(username="newbie").exists()
    assert response.context["user"].username == "newbie"
    assert "Signed in as" in response.content.decode()


def test_signup_shows_clear_errors_and_keeps_the_username(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newbie", "password1": "s3cret-passphrase!", "password2": "different-one!"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "didn’t match" in body or "didn't match" in body
    assert 'value="newbie"' in body
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_signup_page_uses_crispy_bootstrap_fields(client):
    body = client.get("/accounts/signup/").content.decode()
    assert 'form-control" required aria-describedby="id_username_helptext" id="id_username"' in body
    assert 'for="id_username" class="form-label' in body


def test_login_with_a_wrong_password_says_so(client, learner):
    response = client.post("/accounts/login/", {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_login_and_logout(client, learner, password):
    response = client.post("/accounts/login/", {"username": "ada", "password": password})
    assert response.status_code == 302
    assert client.get("/").context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_logout_refuses_get(learner_client):
    assert learner_client.get("/accounts/logout/").status_code == 405


def test_password_change_needs_a_login(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_password_change_works(learner_client, learner, password):
    response = learner_client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "n3w-passphrase!!",
            "new_password2": "n3w-passphrase!!",
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("n3w-passphrase!!")


def test_csrf_is_enforced_on_htmx_posts_and_the_page_carries_the_token(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    page = client.get("/accounts/password/")
    assert 'hx-headers=\'{"X-CSRFToken": "' in page.content.decode()
    token = client.cookies["csrftoken"].value
    refused = client.post("/accounts/logout/", HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    accepted = client.post("/accounts/logout/", HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 302


def test_base_page_has_landmarks_and_a_skip_link(client):
    body = client.get("/accounts/login/").content.decode()
    assert 'href="#main"' in body
    assert '<main id="main"' in body
    assert "<nav" in body and "<header>" in body and "<footer" in body
    assert "cdn" not in body.lower()
