"""Sign-up is limited per client address (RATELIMIT_SIGNUP, 5 an hour) and for everyone together
(RATELIMIT_SIGNUP_ALL, 200 an hour): every per-learner limit is only worth the cost of a new
account."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

NGINX = "10.0.0.2"
_names = itertools.count()


def _sign_up(client, address: str, *, password2: str | None = None):
    """A sign-up that came through nginx from ``address``."""
    password = "s3cret-passphrase!"
    data = {
        "username": f"learner{next(_names)}",
        "password1": password,
        "password2": password2 or password,
    }
    response = client.post(reverse("signup"), data, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=address)
    client.logout()  # the next sign-up is someone else's
    return response


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_five_accounts_an_hour_from_one_address_then_a_friendly_429(client):
    for _ in range(5):
        assert _sign_up(client, "198.51.100.7").status_code == 302
    response = _sign_up(client, "198.51.100.7")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "Too many new accounts" in html
    assert "Please try again in" in html
    assert "Log in</a>" in html, "someone who has an account is pointed to the log-in"
    assert get_user_model().objects.count() == 5
    # The page itself already says so: nobody fills in the form only to be turned away.
    page = client.get(reverse("signup"), REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert page.status_code == 429


def test_another_address_still_signs_up(client):
    for _ in range(6):
        _sign_up(client, "198.51.100.7")
    assert _sign_up(client, "203.0.113.9").status_code == 302


def test_only_accounts_created_count(client):
    """A learner who mistypes the password confirmation a few times is not turned away."""
    for _ in range(8):
        assert _sign_up(client, "198.51.100.7", password2="typo").status_code == 200
    assert _sign_up(client, "198.51.100.7").status_code == 302


def test_everyone_together_has_a_ceiling(client, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "signup_all": "3/h"}
    for n in range(3):
        assert _sign_up(client, f"198.51.100.{n}").status_code == 302
    assert _sign_up(client, "203.0.113.9").status_code == 429


def test_the_rates_come_from_the_settings(client, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "signup": "2/h"}
    for _ in range(2):
        assert _sign_up(client, "198.51.100.7").status_code == 302
    assert _sign_up(client, "198.51.100.7").status_code == 429


def test_the_limits_can_be_turned_off(client, settings):
    settings.RATELIMIT_ENABLED = False
    for _ in range(7):
        assert _sign_up(client, "198.51.100.7").status_code == 302


def test_the_defaults_are_the_documented_ones():
    from test_settings import _setting

    assert "'signup': '5/h'" in _setting("RATELIMIT_RATES", DEBUG="1")
    assert "'signup_all': '200/h'" in _setting("RATELIMIT_RATES", DEBUG="1")
    assert "'signup': '20/h'" in _setting("RATELIMIT_RATES", DEBUG="1", RATELIMIT_SIGNUP="20/h")
