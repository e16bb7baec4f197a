"""HTTP messages and their wire details: requests, responses, dates, lengths, log lines.

The servers behave like nginx 1.22 (origin and reverse proxy, ``nginx.py``) and squid 5.7
(forward proxy, ``squid.py``) on Debian 12; this module holds what both put on the wire.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from netlearn.sim.limits import MAX_FILE

if TYPE_CHECKING:
    from netlearn.sim.model import Host

HOST_UNREACHABLE = "Destination Host Unreachable"
NET_UNREACHABLE = "Destination Net Unreachable"

NGINX = "nginx/1.22.1"
SQUID = "squid/5.7"
CURL_AGENT = "curl/7.88.1"
ACCESS_LOG = "/var/log/nginx/access.log"
SQUID_LOG = "/var/log/squid/access.log"
EPOCH = _dt.datetime(2026, 11, 28, 15, 27, 20, tzinfo=_dt.UTC)

REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Time-out",
}


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


def log_time(clock: float) -> str:
    moment = EPOCH + _dt.timedelta(seconds=int(clock))
    return moment.strftime("%d/%b/%Y:%H:%M:%S +0000")


def wire_length(body: str) -> int:
    """Bytes of a body on the wire. nginx's own pages end their lines with CRLF; the simulator
    keeps them as text lines (a terminal shows them the same), so their CRs are counted here."""
    length = len(body.encode())
    if body.startswith("<html>\n<head><title>"):
        length += body.count("\n")
    return length


def append_log(host: Host, path: str, line: str) -> None:
    """Append one line to a log file in the host's files, dropping the oldest past MAX_FILE."""
    text = host.files.get(path, "") + line + "\n"
    if len(text) > MAX_FILE:  # keep whole lines: cut after the first newline past the excess
        cut = text.find("\n", len(text) - MAX_FILE - 1)
        text = text[cut + 1 :] if cut >= 0 else ""
    host.files[path] = text
