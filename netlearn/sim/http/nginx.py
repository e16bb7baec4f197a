"""nginx 1.22 as an origin server and as a reverse proxy (round-robin upstreams, a cache,
TLS termination). Every request it answers goes to ``/var/log/nginx/access.log`` in nginx's
``main`` format, which ends with ``"$http_x_forwarded_for"``: a learner can ``cat`` it and see
which client address the server saw."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..budget import spend
from . import server
from .config import http_config
from .connection import connect
from .wire import (
    ACCESS_LOG,
    EPOCH,
    NGINX,
    REASONS,
    Journey,
    Request,
    Response,
    append_log,
    http_date,
    log_time,
    wire_length,
)

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

MAX_PROXY_HOPS = 8  # proxies chained behind one another


def _nginx_page(status: int) -> str:
    title = f"{status} {REASONS[status]}"
    return (
        f"<html>\n<head><title>{title}</title></head>\n<body>\n"
        f"<center><h1>{title}</h1></center>\n<hr><center>{NGINX}</center>\n</body>\n</html>\n"
    )


def _nginx_headers(clock: float, body: str, *, static: bool) -> list[tuple[str, str]]:
    headers = [
        ("Server", NGINX),
        ("Date", http_date(clock)),
        ("Content-Type", "text/html"),
        ("Content-Length", str(wire_length(body))),
    ]
    if static:
        mtime = int(EPOCH.timestamp())
        headers += [
            ("Last-Modified", http_date(0)),
            ("Connection", "keep-alive"),
            ("ETag", f'"{mtime:x}-{len(body.encode()):x}"'),
            ("Accept-Ranges", "bytes"),
        ]
    else:
        headers.append(("Connection", "keep-alive"))
    return headers


def _access_log(
    net: Topology, host: Host, client: str, request: Request, response: Response
) -> None:
    target = urlsplit(request.target).path or "/" if "://" in request.target else request.target
    size = 0 if request.method == "HEAD" else wire_length(response.body)
    xff = request.header("X-Forwarded-For") or "-"
    agent = request.header("User-Agent") or "-"
    append_log(
        host,
        ACCESS_LOG,
        f'{client} - - [{log_time(net.clock)}] "{request.method} {target} '
        f'HTTP/{request.version}" '
        f'{response.status} {size} "-" "{agent}" "{xff}"',
    )


def origin(
    net: Topology, server: Host, client_address: str, request: Request, journey: Journey
) -> Response:
    path = urlsplit(request.target).path if "://" in request.target else request.target
    path = path.split("?", 1)[0] or "/"
    if path in ("/", "/index.html"):
        body = f"Hello from {server.name}\n"
        response = Response(
            200, tuple(_nginx_headers(net.clock, body, static=True)), body, server.name
        )
    else:
        body = _nginx_page(404)
        response = Response(
            404, tuple(_nginx_headers(net.clock, body, static=False)), body, server.name
        )
    _access_log(net, server, client_address, request, response)
    journey.origin = server.name
    journey.origin_saw = client_address
    journey.forwarded_for = request.header("X-Forwarded-For")
    return response


def reverse_proxy(
    net: Topology,
    proxy: Host,
    client_address: str,
    request: Request,
    journey: Journey,
    tls: bool,
    depth: int,
) -> Response:
    state = http_config(proxy)
    assert state is not None  # asked of a running reverse proxy only
    config = state["reverse_proxy"]
    journey.proxies.append(proxy.name)
    # nginx's default key is the proxied URL (scheme and host of the upstream group, then the
    # request URI): the same page over http and https shares one cache entry.
    key = request.target
    ttl = config["cache_ttl"]
    if ttl and request.method in ("GET", "HEAD"):
        entry = state["cache"].get(key)
        if entry is not None and net.clock < entry["expires"]:
            hit = _cache_hit(net, entry, journey)
            _access_log(net, proxy, client_address, request, hit)
            return hit
    response = _upstream(net, proxy, client_address, request, journey, state, depth)
    if response is None:
        body = _nginx_page(502)
        response = Response(
            502, tuple(_nginx_headers(net.clock, body, static=False)), body, proxy.name
        )
        _access_log(net, proxy, client_address, request, response)
        return response
    headers = [(k, v) for k, v in response.headers if k != "Server" and k != "Date"]
    headers = [("Server", NGINX), ("Date", http_date(net.clock)), *headers]
    # nginx moves Connection right after the length it recomputes.
    headers = _nginx_proxy_order(headers)
    if ttl:
        headers = _cache_miss(net, state, key, ttl, request, response, headers, journey)
    response = Response(response.status, tuple(headers), response.body, response.served_by)
    _access_log(net, proxy, client_address, request, response)
    return response


def _cache_hit(net: Topology, entry: dict, journey: Journey) -> Response:
    """The cached page, as fetched earlier by this proxy (so that is what the origin saw)."""
    journey.cache = "HIT"
    journey.origin = entry["served_by"]
    journey.origin_saw = entry.get("origin_saw")
    journey.forwarded_for = entry.get("forwarded_for")
    response = Response(
        entry["status"],
        tuple((k, v) for k, v in entry["headers"]) + (("X-Cache", "HIT"),),
        entry["body"],
        entry["served_by"],
    )
    return _restamp(net, response)


def _upstream(
    net: Topology, proxy, client_address, request, journey, state, depth
) -> Response | None:
    """The request passed to the next upstream that accepts a connection (round-robin, nginx's
    ``proxy_next_upstream error timeout``), or None when none does."""
    ttl = state["reverse_proxy"]["cache_ttl"]
    xff = request.header("X-Forwarded-For")
    upstream_request = replace(
        request.with_header(
            "X-Forwarded-For", f"{xff}, {client_address}" if xff else client_address
        ),
        version="1.0",
        # proxy_cache_convert_head: a cached HEAD is fetched as a GET
        method="GET" if ttl and request.method == "HEAD" else request.method,
    )
    upstreams = state["reverse_proxy"]["upstreams"]
    for attempt in range(len(upstreams)):
        spend(1, "passing an HTTP request through proxies")
        index = (state["next_upstream"] + attempt) % len(upstreams)
        host_part, _, port_part = upstreams[index].partition(":")
        port = int(port_part) if port_part else 80
        conn = connect(net, proxy, host_part, port)
        if conn.kind != "connected" or depth >= MAX_PROXY_HOPS:
            continue
        state["next_upstream"] = (index + 1) % len(upstreams)
        return server.serve(
            net,
            conn.peer,
            conn.source,
            upstream_request,
            journey,
            tls=False,
            port=port,
            depth=depth + 1,
        )
    return None


def _cache_miss(net: Topology, state, key, ttl, request, response, headers, journey) -> list:
    """Keep a 200 answer to GET or HEAD for ``ttl`` seconds; mark the answer MISS."""
    journey.cache = "MISS"
    if response.status == 200 and request.method in ("GET", "HEAD"):
        state["cache"][key] = {
            "expires": net.clock + ttl,
            "status": response.status,
            "headers": [list(h) for h in headers],
            "body": response.body,
            "served_by": response.served_by,
            "origin_saw": journey.origin_saw,
            "forwarded_for": journey.forwarded_for,
        }
    if _adds_headers(response.status):
        return list(_with_x_cache(headers, "MISS"))
    return headers


def _adds_headers(status: int) -> bool:
    """nginx's ``add_header`` (without ``always``) applies to these statuses only."""
    return status in (200, 201, 204, 206, 301, 302, 303, 304, 307, 308)


def _restamp(net: Topology, response: Response) -> Response:
    headers = tuple((k, http_date(net.clock) if k == "Date" else v) for k, v in response.headers)
    return Response(
        response.status,
        _with_x_cache([(k, v) for k, v in headers if k != "X-Cache"], "HIT"),
        response.body,
        response.served_by,
    )


def _nginx_proxy_order(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Server, Date, Content-Type, Content-Length, Connection, then the upstream's others."""
    first = [h for h in headers if h[0] in ("Server", "Date", "Content-Type", "Content-Length")]
    connection = [h for h in headers if h[0] == "Connection"]
    rest = [h for h in headers if h not in first and h not in connection]
    return [*first, *connection, *rest]


def _with_x_cache(headers, value: str) -> tuple[tuple[str, str], ...]:
    """nginx's ``add_header X-Cache`` lands before Accept-Ranges (the static module's last)."""
    headers = [tuple(h) for h in headers if h[0] != "X-Cache"]
    at = next((i for i, h in enumerate(headers) if h[0] == "Accept-Ranges"), len(headers))
    return (*headers[:at], ("X-Cache", value), *headers[at:])
