"""``curl``: HTTP requests over the simulated network, printed as curl 7.88.1 prints them on a
terminal (Debian 12).

Forms: ``curl URL``, ``-v``, ``-I``, ``-s``/``-S``, ``-x|--proxy URL``, ``-H 'Name: value'``,
``-X METHOD``, ``-m|--max-time N``, ``--connect-timeout N``, ``-k``, ``-o FILE``, ``--noproxy``,
and the ``http_proxy``/``https_proxy``/``no_proxy`` environment variables (``export``).

Exit statuses are curl's: 5 could not resolve proxy, 6 could not resolve host, 7 failed to
connect (refused, unreachable), 28 timeout, 60 certificate problem, 1 unsupported protocol,
2 usage error. An HTTP error status (404, 502) still exits 0.

On a terminal the verbose lines (``*``, ``>``, ``<``) and the body interleave; the simulator
keeps that order by printing them together on stdout. curl's own error line goes to stderr.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from netlearn.sim import files, http
from netlearn.sim.commands import command
from netlearn.sim.model import Host
from netlearn.sim.names import resolver
from netlearn.sim.result import Result

from .curl_args import HELP_HINT, CurlError, Options, Target, _target, parse

if TYPE_CHECKING:
    from netlearn.sim.topology import Topology

KERNEL_CONNECT_TIMEOUT_MS = 127_000  # SYN retries (tcp_syn_retries=6) give up after ~127 s
ARP_FAILURE_MS = 3_000  # the neighbour table gives up after ~3 s: "No route to host"

# The TLS 1.2 handshake curl 7.88.1 (OpenSSL 3.0) prints against nginx 1.22 (default protocols).
TLS_HANDSHAKE = (
    "* ALPN: offers h2,http/1.1",
    "* TLSv1.3 (OUT), TLS handshake, Client hello (1):",
    "*  CAfile: /etc/ssl/certs/ca-certificates.crt",
    "*  CApath: /etc/ssl/certs",
    "* TLSv1.3 (IN), TLS handshake, Server hello (2):",
    "* TLSv1.2 (IN), TLS handshake, Certificate (11):",
    "* TLSv1.2 (IN), TLS handshake, Server key exchange (12):",
    "* TLSv1.2 (IN), TLS handshake, Server finished (14):",
    "* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):",
    "* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):",
    "* TLSv1.2 (OUT), TLS handshake, Finished (20):",
    "* TLSv1.2 (IN), TLS handshake, Finished (20):",
    "* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384",
    "* ALPN: server accepted http/1.1",
)
CA_NAME = "NetLearn CA"


def _proxy_from_env(host: Host, target: Target, opts: Options) -> tuple[str | None, str | None]:
    """(proxy URL, the variable it came from); curl ignores upper-case HTTP_PROXY."""
    if opts.proxy is not None:
        return (opts.proxy or None), None
    names = ("http_proxy",) if target.scheme == "http" else ("https_proxy", "HTTPS_PROXY")
    noproxy = (
        opts.noproxy
        if opts.noproxy is not None
        else (host.env.get("no_proxy") or host.env.get("NO_PROXY") or "")
    )
    if _excluded(target.host, noproxy):
        return None, None
    for name in names:
        value = host.env.get(name)
        if value:
            return value, name
    return None, None


def _excluded(hostname: str, noproxy: str) -> bool:
    for entry in (e.strip().lstrip(".") for e in noproxy.split(",")):
        if entry == "*" or (entry and (hostname == entry or hostname.endswith("." + entry))):
            return True
    return False


def _connect(
    net: Topology,
    host: Host,
    name: str,
    port: int,
    opts: Options,
    lines: list[str],
    *,
    proxy: bool,
) -> http.Connection:
    """Resolve ``name`` and connect; raise CurlError as curl fails."""
    found = resolver.resolve_for_connect(net, host, name)
    if not found.ok:
        what = "proxy" if proxy else "host"
        code = 5 if proxy else 6
        raise CurlError(
            code,
            f"curl: ({code}) Could not resolve {what}: {name}",
            (f"* Could not resolve {what}: {name}", "* Closing connection 0"),
        )
    address = str(found.v4()[0])
    lines.append(f"*   Trying {address}:{port}...")
    conn = http.connect(net, host, address, port)
    if conn.kind == "connected":
        lines.append(f"* Connected to {name} ({address}) port {port} (#0)")
        return conn
    limit = opts.connect_timeout if opts.connect_timeout is not None else opts.max_time
    if conn.kind == "timeout" and limit is not None and limit * 1000 < KERNEL_CONNECT_TIMEOUT_MS:
        ms = int(limit * 1000)
        if opts.connect_timeout is not None:
            text = f"Failed to connect to {name} port {port} after {ms + 1} ms: Timeout was reached"
            raise CurlError(28, f"curl: (28) {text}", ("* Closing connection 0",))
        text = f"Connection timed out after {ms} milliseconds"
        raise CurlError(28, f"curl: (28) {text}", (f"* {text}", "* Closing connection 0"))
    if conn.kind == "unreachable":
        why, ms, code = f"* Immediate connect fail for {address}: Network is unreachable", 0, 7
    elif conn.kind == "no-route-to-host":
        why = f"* connect to {address} port {port} failed: No route to host"
        ms, code = ARP_FAILURE_MS, 7
    elif conn.kind == "net-unreachable":
        why = f"* connect to {address} port {port} failed: Network is unreachable"
        ms, code = 0, 7
    elif conn.kind == "timeout":
        why = f"* connect to {address} port {port} failed: Connection timed out"
        ms, code = KERNEL_CONNECT_TIMEOUT_MS, 28
    else:
        why, ms, code = f"* connect to {address} port {port} failed: Connection refused", 0, 7
    text = f"Failed to connect to {name} port {port} after {ms} ms: Couldn't connect to server"
    raise CurlError(code, f"curl: ({code}) {text}", (why, f"* {text}", "* Closing connection 0"))


def _tls(net: Topology, name: str, opts: Options, lines: list[str]) -> None:
    handshake = list(TLS_HANDSHAKE)
    if opts.cacert:
        handshake[2] = f"*  CAfile: {opts.cacert}"
    lines.extend(handshake)
    if resolver.numeric_address(name) is not None and not opts.insecure:
        text = f"SSL: no alternative certificate subject name matches target host name '{name}'"
        raise CurlError(
            60,
            f"curl: (60) {text}\n" + _CERT_ADVICE,
            (
                "* Server certificate:",
                f"*  subject: CN={name}",
                f"* {text}",
                "* Closing connection 0",
            ),
        )
    start = http.EPOCH
    expire = start.replace(year=start.year + 1)
    lines += [
        "* Server certificate:",
        f"*  subject: CN={name}",
        f"*  start date: {_cert_date(start)}",
        f"*  expire date: {_cert_date(expire)}",
        f'*  subjectAltName: host "{name}" matched cert\'s "{name}"',
        f"*  issuer: CN={CA_NAME}",
        "*  SSL certificate verify ok.",
        "* using HTTP/1.1",
    ]


_CERT_ADVICE = """More details here: https://curl.se/docs/sslcerts.html

curl failed to verify the legitimacy of the server and therefore could not
establish a secure connection to it. To learn more about this situation and
how to fix it, please visit the web page mentioned above."""


def _cert_date(moment: _dt.datetime) -> str:
    return moment.strftime("%b %d %H:%M:%S %Y GMT").replace(" 0", "  ", 1)


def request(net: Topology, host: Host, opts: Options, lines: list[str] | None = None):
    """Run the request: (verbose lines, response, journey); raises CurlError as curl fails.

    ``lines`` collects the verbose lines, also those printed before a failure.
    """
    assert opts.url is not None  # curl() and the http goal give a URL
    target = _target(opts.url)
    lines = [] if lines is None else lines
    journey = http.Journey()
    proxy_url, variable = _proxy_from_env(host, target, opts)
    method = opts.method or ("HEAD" if opts.head else "GET")
    headers = [("Host", _host_header(target)), ("User-Agent", http.CURL_AGENT), ("Accept", "*/*")]
    for key, value in opts.headers:
        headers = [h for h in headers if h[0].lower() != key.lower()]
        if value:
            headers.append((key, value))
    headers.sort(key=lambda h: {"host": 0, "user-agent": 1, "accept": 2}.get(h[0].lower(), 3))
    if proxy_url:
        if variable:
            lines.append(f"* Uses proxy env variable {variable} == '{proxy_url}'")
        proxy = urlsplit(proxy_url if "://" in proxy_url else f"http://{proxy_url}")
        try:
            proxy_port = proxy.port or 1080
        except ValueError:
            proxy_port = 1080
        proxy_name = proxy.hostname or ""
        conn = _connect(net, host, proxy_name, proxy_port, opts, lines, proxy=True)
        if target.scheme == "https":
            return _tunnel(net, host, conn, target, method, headers, opts, lines, journey)
        wire = http.Request(
            method, _absolute(target), (*headers, ("Proxy-Connection", "Keep-Alive"))
        )
        response = _exchange(net, conn, wire, journey, lines, tls=False)
        return lines, response, journey
    conn = _connect(net, host, target.host, target.port, opts, lines, proxy=False)
    tls = target.scheme == "https"
    if tls:
        if http.listening_ports(conn.peer).get(target.port) != "reverse-tls":
            raise CurlError(
                35,
                "curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
                (
                    "* ALPN: offers h2,http/1.1",
                    "* TLSv1.3 (OUT), TLS handshake, Client hello (1):",
                    "* Closing connection 0",
                ),
            )
        _tls(net, target.host, opts, lines)
    wire = http.Request(method, target.path, tuple(headers))
    response = _exchange(net, conn, wire, journey, lines, tls=tls)
    return lines, response, journey


def _absolute(target: Target) -> str:
    port = "" if target.port == 80 else f":{target.port}"
    return f"http://{target.host}{port}{target.path}"


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    return target.host if target.port == default else f"{target.host}:{target.port}"


def _tunnel(net: Topology, host: Host, conn, target, method, headers, opts, lines, journey):
    """https through a forward proxy: CONNECT, then TLS with the origin through the tunnel."""
    authority = f"{target.host}:{target.port}"
    lines += [
        "* allocate connect buffer",
        f"* Establish HTTP proxy tunnel to {authority}",
        f"> CONNECT {authority} HTTP/1.1",
        f"> Host: {authority}",
        f"> User-Agent: {http.CURL_AGENT}",
        "> Proxy-Connection: Keep-Alive",
        "> ",
    ]
    proxy = conn.peer
    if http.listening_ports(proxy).get(conn.port) != "forward":
        raise CurlError(56, "curl: (56) Proxy CONNECT aborted", ("* Closing connection 0",))
    journey.proxies.append(proxy.name)
    inner, refusal = http.connect_tunnel(net, proxy, conn.source, target.host, target.port)
    if refusal is not None:
        lines.append(f"< {refusal.status_line}")
        lines += [f"< {k}: {v}" for k, v in refusal.headers]
        lines.append("< ")
        raise CurlError(
            56,
            "curl: (56) CONNECT tunnel failed, response 503",
            ("* CONNECT tunnel failed, response 503", "* Closing connection 0"),
        )
    lines += [
        "< HTTP/1.1 200 Connection established",
        "< ",
        "* CONNECT phase completed",
        "* CONNECT tunnel established, response 200",
    ]
    assert inner is not None  # the tunnel was established
    if http.listening_ports(inner.peer).get(target.port) != "reverse-tls":
        raise CurlError(
            35,
            "curl: (35) OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number",
            ("* Closing connection 0",),
        )
    _tls(net, target.host, opts, lines)
    wire = http.Request(method, target.path, tuple(headers))
    response = _exchange(net, inner, wire, journey, lines, tls=True)
    return lines, response, journey


def _exchange(net: Topology, conn, wire, journey, lines, *, tls: bool) -> http.Response:
    lines.append(f"> {wire.method} {wire.target} HTTP/1.1")
    lines += [f"> {k}: {v}" for k, v in wire.headers]
    lines.append("> ")
    response = http.serve(net, conn.peer, conn.source, wire, journey, tls=tls, port=conn.port)
    lines.append(f"< {response.status_line}")
    lines += [f"< {k}: {v}" for k, v in response.headers]
    lines.append("< ")
    return response


@command("curl")
def curl(argv: list[str], host: Host, net: Topology) -> Result:
    lines: list[str] = []
    opts = Options()
    try:
        opts = parse(argv)
        if opts.url is None:
            raise CurlError(
                2, HELP_HINT if len(argv) == 1 else f"curl: no URL specified!\n{HELP_HINT}"
            )
        _, response, _ = request(net, host, opts, lines)
    except CurlError as exc:
        return _failure(exc, lines, opts)
    out: list[str] = list(lines) if opts.verbose else []
    body = "" if opts.head or opts.method == "HEAD" else response.body
    if opts.head and not opts.verbose:
        out += [response.status_line, *(f"{k}: {v}" for k, v in response.headers), ""]
    text = "".join(line + "\n" for line in out)
    if not _save(host, opts.output, body):
        return Result(text, "curl: (23) Failure writing output to destination\n", 23)
    if not opts.output or opts.output == "-":
        text += body
    if opts.verbose:
        where = _proxy_name(host, opts) or _target(opts.url).host
        text += f"* Connection #0 to host {where} left intact\n"
    return Result(text, "", 0)


def _failure(exc: CurlError, lines: list[str], opts: Options) -> Result:
    """curl's error line (none with -s unless -S), after the verbose lines with -v."""
    verbose = [*lines, *exc.verbose] if opts.verbose else []
    message = exc.message if exc.message.endswith("\n") else exc.message + "\n"
    if opts.silent and not opts.show_error:
        message = ""
    return Result("".join(line + "\n" for line in verbose), message, exc.code)


def _save(host: Host, output: str | None, body: str) -> bool:
    """-o FILE: the body goes to the file (not the terminal); False when it cannot be written."""
    if not output or output in ("-", "/dev/null"):
        return True
    try:
        files.write(host, output, body)
    except files.FileError:
        return False
    return True


def _proxy_name(host: Host, opts: Options) -> str | None:
    try:
        target = _target(opts.url or "")
    except CurlError:
        return None
    proxy_url, _ = _proxy_from_env(host, target, opts)
    if not proxy_url:
        return None
    return urlsplit(proxy_url if "://" in proxy_url else f"http://{proxy_url}").hostname
