"""The ``http`` goal: a request from a host reaches the right origin, through the right proxies.

The request is the one ``curl`` sends (``commands.curl.request``), run on copies of every host's
services and files, so grading never changes access logs, caches or round-robin state.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from ..commands import curl
from .names import _host, _values
from .registry import Outcome, check_kind, require

if TYPE_CHECKING:
    from netlearn.sim.topology import Topology


def _addresses_of(net: Topology, value: str) -> set[str]:
    host = net.hosts.get(value)
    if host is None:
        return {value}
    return {str(a.ip) for i in host.interfaces.values() for a in i.addresses}


_CURL_CAUSES = {
    5: "proxy-unresolved",
    6: "name-unresolved",
    7: "connection-refused",
    28: "timeout",
    35: "tls-error",
    60: "tls-error",
}


@check_kind("http")
def http_goal(net: Topology, goal: dict) -> Outcome:
    """``{check: http, from: A, url: http://www.example.com/, served_by: web1, via: proxy,
    origin_sees: proxy}``; ``served_by``/``via`` may be lists, ``proxy`` is ``curl -x``.

    The request runs on copies: grading never changes access logs, caches or round-robin state.
    """
    require(goal, ("from", "url"), ("served_by", "via", "origin_sees", "proxy"))
    client = _host(net, goal["from"], "from")
    saved = {name: (copy.deepcopy(h.services), dict(h.files)) for name, h in net.hosts.items()}
    opts = curl.Options(url=str(goal["url"]), proxy=goal.get("proxy"))
    lines: list[str] = []
    try:
        _, response, journey = curl.request(net, client, opts, lines)
    except curl.CurlError as exc:
        cause = _CURL_CAUSES.get(exc.code, "http-error")
        if exc.code == 7 and any("Network is unreachable" in v for v in exc.verbose):
            cause = "unreachable"
        message = exc.message.splitlines()[0].removeprefix("curl: ")
        return Outcome(False, f"{client.name} cannot fetch {goal['url']}: {message}.", cause)
    finally:
        for name, (services, files) in saved.items():
            net.hosts[name].services = services
            net.hosts[name].files = files
    url = goal["url"]
    if response.status == 502:
        via = journey.proxies[-1] if journey.proxies else "the proxy"
        return Outcome(
            False,
            f"{via} answers 502 Bad Gateway for {url}: it cannot reach any of its upstreams.",
            "bad-gateway",
        )
    if response.status >= 400:
        return Outcome(
            False, f"{url} answers {response.status_line} to {client.name}.", "http-error"
        )
    expected = _values(goal.get("served_by"))
    if expected and journey.origin not in expected:
        return Outcome(
            False,
            f"{url} is served by {journey.origin}, not {' or '.join(expected)}.",
            "wrong-server",
        )
    missing = [p for p in _values(goal.get("via")) if p not in journey.proxies]
    if missing:
        path = " -> ".join([client.name, *journey.proxies, journey.origin or "?"])
        return Outcome(
            False,
            f"the request to {url} does not go through {', '.join(missing)} (its path: {path}).",
            "not-via-proxy",
        )
    sees = goal.get("origin_sees")
    if sees is not None:
        allowed = _addresses_of(net, str(sees))
        if journey.origin_saw not in allowed:
            client_addresses = _addresses_of(net, client.name)
            if journey.origin_saw in client_addresses:
                return Outcome(
                    False,
                    f"{journey.origin} sees the client's own address {journey.origin_saw}: the "
                    f"origin is exposed; it should only see {sees}.",
                    "origin-exposed",
                )
            return Outcome(
                False,
                f"{journey.origin} sees requests from {journey.origin_saw}, not from {sees}.",
                "wrong-address",
            )
    shown = f" via {', '.join(journey.proxies)}" if journey.proxies else ""
    return Outcome(True, f"{client.name} gets {url} from {journey.origin}{shown}.")
