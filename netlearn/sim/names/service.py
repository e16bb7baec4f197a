"""A host's DNS server: its configuration (from the scenario's ``dns`` key) and its state.

Everything lives in ``host.services["dns"]`` as plain JSON data, so ``Network.to_dict`` keeps it:

    {"zones": {"example.com": "zone text"}, "recursive": false,
     "root_hints": ["192.0.2.1"], "forwarders": [], "cache": {...}}

Parsed zones are memoised by their text, so a query never re-reads a zone file it has seen.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from ipaddress import ip_address
from typing import TYPE_CHECKING

from netlearn.sim.errors import ScenarioError
from netlearn.sim.names.zones import MAX_ZONES, Zone, ZoneError, parse_zone

if TYPE_CHECKING:
    from netlearn.sim.model import Host

MAX_SERVERS = 16  # root hints or forwarders listed for one server

DNS_KEYS = ("zones", "recursive", "root_hints", "forwarders")


@functools.lru_cache(maxsize=512)
def _parsed(name: str, text: str) -> Zone:
    return parse_zone(name, text)


def _loadable(name: str, text: str) -> Zone | None:
    """A zone that fails to load is left out, as named leaves out a zone with errors."""
    try:
        return _parsed(name, text)
    except ZoneError:
        return None


@dataclass(frozen=True, slots=True)
class DnsService:
    """A read view of one host's DNS server configuration."""

    host_name: str
    zones: tuple[Zone, ...]
    recursive: bool
    root_hints: tuple[str, ...]
    forwarders: tuple[str, ...]
    state: dict  # the JSON mapping in host.services["dns"] (the cache lives there)

    @property
    def offers_recursion(self) -> bool:
        return self.recursive or bool(self.forwarders)

    def zone(self, name: str) -> Zone | None:
        for zone in self.zones:
            if zone.name == name.rstrip(".") or (name in (".", "") and zone.name == "."):
                return zone
        return None


def dns_service(host: Host) -> DnsService | None:
    """The DNS server running on ``host``, or None when it runs none."""
    data = host.services.get("dns")
    if data is None:
        return None
    if "cache" not in data:  # straight from a scenario: validate and normalise it once
        try:
            data = host.services["dns"] = load_dns(f"hosts.{host.name}.dns", data)
        except ScenarioError:
            # A server whose configuration does not load answers nothing itself (REFUSED);
            # (the scenario loader reports the error when the scenario loads).
            return DnsService(host.name, (), False, (), (), {"cache": {}})
    zones = tuple(
        zone
        for name, text in data.get("zones", {}).items()
        if (zone := _loadable(name, text)) is not None
    )
    return DnsService(
        host.name,
        zones,
        bool(data.get("recursive", False)),
        tuple(data.get("root_hints", ())),
        tuple(data.get("forwarders", ())),
        data,
    )


def load_dns(path: str, data: object) -> dict:
    """Validate a scenario's ``hosts.X.dns`` mapping; return what goes in ``services["dns"]``.

    >>> load_dns("hosts.ns1.dns", {"zones": {"example.com": "@ 300 IN A 192.0.2.1"}})["recursive"]
    False
    >>> load_dns("hosts.ns1.dns", {"zones": {"example.com": "www 300 IN A 1.2.3.400"}})
    Traceback (most recent call last):
    ...
    netlearn.sim.errors.ScenarioError: hosts.ns1.dns.zones.example.com: line 1: the record is \
malformed (expected: NAME [TTL] [IN] TYPE DATA)
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(path, "must be a mapping with zones, recursive, root_hints, forwarders")
    for key in data:
        if key not in DNS_KEYS:
            raise ScenarioError(
                f"{path}.{key}", f"unknown key (expected one of {', '.join(DNS_KEYS)})"
            )
    clean_zones = _zones(path, data.get("zones") or {})
    recursive = data.get("recursive", False)
    if not isinstance(recursive, bool):
        raise ScenarioError(f"{path}.recursive", "must be true or false")
    out = {
        "zones": clean_zones,
        "recursive": recursive,
        "root_hints": _addresses(f"{path}.root_hints", data.get("root_hints")),
        "forwarders": _addresses(f"{path}.forwarders", data.get("forwarders")),
        "cache": {},
    }
    if out["root_hints"] and not recursive:
        raise ScenarioError(f"{path}.root_hints", "root hints are used only with recursive: true")
    if recursive and not out["root_hints"] and not out["forwarders"] and not clean_zones:
        raise ScenarioError(
            f"{path}.recursive", "a recursive resolver needs root_hints (or forwarders)"
        )
    return out


def _zones(path: str, zones: object) -> dict[str, str]:
    """The ``zones:`` mapping: each zone parses, none is listed twice (under another spelling)."""
    if not isinstance(zones, dict):
        raise ScenarioError(f"{path}.zones", "must map zone names to zone-file text")
    if len(zones) > MAX_ZONES:
        raise ScenarioError(f"{path}.zones", f"at most {MAX_ZONES} zones per server")
    clean_zones: dict[str, str] = {}
    for name, text in zones.items():
        zpath = f"{path}.zones.{name}"
        if text is None:
            text = ""
        if not isinstance(name, str) or not isinstance(text, str):
            raise ScenarioError(zpath, "a zone is a name mapped to zone-file text")
        try:
            zone = _parsed(name, text)
        except ZoneError as exc:
            raise ScenarioError(zpath, str(exc)) from None
        if zone.name in {_parsed(n, t).name for n, t in clean_zones.items()}:
            raise ScenarioError(zpath, f"the zone {zone.name} is listed twice")
        clean_zones[name] = text
    return clean_zones


def _addresses(path: str, value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ScenarioError(path, "must be a list of IPv4 addresses")
    if len(value) > MAX_SERVERS:
        raise ScenarioError(path, f"at most {MAX_SERVERS} addresses")
    out = []
    for i, item in enumerate(value):
        try:
            out.append(str(ip_address(str(item))))
        except ValueError:
            raise ScenarioError(f"{path}[{i}]", f"{item!r} is not an IP address") from None
    return out
