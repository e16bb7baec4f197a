"""HTTP over the simulated network: origin servers, reverse proxies and forward proxies.

A host's ``http`` key (kept in ``host.services["http"]``) says what it runs::

    http: {origin: true}                                   # nginx serving "Hello from <host>"
    http: {reverse_proxy: {upstreams: [192.165.2.10, 192.165.2.11], cache: true, tls: true}}
    http: {forward_proxy: {port: 3128}}                    # squid

The servers behave like nginx 1.22 (origin and reverse proxy) and squid 5.7 (forward proxy) on
Debian 12: the same status lines, headers and error pages. Every request an nginx host answers is
appended to its access log, ``/var/log/nginx/access.log``, in nginx's ``main`` log format (which
ends with ``"$http_x_forwarded_for"``), so a learner can ``cat`` it and see which client address
the server saw. Squid logs to ``/var/log/squid/access.log``.

A connection is a TCP round trip over the simulated network (``names.transport``): no route is
"Network is unreachable", a lost packet a timeout, a host with nothing listening on the port a
refusal.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from ipaddress import ip_address
from urllib.parse import urlsplit

from netlearn.sim.budget import spend
from netlearn.sim.commands import decimal
from netlearn.sim.errors import ScenarioError
from netlearn.sim.limits import MAX_FILE
from netlearn.sim.names import resolver
from netlearn.sim.names.transport import round_trip

HOST_UNREACHABLE = "Destination Host Unreachable"
NET_UNREACHABLE = "Destination Net Unreachable"

NGINX = "nginx/1.22.1"
SQUID = "squid/5.7"
CURL_AGENT = "curl/7.88.1"
ACCESS_LOG = "/var/log/nginx/access.log"
SQUID_LOG = "/var/log/squid/access.log"
DEFAULT_CACHE_TTL = 60  # seconds (nginx: proxy_cache_valid 200 1m)
MAX_UPSTREAMS = 16
MAX_PROXY_HOPS = 8  # proxies chained behind one another
EPOCH = _dt.datetime(2026, 11, 28, 15, 27, 20, tzinfo=_dt.UTC)

HTTP_KEYS = ("origin", "reverse_proxy", "forward_proxy")
REVERSE_KEYS = ("upstreams", "cache", "tls", "port")
FORWARD_KEYS = ("port",)

REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Time-out",
}


# -- configuration ---------------------------------------------------------------------------


def load_http(path: str, data: object) -> dict:
    """Validate a scenario's ``hosts.X.http`` mapping; return what goes in ``services["http"]``."""
    if not isinstance(data, dict):
        raise ScenarioError(path, "must be a mapping with origin, reverse_proxy or forward_proxy")
    for key in data:
        if key not in HTTP_KEYS:
            raise ScenarioError(
                f"{path}.{key}", f"unknown key (expected one of {', '.join(HTTP_KEYS)})"
            )
    out: dict = {"origin": False, "reverse_proxy": None, "forward_proxy": None}
    origin = data.get("origin", False)
    if not isinstance(origin, bool):
        raise ScenarioError(f"{path}.origin", "must be true or false")
    out["origin"] = origin
    if data.get("reverse_proxy") is not None:
        out["reverse_proxy"] = _load_reverse(f"{path}.reverse_proxy", data["reverse_proxy"])
    if data.get("forward_proxy") is not None:
        out["forward_proxy"] = _load_forward(f"{path}.forward_proxy", data["forward_proxy"])
    if out["origin"] and out["reverse_proxy"]:
        raise ScenarioError(path, "a host is either an origin or a reverse proxy on port 80")
    if not (out["origin"] or out["reverse_proxy"] or out["forward_proxy"]):
        raise ScenarioError(path, "say what the host runs: origin, reverse_proxy or forward_proxy")
    out["next_upstream"] = 0
    out["cache"] = {}
    return out


def _load_reverse(path: str, data: object) -> dict:
    if not isinstance(data, dict):
        raise ScenarioError(path, "must be a mapping with upstreams (and cache, tls)")
    for key in data:
        if key not in REVERSE_KEYS:
            raise ScenarioError(
                f"{path}.{key}", f"unknown key (expected {', '.join(REVERSE_KEYS)})"
            )
    upstreams = data.get("upstreams")
    if isinstance(upstreams, str):
        upstreams = [upstreams]
    if not isinstance(upstreams, list) or not upstreams:
        raise ScenarioError(f"{path}.upstreams", "needs a list of upstream addresses")
    if len(upstreams) > MAX_UPSTREAMS:
        raise ScenarioError(f"{path}.upstreams", f"at most {MAX_UPSTREAMS} upstreams")
    clean = []
    for i, item in enumerate(upstreams):
        host, _, port = str(item).partition(":")
        try:
            ip_address(host)
        except ValueError:
            raise ScenarioError(
                f"{path}.upstreams[{i}]", f"{item!r} is not an IPv4 address (optionally :port)"
            ) from None
        if port and not (decimal(port) and 0 < int(port) < 65536):
            raise ScenarioError(f"{path}.upstreams[{i}]", f"{port!r} is not a port")
        clean.append(str(item))
    cache = data.get("cache", False)
    if isinstance(cache, dict):
        ttl = cache.get("ttl", DEFAULT_CACHE_TTL)
        if not isinstance(ttl, int) or isinstance(ttl, bool) or not 0 < ttl <= 86400:
            raise ScenarioError(f"{path}.cache.ttl", "must be a number of seconds (1-86400)")
        cache = ttl
    elif cache is True:
        cache = DEFAULT_CACHE_TTL
    elif cache is False:
        cache = 0
    else:
        raise ScenarioError(f"{path}.cache", "must be true, false or {ttl: SECONDS}")
    tls = data.get("tls", False)
    if not isinstance(tls, bool):
        raise ScenarioError(f"{path}.tls", "must be true or false")
    return {"upstreams": clean, "cache_ttl": cache, "tls": tls}


def _load_forward(path: str, data: object) -> dict:
    if data is True:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(path, "must be a mapping (port: 3128)")
    for key in data:
        if key not in FORWARD_KEYS:
            raise ScenarioError(f"{path}.{key}", "unknown key (expected port)")
    port = data.get("port", 3128)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ScenarioError(f"{path}.port", "must be a TCP port number")
    return {"port": port}


def http_config(host) -> dict | None:  # noqa: ANN001
    data = host.services.get("http")
    if data is None:
        return None
    if "next_upstream" not in data:  # straight from a scenario: validate and normalise once
        try:
            data = host.services["http"] = load_http(f"hosts.{host.name}.http", data)
        except ScenarioError:
            return None  # a server that does not start (validate_services reports why)
    return data


def listening_ports(host) -> dict[int, str]:  # noqa: ANN001
    """TCP port -> what answers there ("origin", "reverse", "reverse-tls", "forward")."""
    config = http_config(host)
    ports: dict[int, str] = {}
    if config is None:
        return ports
    if config["origin"]:
        ports[80] = "origin"
    reverse = config["reverse_proxy"]
    if reverse:
        ports[80] = "reverse"
        if reverse["tls"]:
            ports[443] = "reverse-tls"
    forward = config["forward_proxy"]
    if forward:
        ports[forward["port"]] = "forward"
    return ports


# -- messages --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    target: str  # "/" or an absolute URI (to a forward proxy)
    headers: tuple[tuple[str, str], ...]
    version: str = "1.1"  # nginx speaks HTTP/1.0 to its upstreams (proxy_http_version)

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def with_header(self, name: str, value: str) -> Request:
        kept = tuple((k, v) for k, v in self.headers if k.lower() != name.lower())
        return replace(self, headers=(*kept, (name, value)))


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: str
    served_by: str | None = None  # the host whose server produced the body

    @property
    def status_line(self) -> str:
        return f"HTTP/1.1 {self.status} {REASONS.get(self.status, '')}".rstrip()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass(slots=True)
class Journey:
    """What happened to one request, for checks and the UI."""

    proxies: list[str] = field(default_factory=list)  # hosts the request went through
    origin: str | None = None  # the host that served the page
    origin_saw: str | None = None  # the client address the origin saw
    forwarded_for: str | None = None  # X-Forwarded-For as the origin received it
    cache: str | None = None  # HIT or MISS at a caching proxy


def http_date(clock: float) -> str:
    moment = EPOCH + _dt.timedelta(seconds=int(clock))
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def _log_time(clock: float) -> str:
    moment = EPOCH + _dt.timedelta(seconds=int(clock))
    return moment.strftime("%d/%b/%Y:%H:%M:%S +0000")


def wire_length(body: str) -> int:
    """Bytes of a body on the wire. nginx's own pages end their lines with CRLF; the simulator
    keeps them as text lines (a terminal shows them the same), so their CRs are counted here."""
    length = len(body.encode())
    if body.startswith("<html>\n<head><title>"):
        length += body.count("\n")
    return length


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


def append_log(host, path: str, line: str) -> None:  # noqa: ANN001
    """Append one line to a log file in the host's files, dropping the oldest past MAX_FILE."""
    text = host.files.get(path, "") + line + "\n"
    if len(text) > MAX_FILE:  # keep whole lines: cut after the first newline past the excess
        cut = text.find("\n", len(text) - MAX_FILE - 1)
        text = text[cut + 1 :] if cut >= 0 else ""
    host.files[path] = text


def _access_log(net, host, client: str, request: Request, response: Response) -> None:  # noqa: ANN001
    target = urlsplit(request.target).path or "/" if "://" in request.target else request.target
    size = 0 if request.method == "HEAD" else wire_length(response.body)
    xff = request.header("X-Forwarded-For") or "-"
    agent = request.header("User-Agent") or "-"
    append_log(
        host,
        ACCESS_LOG,
        f'{client} - - [{_log_time(net.clock)}] "{request.method} {target} '
        f'HTTP/{request.version}" '
        f'{response.status} {size} "-" "{agent}" "{xff}"',
    )


# -- connections -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Connection:
    """A TCP connection attempt. ``kind``: connected | unreachable | no-route-to-host | timeout |
    refused."""

    kind: str
    address: str
    port: int
    server: object | None = None  # the Host that accepted
    client_address: str | None = None  # the source address the server sees
    detail: str = ""


def connect(net, client, address: str, port: int) -> Connection:  # noqa: ANN001
    there, back = round_trip(net, client, ip_address(address))
    if there.kind == "no-route":
        return Connection("unreachable", address, port)
    if there.kind == "lost":
        # An ICMP error that comes back fails a TCP connect at once (tcp_v4_err in SYN_SENT).
        kinds = {HOST_UNREACHABLE: "no-route-to-host", NET_UNREACHABLE: "net-unreachable"}
        kind = kinds.get(there.icmp, "timeout")
        if there.icmp is None and there.cause == "no-arp-reply":
            kind = "timeout"
        return Connection(kind, address, port, detail=there.detail)
    if back is None or back.kind in ("no-route", "lost"):
        detail = (back.detail if back else "") or f"{there.host.name} cannot answer"
        return Connection("timeout", address, port, detail=detail)
    server = there.host
    source = str(there.src) if there.src is not None else address
    if port not in listening_ports(server):
        return Connection("refused", address, port, server, source)
    return Connection("connected", address, port, server, source)


# -- servers ---------------------------------------------------------------------------------


def serve(
    net,
    server,
    client_address: str,
    request: Request,
    journey: Journey,
    *,
    tls: bool,
    port: int,
    depth: int = 0,
) -> Response:  # noqa: ANN001
    """The response ``server`` gives to ``request`` arriving from ``client_address``."""
    role = listening_ports(server).get(port)
    if role == "forward":
        return _forward_proxy(net, server, client_address, request, journey, depth)
    if role in ("reverse", "reverse-tls"):
        return _reverse_proxy(net, server, client_address, request, journey, tls, depth)
    return _origin(net, server, client_address, request, journey)


def _origin(net, server, client_address, request, journey) -> Response:  # noqa: ANN001
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


def _reverse_proxy(net, proxy, client_address, request, journey, tls, depth) -> Response:  # noqa: ANN001
    config = http_config(proxy)["reverse_proxy"]
    journey.proxies.append(proxy.name)
    state = http_config(proxy)
    # nginx's default key is the proxied URL (scheme and host of the upstream group, then the
    # request URI): the same page over http and https shares one cache entry.
    key = request.target
    ttl = config["cache_ttl"]
    if ttl and request.method in ("GET", "HEAD"):
        entry = state["cache"].get(key)
        if entry is not None and net.clock < entry["expires"]:
            journey.cache = "HIT"
            journey.origin = entry["served_by"]
            # the page was fetched earlier, by this proxy: that is what the origin saw
            journey.origin_saw = entry.get("origin_saw")
            journey.forwarded_for = entry.get("forwarded_for")
            response = Response(
                entry["status"],
                tuple((k, v) for k, v in entry["headers"]) + (("X-Cache", "HIT"),),
                entry["body"],
                entry["served_by"],
            )
            response = _restamp(net, response)
            _access_log(net, proxy, client_address, request, response)
            return response
    xff = request.header("X-Forwarded-For")
    upstream_request = replace(
        request.with_header(
            "X-Forwarded-For", f"{xff}, {client_address}" if xff else client_address
        ),
        version="1.0",
        # proxy_cache_convert_head: a cached HEAD is fetched as a GET
        method="GET" if ttl and request.method == "HEAD" else request.method,
    )
    upstreams = config["upstreams"]
    response = None
    for attempt in range(len(upstreams)):
        spend(1, "passing an HTTP request through proxies")
        index = (state["next_upstream"] + attempt) % len(upstreams)
        host_part, _, port_part = upstreams[index].partition(":")
        port = int(port_part) if port_part else 80
        conn = connect(net, proxy, host_part, port)
        if conn.kind != "connected" or depth >= MAX_PROXY_HOPS:
            continue  # nginx's proxy_next_upstream: error timeout
        state["next_upstream"] = (index + 1) % len(upstreams)
        response = serve(
            net,
            conn.server,
            conn.client_address,
            upstream_request,
            journey,
            tls=False,
            port=port,
            depth=depth + 1,
        )
        break
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
            headers = _with_x_cache(headers, "MISS")
    response = Response(response.status, tuple(headers), response.body, response.served_by)
    _access_log(net, proxy, client_address, request, response)
    return response


def _adds_headers(status: int) -> bool:
    """nginx's ``add_header`` (without ``always``) applies to these statuses only."""
    return status in (200, 201, 204, 206, 301, 302, 303, 304, 307, 308)


def _restamp(net, response: Response) -> Response:  # noqa: ANN001
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


def _with_x_cache(headers, value: str) -> tuple[tuple[str, str], ...]:  # noqa: ANN001
    """nginx's ``add_header X-Cache`` lands before Accept-Ranges (the static module's last)."""
    headers = [tuple(h) for h in headers if h[0] != "X-Cache"]
    at = next((i for i, h in enumerate(headers) if h[0] == "Accept-Ranges"), len(headers))
    return (*headers[:at], ("X-Cache", value), *headers[at:])


def _forward_proxy(net, proxy, client_address, request, journey, depth) -> Response:  # noqa: ANN001
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
    response = serve(
        net, conn.server, conn.client_address, inner, journey, tls=False, port=port, depth=depth + 1
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


def connect_tunnel(net, proxy, client_address: str, host: str, port: int):  # noqa: ANN001, ANN201
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


def listening_port(proxy) -> int:  # noqa: ANN001
    forward = http_config(proxy)["forward_proxy"]
    return forward["port"] if forward else 3128


_ERRNO = {
    "refused": (111, "Connection refused"),
    "timeout": (110, "Connection timed out"),
    "no-route-to-host": (113, "No route to host"),
    "net-unreachable": (101, "Network is unreachable"),
    "unreachable": (101, "Network is unreachable"),
}


def _squid_error(
    net,
    proxy,
    status,
    code,
    request,
    client_address,
    what,
    errno,  # noqa: ANN001
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


def _squid_log(net, proxy, client, request, response, tag, peer) -> None:  # noqa: ANN001
    stamp = f"{EPOCH.timestamp() + net.clock:.3f}"
    append_log(
        proxy,
        SQUID_LOG,
        f"{stamp}      0 {client} {tag}/{response.status} {len(response.body.encode())} "
        f"{request.method} {request.target} - HIER_DIRECT/{peer} text/html",
    )
