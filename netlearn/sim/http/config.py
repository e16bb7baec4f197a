"""What a host's ``http`` key runs: validated from the scenario, kept in ``services["http"]``.

http: {origin: true}                                   # nginx serving "Hello from <host>"
http: {reverse_proxy: {upstreams: [192.165.2.10, 192.165.2.11], cache: true, tls: true}}
http: {forward_proxy: {port: 3128}}                    # squid
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import TYPE_CHECKING

from netlearn.sim.errors import ScenarioError
from netlearn.sim.parsing import decimal

if TYPE_CHECKING:
    from netlearn.sim.model import Host

DEFAULT_CACHE_TTL = 60  # seconds (nginx: proxy_cache_valid 200 1m)
MAX_UPSTREAMS = 16

HTTP_KEYS = ("origin", "reverse_proxy", "forward_proxy")
REVERSE_KEYS = ("upstreams", "cache", "tls", "port")
FORWARD_KEYS = ("port",)


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


def http_config(host: Host) -> dict | None:
    data = host.services.get("http")
    if data is None:
        return None
    if "next_upstream" not in data:  # straight from a scenario: validate and normalise once
        try:
            data = host.services["http"] = load_http(f"hosts.{host.name}.http", data)
        except ScenarioError:
            return None  # a server that does not start (the scenario loader reports why)
    return data


def listening_ports(host: Host) -> dict[int, str]:
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


def listening_port(proxy: Host) -> int:
    config = http_config(proxy)
    assert config is not None  # asked of a running forward proxy only
    forward = config["forward_proxy"]
    return forward["port"] if forward else 3128
