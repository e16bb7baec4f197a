"""Security headers, cookies and log-in throttling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, learner_client):
    # htmx would inject an inline <style> unless told not to; our policy would block it.
    html = client.get(reverse("login")).content.decode()
    assert '"includeIndicatorStyles":false' in html
    for page in (reverse("home"), reverse("my_progress")):
        html = learner_client.get(page).content.decode()
        assert "<script>" not in html
        assert " style=" not in html
        assert "<style" not in html


PRODUCTION_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in (
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT", "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS", "SESSION_COOKIE_HTTPONLY")}))
"""


def test_production_settings_ask_for_secure_cookies_and_hsts():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env.update(SECRET_KEY="x" * 50, ALLOWED_HOSTS="netlearn.example")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRODUCTION_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SESSION_COOKIE_HTTPONLY": True,
    }


@pytest.mark.django_db
def test_hsts_header_is_sent_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def _log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_a_correct_password_logs_in(client, learner, password):
    response = _log_in(client, "ada", password)
    assert response.status_code == 302
    assert client.get(reverse("my_progress")).status_code == 200


@pytest.mark.django_db
def test_too_many_wrong_passwords_lock_that_username_out_with_a_friendly_page(
    client, learner, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _log_in(client, "ada", "wrong-password")
        assert response.status_code == 200  # the form again, with its error
    response = _log_in(client, "ada", "wrong-password")
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    # Even the right password is refused while locked out.
    response = _log_in(client, "ada", password)
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_lockout_is_per_username_so_another_learner_still_logs_in(
    client, learner, other_learner, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(client, "ada", "wrong-password")
    assert _log_in(client, "grace", password).status_code == 302


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, learner, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _log_in(client, "ada", "wrong-password")
    assert _log_in(client, "ada", password).status_code == 302
    client.logout()
    assert _log_in(client, "ada", "wrong-password").status_code == 200
