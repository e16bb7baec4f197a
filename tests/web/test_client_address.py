"""netlearn.clientip: the client's address behind our proxies, and the lockout keyed on it.

Through a real nginx: tests/deploy/test_stack.py (test_a_lockout_through_nginx_...)."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from test_settings import PROD, _django, _setting

from netlearn.clientip import client_ip

NGINX = "10.0.0.2"  # where the proxy connects from


def _request(remote: str = NGINX, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_proxies_the_peer_is_the_client_whatever_the_headers_say(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_address_it_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="198.51.100.7")) == "198.51.100.7"


def test_entries_a_client_sent_itself_are_ignored(settings):
    """Behind a proxy that appends ($proxy_add_x_forwarded_for), whatever the client sent is to
    the left of what the proxy wrote; only the proxy's entry counts."""
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="203.0.113.9, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request(forwarded="not-an-address, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded="203.0.113.9, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    # Fewer entries than proxies: the header can't be the proxies' own; the peer is used.
    assert client_ip(_request(forwarded="198.51.100.7")) == NGINX


def test_a_request_without_the_header_is_keyed_on_its_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request()) == NGINX
    assert client_ip(_request(forwarded="")) == NGINX


def test_ipv6_clients_are_read_too(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="2001:db8::7")) == "2001:db8::7"


def test_the_header_counts_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(NGINX, "198.51.100.7")) == "198.51.100.7"
    # Someone reaching the web server directly can't choose their address with the header.
    assert client_ip(_request("192.0.2.50", "198.51.100.7")) == "192.0.2.50"


def test_the_proxy_count_defaults_to_the_compose_stacks_one_nginx():
    assert _setting("TRUSTED_PROXY_COUNT", **PROD) == "1"
    # nginx without TLS (the compose stack as shipped) is still a proxy.
    assert _setting("TRUSTED_PROXY_COUNT", BEHIND_TLS_PROXY="0", **PROD) == "1"
    assert _setting("TRUSTED_PROXY_COUNT", DEBUG="1") == "0"  # runserver: nobody in front
    assert _setting("TRUSTED_PROXY_COUNT", TRUSTED_PROXY_COUNT="2", **PROD) == "2"
    assert _setting("AXES_CLIENT_IP_CALLABLE", **PROD) == "'netlearn.clientip.client_ip'"


def test_a_bad_proxy_setting_is_refused_at_start_up_with_its_name():
    result = _django(["check"], TRUSTED_PROXIES="10.0.0.0/33", DEBUG="1")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must list addresses or networks" in result.stderr
    result = _django(["check"], TRUSTED_PROXY_COUNT="-1", DEBUG="1")
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


# -- the lockout, per username and client address --------------------------------------------------


def _log_in(client, username, password, address):
    """A log-in that came through nginx (one proxy) from ``address``."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=address,
    )


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.django_db
def test_wrong_passwords_from_another_address_do_not_lock_the_owner_out(
    client, instructor, password, settings, behind_nginx
):
    attacker = "203.0.113.9"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _log_in(client, "ines", "guess", attacker).status_code == 200
    response = _log_in(client, "ines", "guess", attacker)
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    # The attacker's address stays locked, even with the right password...
    assert _log_in(client, "ines", password, attacker).status_code == 429
    # ...while the instructor, from their own address, logs in.
    response = _log_in(client, "ines", password, "198.51.100.7")
    assert response.status_code == 302
    assert AccessAttempt.objects.get(username="ines").ip_address == attacker


@pytest.mark.django_db
def test_a_client_cannot_dodge_the_lockout_by_inventing_forwarded_addresses(
    client, learner, password, settings, behind_nginx
):
    """nginx overwrites X-Forwarded-For; were it to append, the client's own entries are on the
    left and ignored: every attempt below counts against the one real address."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = _log_in(client, "ada", "guess", f"192.0.2.{n}, 203.0.113.9")
    assert response.status_code == 429
    assert _log_in(client, "ada", password, "192.0.2.99, 203.0.113.9").status_code == 429


@pytest.mark.django_db
def test_log_ins_straight_to_the_app_are_keyed_on_the_peer(client, learner, password, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "ada", "password": "guess"},
                    REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.5")  # fmt: skip
    assert AccessAttempt.objects.get(username="ada").ip_address == "198.51.100.1"
    response = client.post(reverse("login"), {"username": "ada", "password": password},
                           REMOTE_ADDR="198.51.100.2")  # fmt: skip
    assert response.status_code == 302


def test_anonymous_rate_limits_are_per_client_address_behind_nginx(settings):
    """Before, every anonymous visitor behind nginx shared nginx's address and its limit."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache
    from django.http import HttpResponse

    from netlearn.ratelimit import rate_limited

    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()

    @rate_limited(key="widgets", rate="2/m")
    def view(request):
        return HttpResponse("ran")

    def call(address):
        request = _request(forwarded=address)
        request.user = AnonymousUser()
        return view(request).status_code

    assert [call("198.51.100.7") for _ in range(3)] == [200, 200, 429]
    assert call("203.0.113.9") == 200
