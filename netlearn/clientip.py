"""The address of the client behind our reverse proxies: one answer for every per-address rule.

The log-in lockout (django-axes, through ``AXES_CLIENT_IP_CALLABLE``), the sign-up throttle and
the anonymous rate limits all ask :func:`client_ip`. Behind nginx every request comes from nginx's
own address (``REMOTE_ADDR``), so keyed on that, one visitor's five wrong passwords would lock out
everybody. The client is in ``X-Forwarded-For`` instead, but only the entries our own proxies
wrote can be believed: anything to their left is whatever the client chose to send.

``TRUSTED_PROXY_COUNT`` is how many reverse proxies stand in front of the app (1 for the compose
stack's nginx, 0 when clients reach gunicorn or runserver directly). Each proxy appends the
address it received the request from, so the client is the entry that many places from the right
end of the header: with one nginx, the last entry. ``TRUSTED_PROXIES`` (optional) lists the
networks the nearest proxy connects from; a request from anywhere else is keyed on its own
``REMOTE_ADDR`` whatever headers it carries. A request without the header (a probe straight to
gunicorn) is keyed on ``REMOTE_ADDR`` too.

django-ipware parses the header (ports, IPv6 brackets, RFC 7239 tokens, junk entries); its
``proxy_count`` counts the proxies named *inside* the header, which is one fewer than ours, since
the nearest proxy's own address is ``REMOTE_ADDR``, not an entry.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from ipware.ip import get_client_ip


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _from_trusted_proxy(remote: str) -> bool:
    cidrs = tuple(getattr(settings, "TRUSTED_PROXIES", ()))
    if not cidrs:
        return True
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in network for network in _networks(cidrs))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as our proxies saw it (``REMOTE_ADDR`` when there are none)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0 or remote is None or not _from_trusted_proxy(remote):
        return remote
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",  # the header's usual order: client first, each proxy appending
        proxy_count=proxies - 1,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        # Not strict: a header longer than expected (a client that sent its own) still yields
        # the entry our proxies wrote, counted from the right; a shorter one yields nothing.
        strict=False,
    )
    return address or remote
