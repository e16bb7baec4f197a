"""squid 5.7 as a forward proxy: absolute-URI requests and ``CONNECT`` tunnels, its error
pages and its ``/var/log/squid/access.log``."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from netlearn.sim.names import resolver

from . import server
from .config import listening_port
from .connection import Connection, connect
from .nginx import MAX_PROXY_HOPS
from .wire import EPOCH, SQUID, SQUID_LOG, Journey, Request, Response, append_log, http_date

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology


def forward_proxy(
    net: Topology, proxy: Host, client_address: str, request: Request, journey: Journey, depth: int
) -> Response:
    journey.proxies.append(proxy.name)
    url = urlsplit(request.target)
    if not url.scheme or not url.hostname:
        return _squid_error(
            net, proxy, 400, "ERR_INVALID_URL", request, client_address, "Invalid URL", 0
        )
    lookup = resolver.getaddrinfo(net, proxy, url.hostname, families=(4,))
    if not lookup.ok:
        return _squid_error(
            net,
            proxy,
            503,
            "ERR_DNS_FAIL",
            request,
            client_address,
            f"Unable to determine IP address from host name {url.hostname}",
            0,
        )
    port = url.port or 80
    address = str(lookup.v4()[0])
    conn = connect(net, proxy, address, port)
    if conn.kind != "connected" or depth >= MAX_PROXY_HOPS:
        errno = _ERRNO.get(conn.kind, _ERRNO["timeout"])
        return _squid_error(
            net,
            proxy,
            503,
            "ERR_CONNECT_FAIL",
            request,
            client_address,
            f"Connection to {address} failed.",
            errno,
        )
    xff = request.header("X-Forwarded-For")
    inner = (
        Request(
            request.method,
            (url.path or "/") + (f"?{url.query}" if url.query else ""),
            tuple((k, v) for k, v in request.headers if k.lower() != "proxy-connection"),
        )
        .with_header("Via", f"1.1 {proxy.name} ({SQUID})")
        .with_header("X-Forwarded-For", f"{xff}, {client_address}" if xff else client_address)
    )
    response = server.serve(
        net, conn.peer, conn.source, inner, journey, tls=False, port=port, depth=depth + 1
    )
    headers = [h for h in response.headers if h[0] != "Connection"]
    headers += [
        ("X-Cache", f"MISS from {proxy.name}"),
        ("X-Cache-Lookup", f"MISS from {proxy.name}:{listening_port(proxy)}"),
        ("Via", f"1.1 {proxy.name} ({SQUID})"),
        ("Connection", "keep-alive"),
    ]
    _squid_log(net, proxy, client_address, request, response, "TCP_MISS", address)
    return Response(response.status, tuple(headers), response.body, response.served_by)


def connect_tunnel(
    net: Topology, proxy: Host, client_address: str, host: str, port: int
) -> tuple[Connection | None, Response | None]:
    """squid's answer to ``CONNECT host:port``: (the connection to the origin, None), or
    (None, the error response: its headers without the cache ones, as squid 5.7 sends them)."""
    request = Request("CONNECT", f"{host}:{port}", ())
    lookup = resolver.getaddrinfo(net, proxy, host, families=(4,))
    if not lookup.ok:
        what = f"Unable to determine IP address from host name {host}"
        error = _squid_error(net, proxy, 503, "ERR_DNS_FAIL", request, client_address, what, 0)
    else:
        address = str(lookup.v4()[0])
        conn = connect(net, proxy, address, port)
        if conn.kind == "connected":
            _squid_log(
                net, proxy, client_address, request, Response(200, (), ""), "TCP_TUNNEL", address
            )
            return conn, None
        errno = _ERRNO.get(conn.kind, _ERRNO["timeout"])
        what = f"Connection to {address} failed."
        error = _squid_error(
            net, proxy, 503, "ERR_CONNECT_FAIL", request, client_address, what, errno
        )
    cache_headers = ("X-Cache", "X-Cache-Lookup", "Via", "Connection")
    headers = tuple(h for h in error.headers if h[0] not in cache_headers)
    return None, Response(error.status, headers, error.body, proxy.name)


_ERRNO = {
    "refused": (111, "Connection refused"),
    "timeout": (110, "Connection timed out"),
    "no-route-to-host": (113, "No route to host"),
    "net-unreachable": (101, "Network is unreachable"),
    "unreachable": (101, "Network is unreachable"),
}


def _squid_error(
    net: Topology,
    proxy,
    status,
    code,
    request,
    client_address,
    what,
    errno,
) -> Response:
    """squid's error page: its headers as squid 5.7 sends them (checked in namespaces); the
    page keeps the template's text and leaves out its style sheet."""
    number, reason = errno if isinstance(errno, tuple) else (errno, "")
    system = (
        f'<p id="sysmsg">The system returned: <i>({number}) {reason}</i></p>\n' if number else ""
    )
    body = (
        "<html><head>\n<title>ERROR: The requested URL could not be retrieved</title>\n"
        f"</head><body id={code}>\n"
        "<h1>ERROR</h1>\n<h2>The requested URL could not be retrieved</h2>\n<hr>\n"
        "<p>The following error was encountered while trying to retrieve the URL: "
        f'<a href="{request.target}">{request.target}</a></p>\n'
        f'<blockquote id="error">\n<p><b>{what}</b></p>\n</blockquote>\n'
        f"{system}"
        "<p>The remote host or network may be down. Please try the request again.</p>\n"
        '<p>Your cache administrator is <a href="mailto:webmaster">webmaster</a>.</p>\n'
        f"<hr>\n<p>Generated {http_date(net.clock)} by {proxy.name} ({SQUID})</p>\n"
        f"<!-- {code} -->\n</body></html>\n"
    )
    headers = (
        ("Server", SQUID),
        ("Mime-Version", "1.0"),
        ("Date", http_date(net.clock)),
        ("Content-Type", "text/html;charset=utf-8"),
        ("Content-Length", str(len(body.encode()))),
        ("X-Squid-Error", f"{code} {number}"),
        ("Vary", "Accept-Language"),
        ("Content-Language", "en"),
        ("X-Cache", f"MISS from {proxy.name}"),
        ("X-Cache-Lookup", f"MISS from {proxy.name}:{listening_port(proxy)}"),
        ("Via", f"1.1 {proxy.name} ({SQUID})"),
        ("Connection", "keep-alive"),
    )
    response = Response(status, headers, body, proxy.name)
    _squid_log(net, proxy, client_address, request, response, "TCP_MISS", "-")
    return response


def _squid_log(net: Topology, proxy, client, request, response, tag, peer) -> None:
    stamp = f"{EPOCH.timestamp() + net.clock:.3f}"
    append_log(
        proxy,
        SQUID_LOG,
        f"{stamp}      0 {client} {tag}/{response.status} {len(response.body.encode())} "
        f"{request.method} {request.target} - HIER_DIRECT/{peer} text/html",
    )
