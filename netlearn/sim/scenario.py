"""Scenario validation: a YAML-shaped mapping -> Network. Every error names its path.

>>> try:
...     build({"hosts": {"R": {"interfaces": {"eth1": {"address": "10.0.0.300/24"}}}}}, Topology())
... except ScenarioError as error:
...     print(error)
hosts.R.interfaces.eth1.address: '10.0.0.300/24' is not an IPv4 interface
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from ipaddress import IPv4Interface
from typing import Any, TypeVar

from . import budget, files
from .commands.ip_route import add_route
from .errors import CommandError, ScenarioError
from .http import load_http
from .limits import (
    MAX_ADDRESSES,
    MAX_FILE,
    MAX_HOSTS,
    MAX_IFNAME,
    MAX_INTERFACES,
    MAX_NAME,
    MAX_SCENARIO_BYTES,
    MAX_SCENARIO_ROUTES,
    MAX_SEGMENTS,
    MAX_STATE_BYTES,
)
from .model import Host, Segment
from .names.service import load_dns
from .topology import Topology

TOP_KEYS = {"segments", "hosts", "description", "title"}
HOST_KEYS = {
    "interfaces", "forwarding", "routes", "hosts_file", "resolv_conf", "hostname", "dns",
    "http", "files",
}  # fmt: skip
IFACE_KEYS = {"segment", "address", "addresses", "mac", "up"}
# Host keys that write an /etc file, in the order they are read.
ETC_FILES = {
    "hostname": "/etc/hostname",
    "hosts_file": "/etc/hosts",
    "resolv_conf": "/etc/resolv.conf",
}
# Service keys go to host.services[key], validated by their module's loader when it exists
# (it raises ScenarioError with the path and returns the JSON kept in services).
SERVICE_LOADERS: dict[str, Callable[[str, dict], dict]] = {"dns": load_dns, "http": load_http}

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
IFNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
MAC = re.compile(r"^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")


def _mapping(value: Any, path: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ScenarioError(path, f"expected a mapping, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return {
        str: "a string",
        int: "a number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _unknown_keys(data: dict, allowed: set[str], path: str) -> None:
    for key in data:
        if key not in allowed:
            # An empty or blank key is shown quoted, so the error still points somewhere.
            shown = key if isinstance(key, str) and key.strip() == key and key else repr(key)
            where = f"{path}.{shown}" if path else shown
            raise ScenarioError(
                where, f"unknown key (expected one of: {', '.join(sorted(allowed))})"
            )


def _name(value: Any, path: str, what: str, pattern=NAME, limit: int = MAX_NAME) -> str:
    if not isinstance(value, str) or not pattern.match(value) or len(value) > limit:
        raise ScenarioError(
            path,
            f"{value!r} is not a valid {what} name (letters, digits, '.', '-', '_'; "
            f"at most {limit} characters)",
        )
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise ScenarioError(path, f"expected text, got {_kind(value)}")
    if len(value) > MAX_FILE:
        raise ScenarioError(path, f"longer than {MAX_FILE} characters")
    if value and not value.endswith("\n"):
        value += "\n"
    return value


def check_size(data: Any) -> int:
    """JSON bytes of ``data`` with every YAML alias expanded; ScenarioError naming the largest
    part past ``MAX_SCENARIO_BYTES`` (a 64 KB text aliased on many hosts is as large as the
    copies it stands for: each learner's workspace stores them all)."""
    try:
        sizes = budget.measure(data)
    except ValueError:
        raise ScenarioError("scenario", "a value contains itself") from None
    if sizes.size <= MAX_SCENARIO_BYTES:
        return sizes.size
    where, part, count = _largest_part(data, sizes.sizes)
    spread = f" over {count} hosts" if count > 1 else ""
    raise ScenarioError(
        "",
        f"the scenario is {human_bytes(sizes.size)} of JSON once its YAML aliases are expanded; "
        f"the simulator accepts at most {human_bytes(MAX_SCENARIO_BYTES)}. Most of it is "
        f"{where} ({human_bytes(part)}{spread}): keep large texts and route lists on the hosts "
        "that need them, or make them shorter",
    )


def _largest_part(data: dict, sizes: dict[int, int]) -> tuple[str, int, int]:
    """The key holding most of the scenario, hosts' keys summed over every host
    (``hosts.*.routes``): (where, bytes, hosts)."""
    parts: dict[str, list[int]] = {}
    for key, value in data.items():
        if key == "hosts" and isinstance(value, dict):
            for host in value.values():
                for hkey, hvalue in host.items() if isinstance(host, dict) else ():
                    part = parts.setdefault(f"hosts.*.{hkey}", [0, 0])
                    part[0] += sizes[id(hvalue)]
                    part[1] += 1
        else:
            parts[str(key)] = [sizes[id(value)], 1]
    where, (size, count) = max(parts.items(), key=lambda item: item[1][0])
    return where, size, count


def human_bytes(n: int) -> str:
    """
    >>> human_bytes(512), human_bytes(262144), human_bytes(245_000_000)
    ('512 bytes', '256 KB', '233.7 MB')
    """
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


NetT = TypeVar("NetT", bound=Topology)
# A route as the scenario gives it: (host, its path for errors, `ip route add` arguments).
RouteSpec = tuple[Host, str, Any]


def build(data: Any, net: NetT) -> NetT:
    """Validate ``data`` (e.g. ``yaml.safe_load`` of a scenario) and build it into ``net``
    (an empty ``Network``: the facade passes itself, so this layer never imports it).
    Routes are added last, once every host is built."""
    data = _mapping(data, "scenario")
    check_size(data)
    _unknown_keys(data, TOP_KEYS, "")
    _segments(net, data.get("segments"))
    hosts = _mapping(data.get("hosts"), "hosts")
    if not hosts:
        raise ScenarioError("hosts", "a scenario needs at least one host")
    if len(hosts) > MAX_HOSTS:
        raise ScenarioError("hosts", f"at most {MAX_HOSTS} hosts")
    routes: list[RouteSpec] = []
    for hname, hdata in hosts.items():
        budget.spend(1, "loading hosts")
        routes += _host(net, hname, hdata)
    for host, where, spec in routes:
        budget.spend(1, f"adding the scenario's {len(routes)} routes")
        _route(host, where, spec)
    check_state_size(net)
    return net


def _list(value: Any, path: str, limit: int, noun: str, expected: str = "a list") -> list:
    """``value`` as a list of at most ``limit`` items (absent or empty: none)."""
    value = value or []
    if not isinstance(value, list):
        raise ScenarioError(path, f"expected {expected}, got {_kind(value)}")
    if len(value) > limit:
        raise ScenarioError(path, f"at most {limit} {noun}")
    return value


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(path, f"expected true or false, got {value!r}")
    return value


def _segments(net: Topology, segments: Any) -> None:
    segments = _list(segments, "segments", MAX_SEGMENTS, "segments", "a list of segment names")
    for k, seg in enumerate(segments):
        name = _name(seg, f"segments[{k}]", "segment")
        if name in net.segments:
            raise ScenarioError(f"segments[{k}]", f"segment {name!r} is listed twice")
        net.segments[name] = Segment(name)


def _host(net: Topology, hname: Any, hdata: Any) -> list[RouteSpec]:
    """Add one host with its interfaces, files and services; its routes, to add later."""
    path = f"hosts.{hname}"
    _name(hname, path, "host")
    hdata = _mapping(hdata, path)
    _unknown_keys(hdata, HOST_KEYS, path)
    host = net.add_host(hname)
    host.files.update(files.default_files(hname))
    _interfaces(net, host, _mapping(hdata.get("interfaces"), f"{path}.interfaces"), path)
    host.forwarding = _bool(hdata.get("forwarding", False), f"{path}.forwarding")
    _host_files(host, hdata, path)
    for key, loader in SERVICE_LOADERS.items():
        if key in hdata:
            where = f"{path}.{key}"
            host.services[key] = _service(loader, where, _mapping(hdata[key], where))
    routes = _list(hdata.get("routes"), f"{path}.routes", MAX_SCENARIO_ROUTES, "routes")
    return [(host, f"{path}.routes[{k}]", r) for k, r in enumerate(routes)]


def _host_files(host: Host, hdata: dict, path: str) -> None:
    """The /etc files named by their own keys, then ``files`` (any absolute path)."""
    for key, fpath in ETC_FILES.items():
        if key in hdata:
            host.files[fpath] = _text(hdata[key], f"{path}.{key}")
    for fpath, text in _mapping(hdata.get("files"), f"{path}.files").items():
        where = f"{path}.files.{fpath}"
        if not isinstance(fpath, str) or not fpath.startswith("/"):
            raise ScenarioError(where, "file paths must be absolute")
        try:
            files.write(host, fpath, _text(text, where))
        except files.FileError as exc:
            raise ScenarioError(where, exc.reason) from None


def _route(host: Host, where: str, spec: Any) -> None:
    """``spec`` (`ip route add` arguments, one string or a list of words) added to ``host``;
    `ip`'s first error line becomes the ScenarioError."""
    if isinstance(spec, str):
        try:
            argv = shlex.split(spec)
        except ValueError as exc:
            raise ScenarioError(where, str(exc)) from None
    elif isinstance(spec, list) and all(isinstance(w, str) for w in spec):
        argv = list(spec)
    else:
        raise ScenarioError(where, "a route is `ip route add` arguments, as one string")
    try:
        add_route(host, argv)
    except CommandError as exc:
        message = exc.stderr.strip().splitlines()[0] if exc.stderr.strip() else "invalid"
        if message.startswith("Usage:"):
            message = "a route needs a destination (e.g. '192.165.2.0/24 via 192.165.1.1')"
        raise ScenarioError(where, message) from None


def check_state_size(net: Topology) -> None:
    """The network as every learner's workspace stores it must fit ``MAX_STATE_BYTES``: a
    route is ~35 bytes in a scenario and ~130 in the state, and every host brings its default
    files, so a scenario within its own bound can still build a network past this one."""
    size = net.state_bytes()
    if size <= MAX_STATE_BYTES:
        return
    state = net.to_dict()
    where, part, count = _largest_part(state, budget.measure(state).sizes)
    spread = f" over {count} hosts" if count > 1 else ""
    raise ScenarioError(
        "",
        f"the network this scenario builds takes {human_bytes(size)} of JSON in each learner's "
        f"workspace; the simulator keeps at most {human_bytes(MAX_STATE_BYTES)}. Most of it is "
        f"{where} ({human_bytes(part)}{spread}): use fewer hosts or routes",
    )


def _service(load: Callable[[str, dict], dict], path: str, data: dict) -> dict:
    try:
        return load(path, data)
    except ScenarioError:
        raise
    except (TypeError, ValueError, KeyError) as exc:
        raise ScenarioError(path, f"invalid: {exc}") from None


def _interfaces(net: Topology, host: Host, ifaces: dict, hpath: str) -> None:
    if len(ifaces) + 1 > MAX_INTERFACES:
        raise ScenarioError(f"{hpath}.interfaces", f"at most {MAX_INTERFACES - 1} interfaces")
    for iname, idata in ifaces.items():
        _interface(net, host, iname, idata, f"{hpath}.interfaces.{iname}")


def _interface(net: Topology, host: Host, iname: Any, idata: Any, path: str) -> None:
    _name(iname, path, "interface", IFNAME, MAX_IFNAME)
    if iname == "lo":
        raise ScenarioError(path, "lo is created automatically (127.0.0.1/8, up)")
    idata = _mapping(idata, path)
    _unknown_keys(idata, IFACE_KEYS, path)
    segment = idata.get("segment")
    if segment is not None and (not isinstance(segment, str) or segment not in net.segments):
        known = ", ".join(net.segments) or "none declared"
        raise ScenarioError(f"{path}.segment", f"unknown segment {segment!r} (segments: {known})")
    mac = _mac(idata.get("mac"), f"{path}.mac")
    up = _bool(idata.get("up", True), f"{path}.up")
    host.add_interface(iname, mac=mac, segment=segment)
    if up:
        host.set_link(iname, True)
    addresses = [(f"{path}.address", idata["address"])] if "address" in idata else []
    extra = _list(idata.get("addresses"), f"{path}.addresses", MAX_ADDRESSES, "addresses")
    addresses += [(f"{path}.addresses[{k}]", a) for k, a in enumerate(extra)]
    for where, text in addresses:
        _address(host, iname, where, text)


def _mac(mac: Any, path: str) -> str | None:
    """A unicast MAC address, lower-cased (None: the host picks one)."""
    if mac is None:
        return None
    if not isinstance(mac, str) or not MAC.match(mac) or int(mac[:2], 16) & 1:
        raise ScenarioError(path, f"{mac!r} is not a unicast MAC address")
    return mac.lower()


def _address(host: Host, iname: str, where: str, text: Any) -> None:
    try:
        if not isinstance(text, str) or ":" in text:
            raise ValueError
        address = IPv4Interface(text)
    except ValueError:
        raise ScenarioError(where, f"{text!r} is not an IPv4 interface") from None
    try:
        host.add_address(iname, address)
    except CommandError as exc:
        raise ScenarioError(where, exc.stderr.strip()) from None
