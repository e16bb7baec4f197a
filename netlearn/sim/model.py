"""Hosts, interfaces and segments: the mutable state of a simulated network.

Addresses, link state and the routing table change together the way the Linux kernel changes
them: an address on an UP link adds its connected route, `ip link set down` flushes every route
through the link, and a link without carrier keeps its routes (shown as ``linkdown``).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address
from typing import Any

from . import routing
from .errors import CommandError
from .limits import MAX_ADDRESSES
from .routing import LOOPBACK, PROTO_BOOT, PROTO_KERNEL, Route, RouteTable

LOOPBACK_MAC = "00:00:00:00:00:00"


def derived_mac(host: str, iface: str) -> str:
    """A stable, locally administered unicast MAC for an interface with no ``mac:``.

    >>> derived_mac("A", "eth0")[:3]
    '02:'
    """
    digest = hashlib.sha256(f"{host}/{iface}".encode()).digest()
    return "02:" + ":".join(f"{b:02x}" for b in digest[:5])


def link_local(mac: str) -> IPv6Address:
    """The EUI-64 link-local address the kernel derives from a MAC (fe80::/64)."""
    b = [int(x, 16) for x in mac.split(":")]
    eui = [b[0] ^ 0x02, b[1], b[2], 0xFF, 0xFE, b[3], b[4], b[5]]
    return IPv6Address(bytes([0xFE, 0x80] + [0] * 6 + eui))


@dataclass(frozen=True, slots=True)
class Segment:
    """A switch: an L2 broadcast domain. Interfaces point at it by name."""

    name: str


@dataclass(slots=True)
class Interface:
    name: str
    index: int
    mac: str
    segment: str | None = None  # None: no cable (no carrier)
    admin_up: bool = True
    addresses: list[IPv4Interface] = field(default_factory=list)  # `ip addr` order
    broadcasts: dict[str, str] = field(default_factory=dict)  # str(address) -> brd set explicitly
    scopes: dict[str, str] = field(default_factory=dict)  # str(address) -> scope, if not default
    labels: dict[str, str] = field(default_factory=dict)  # str(address) -> label (eth0:1)
    loopback: bool = False
    mtu: int = 1500
    ever_up: bool = False  # a never-up NIC shows `qdisc noop`
    link_local_configured: bool = False  # IPv6 fe80:: address present (DAD done once)
    link_local_mac: str = ""  # the MAC the fe80:: address was derived from (kept on a MAC change)

    @property
    def carrier(self) -> bool:
        return self.loopback or self.segment is not None

    @property
    def oper_up(self) -> bool:
        return self.admin_up and self.carrier

    def is_secondary(self, address: IPv4Interface) -> bool:
        """Secondary: an earlier address has the same mask and subnet (kernel IFA_F_SECONDARY)."""
        for other in self.addresses:
            if other is address or other == address:
                return False
            if other.network == address.network:
                return True
        return False

    def primaries(self) -> list[IPv4Interface]:
        return [a for a in self.addresses if not self.is_secondary(a)]

    def scope_of(self, address: IPv4Interface) -> str:
        """iproute2's default: host for 127/8, else global; `scope X` overrides it."""
        scope = self.scopes.get(str(address))
        if scope is not None:
            return scope
        return "host" if address.ip in LOOPBACK else "global"

    def label_of(self, address: IPv4Interface) -> str:
        return self.labels.get(str(address), self.name)

    def ipv6_lines(self) -> list[tuple[str, str]]:
        """(address/prefix, flags) of IPv6 addresses `ip addr` would show."""
        if self.loopback:
            return [("::1/128", "scope host")] if self.admin_up else []
        if not (self.admin_up and self.link_local_configured):
            return []
        flags = "scope link" if self.carrier else "scope link tentative"
        return [(f"{link_local(self.link_local_mac or self.mac)}/64", flags)]

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "mac": self.mac,
            "segment": self.segment,
            "admin_up": self.admin_up,
            "addresses": [str(a) for a in self.addresses],
            "broadcasts": dict(self.broadcasts),
            "scopes": dict(self.scopes),
            "labels": dict(self.labels),
            "loopback": self.loopback,
            "mtu": self.mtu,
            "ever_up": self.ever_up,
            "link_local_configured": self.link_local_configured,
            "link_local_mac": self.link_local_mac,
        }

    @classmethod
    def from_dict(cls, name: str, data: dict) -> Interface:
        return cls(
            name=name,
            index=int(data["index"]),
            mac=data["mac"],
            segment=data.get("segment"),
            admin_up=bool(data["admin_up"]),
            addresses=[IPv4Interface(a) for a in data.get("addresses", [])],
            broadcasts=dict(data.get("broadcasts", {})),
            scopes=dict(data.get("scopes", {})),
            labels=dict(data.get("labels", {})),
            loopback=bool(data.get("loopback", False)),
            mtu=int(data.get("mtu", 1500)),
            ever_up=bool(data.get("ever_up", False)),
            link_local_configured=bool(data.get("link_local_configured", False)),
            link_local_mac=str(data.get("link_local_mac", "")),
        )


@dataclass(slots=True)
class Host:
    name: str
    interfaces: dict[str, Interface] = field(default_factory=dict)
    ip_forward: int = 0  # net.ipv4.ip_forward as written (the kernel accepts any int)
    files: dict[str, str] = field(default_factory=dict)
    services: dict = field(default_factory=dict)  # opaque per-host data for names/http
    env: dict[str, str] = field(default_factory=dict)  # shell environment (`export`)
    table: RouteTable = field(default_factory=RouteTable)
    next_index: int = 1
    # ARP table: "IP DEV" -> [MAC or None (FAILED), net.clock when last resolved/asked]
    neighbours: dict[str, list] = field(default_factory=dict)

    @property
    def forwarding(self) -> bool:
        """net.ipv4.ip_forward is on (any non-zero value)."""
        return self.ip_forward != 0

    @forwarding.setter
    def forwarding(self, enabled: bool) -> None:
        self.ip_forward = 1 if enabled else 0

    @classmethod
    def new(cls, name: str) -> Host:
        """A booted host: `lo` UP with 127.0.0.1/8."""
        host = cls(name=name)
        lo = host.add_interface("lo", mac=LOOPBACK_MAC, loopback=True, segment=None)
        lo.admin_up = True
        lo.ever_up = True
        lo.addresses.append(IPv4Interface("127.0.0.1/8"))
        return host

    # -- interfaces -------------------------------------------------------------------------

    def add_interface(
        self, name: str, *, mac: str | None = None, segment: str | None = None, loopback=False
    ) -> Interface:
        iface = Interface(
            name=name,
            index=self.next_index,
            mac=mac or derived_mac(self.name, name),
            segment=segment,
            admin_up=False,
            loopback=loopback,
            mtu=65536 if loopback else 1500,
        )
        self.next_index += 1
        self.interfaces[name] = iface
        return iface

    def set_link(self, name: str, up: bool) -> None:
        """`ip link set NAME up|down`, with the kernel's effect on routes."""
        iface = self.interfaces[name]
        if iface.admin_up == up:
            return
        iface.admin_up = up
        if up:
            iface.ever_up = True
            if iface.carrier and not iface.loopback:
                iface.link_local_configured = True
                iface.link_local_mac = iface.mac
            for address in iface.primaries():
                self._add_connected(iface, address)
        else:
            iface.link_local_configured = False
            self.table.remove_where(lambda r: r.dev == name)
            self.flush_neighbours(name)  # arp_ifdown: a down link forgets its neighbours

    def flush_neighbours(self, dev: str) -> None:
        for key in [k for k in self.neighbours if k.split(" ")[1] == dev]:
            del self.neighbours[key]

    def set_segment(self, name: str, segment: str | None) -> None:
        """Plug the cable into ``segment`` (None: unplug). Routes stay; they show linkdown."""
        iface = self.interfaces[name]
        iface.segment = segment
        if segment is not None and iface.admin_up and not iface.loopback:
            if not iface.link_local_configured:
                iface.link_local_mac = iface.mac
            iface.link_local_configured = True

    # -- addresses --------------------------------------------------------------------------

    def add_address(
        self,
        name: str,
        address: IPv4Interface,
        *,
        brd: str | None = None,
        scope: str | None = None,
        label: str | None = None,
    ) -> None:
        """`ip addr add ADDRESS dev NAME`: kernel __inet_insert_ifa ordering and errors.

        Primaries go after the last primary of the same or a wider scope (host, link, global),
        secondaries (same subnet and mask as an existing address) at the end."""
        iface = self.interfaces[name]
        if int(address.ip) == 0:
            return  # the kernel silently ignores a 0.0.0.0 local address (inet_insert_ifa)
        default_scope = "host" if address.ip in LOOPBACK else "global"
        scope = scope or default_scope
        rank = _SCOPE_RANK.get(scope, 0)
        secondary = False
        for other in iface.addresses:
            if other.network == address.network:
                if other.ip == address.ip:
                    raise CommandError("Error: ipv4: Address already assigned.", 2)
                if iface.scope_of(other) != scope:
                    raise CommandError("Error: ipv4: Invalid scope value.", 2)
                secondary = True
        if len(iface.addresses) >= MAX_ADDRESSES:
            raise CommandError("RTNETLINK answers: No buffer space available", 2)
        if secondary:
            iface.addresses.append(address)
        else:
            position = 0
            for k, other in enumerate(iface.addresses):
                if not iface.is_secondary(other) and rank <= _SCOPE_RANK.get(
                    iface.scope_of(other), 0
                ):
                    position = k + 1
            iface.addresses.insert(position, address)
        if brd is not None:
            iface.broadcasts[str(address)] = brd
        if scope != default_scope:
            iface.scopes[str(address)] = scope
        if label is not None and label != name:
            iface.labels[str(address)] = label
        if not secondary and iface.admin_up:
            self._add_connected(iface, address)

    def find_address(
        self, name: str, ip: IPv4Address, prefixlen: int | None, *, label: str | None = None
    ):
        iface = self.interfaces[name]
        for address in iface.addresses:
            if address.ip != ip:
                continue
            if prefixlen is not None and address.network.prefixlen != prefixlen:
                continue
            if label is not None and iface.label_of(address) != label:
                continue
            return address
        return None

    def next_hop(self, route: Route, dst: IPv4Address) -> IPv4Address:
        """Where a packet for ``dst`` goes on ``route``'s link: the gateway, or ``dst`` itself
        for a device route or a gateway that is one of our own addresses (the kernel then gives
        the nexthop host scope and sends on-link, as `ip route get` shows: no `via`)."""
        if route.gateway is None or self.local_interface_for(route.gateway) is not None:
            return _v4(dst)
        return route.gateway

    def del_address(
        self, name: str, ip: IPv4Address, prefixlen: int | None = None, *, label: str | None = None
    ) -> None:
        """`ip addr del`: prefixlen None is iproute2's wildcard deletion (first match); a label,
        when given, must match too."""
        iface = self.interfaces[name]
        address = self.find_address(name, ip, prefixlen, label=label)
        if address is None:
            raise CommandError("Error: ipv4: Address not found.", 2)
        gone = [address]
        primary = not iface.is_secondary(address)
        if primary:
            # promote_secondaries = 0: the primary takes its secondaries with it
            gone += [
                a for a in iface.addresses if a is not address and a.network == address.network
            ]
        iface.addresses = [a for a in iface.addresses if a not in gone]
        for a in gone:
            for mapping in (iface.broadcasts, iface.scopes, iface.labels):
                mapping.pop(str(a), None)
        gone_ips = {a.ip for a in gone} - {
            a.ip for i in self.interfaces.values() for a in i.addresses
        }
        self.table.remove_where(
            lambda r: (
                (primary and r.connected and r.dev == name and r.dst == address.network)
                or (r.src is not None and r.src in gone_ips)
            )
        )
        if not iface.addresses and not iface.loopback:
            # last IPv4 address gone: the kernel disables IP on the device (fib_disable_ip)
            self.table.remove_where(lambda r: r.dev == name)

    def flush_addresses(self, name: str) -> None:
        iface = self.interfaces[name]
        for address in list(iface.primaries()):
            if address in iface.addresses:
                self.del_address(name, address.ip, address.network.prefixlen)
        for address in list(iface.addresses):
            self.del_address(name, address.ip, address.network.prefixlen)

    def _add_connected(self, iface: Interface, address: IPv4Interface) -> None:
        net = address.network
        if iface.loopback or int(net.network_address) == 0 or net.is_multicast:
            return  # lo's 127/8 lives in the local table; zeronet and multicast get no route
        if net.prefixlen == 32:
            return
        route = Route(net, None, iface.name, 0, PROTO_KERNEL, "link", address.ip)
        if route not in self.table.same_prefix(net):
            self.table.add(route)

    # -- routes -----------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        """Every main-table route in `ip route` order, ``linkdown`` set from carrier."""
        return list(self.iter_routes())

    def iter_routes(self) -> Iterator[Route]:
        """`routes()` lazily, for listings that stop at the output limit."""
        no_carrier = {i.name for i in self.interfaces.values() if not i.carrier}
        for route in self.table:
            yield _with_linkdown(route, route.dev in no_carrier)

    def lookup(self, dst: IPv4Address) -> Route | None:
        """The main-table route `ip route get` would choose: longest prefix, lowest metric."""
        route = self.table.lookup(_v4(dst))
        if route is None:
            return None
        iface = self.interfaces.get(route.dev)
        return _with_linkdown(route, iface is not None and not iface.carrier)

    def local_interface_for(self, ip: IPv4Address) -> Interface | None:
        """Weak host model: the interface owning ``ip``, whatever its link state (the kernel's
        local table keeps the addresses of a down link; 127/8 belongs to lo). Callers check
        that the packet could arrive (the receiving interface is oper-up)."""
        ip = _v4(ip)
        for iface in self.interfaces.values():
            if iface.loopback and ip in LOOPBACK and any(a.ip in LOOPBACK for a in iface.addresses):
                return iface
            if any(a.ip == ip for a in iface.addresses):
                return iface
        return None

    def source_address_for(self, route: Route, dst: IPv4Address | None = None):
        """The source the kernel picks for ``route`` (fib_info_update_nhc_saddr): the route's
        src, else inet_select_addr(dev, gateway or 0, route scope): the first primary of the
        device on the gateway's subnet, else its first primary of a fitting scope, else a
        global address of another device. ``dst`` is accepted for callers' convenience but,
        as in the kernel, does not influence the choice."""
        if route.src is not None:
            return route.src
        limit = _SCOPE_RANK.get(route.scope, 0)
        iface = self.interfaces.get(route.dev)
        first = None
        if iface is not None:
            for address in iface.primaries():
                if _SCOPE_RANK.get(iface.scope_of(address), 0) > limit:
                    continue
                if route.gateway is None or route.gateway in address.network:
                    return address.ip
                if first is None:
                    first = address.ip
            if first is not None:
                return first
        for other in self.interfaces.values():
            if other is iface:
                continue
            for address in other.primaries():
                scope = _SCOPE_RANK.get(other.scope_of(address), 0)
                if scope != _SCOPE_RANK["link"] and scope <= limit:
                    return address.ip
        return None

    def broadcast_owner(self, ip: IPv4Address) -> tuple[Interface, IPv4Address] | None:
        """(interface, source) when ``ip`` is a broadcast address of the local table: the
        all-ones address of a primary's subnet (prefix < 31) on an UP link, or a `brd` given."""
        ip = _v4(ip)
        for iface in self.interfaces.values():
            if not iface.admin_up:
                continue
            for address in iface.addresses:
                net = address.network
                primary = next(p for p in iface.primaries() if p.network == net)
                explicit = iface.broadcasts.get(str(address))
                subnet = primary is address and net.prefixlen < 31 and ip == net.broadcast_address
                if subnet or (explicit is not None and str(ip) == explicit):
                    return iface, primary.ip
        return None

    def add_route(self, route: Route, *, mode: str = "add") -> Route:
        """`ip route add|replace|append|change` of a parsed route, with the kernel's checks
        (``routing.add_route``). ``route.dev`` may be "" when only a gateway was given."""
        return routing.add_route(self, route, mode=mode)

    def del_route(self, dst: IPv4Network, **selectors: Any) -> Route:
        """`ip route del`: the first route of that prefix matching every selector given
        (``routing.del_route``: gateway, dev, metric, proto, scope, src)."""
        return routing.del_route(self.table, dst, **selectors)

    # -- state ------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {
            "ip_forward": self.ip_forward,
            "interfaces": {n: i.to_dict() for n, i in self.interfaces.items()},
            "routes": [r.to_dict() for r in self.table],
            "files": dict(self.files),
            "services": copy.deepcopy(self.services),
            "env": dict(self.env),
            "next_index": self.next_index,
            "neighbours": {k: list(v) for k, v in self.neighbours.items()},
        }

    @classmethod
    def from_dict(cls, name: str, data: dict) -> Host:
        host = cls(
            name=name,
            ip_forward=int(data.get("ip_forward", 0)),
            files=dict(data.get("files", {})),
            services=copy.deepcopy(data.get("services", {})),
            env=dict(data.get("env", {})),
            next_index=int(data.get("next_index", 1)),
            neighbours={k: list(v) for k, v in data.get("neighbours", {}).items()},
        )
        for iname, idata in data.get("interfaces", {}).items():
            host.interfaces[iname] = Interface.from_dict(iname, idata)
        for rdata in data.get("routes", []):
            host.table.add(Route.from_dict(rdata))
        return host


def _v4(value) -> IPv4Address:
    """An IPv4Address without re-parsing one (ipaddress would go through str())."""
    return value if type(value) is IPv4Address else IPv4Address(value)


_SCOPE_RANK = {"global": 0, "site": 200, "link": 253, "host": 254}


def _with_linkdown(route: Route, down: bool) -> Route:
    return route if route.linkdown == down else replace(route, linkdown=down)


__all__ = ["LOOPBACK", "PROTO_BOOT", "PROTO_KERNEL", "Host", "Interface", "Route", "Segment"]
