"""Routes, the per-host main routing table, and the kernel's rules for changing and reading it.

The table is indexed by prefix length (one dict per length, keyed by the network as an int), so
a lookup probes at most 33 dicts whatever the table size, like the kernel's LC-trie does in spirit.

The kernel's validation of a new route (``add_route``: fib_check_nh, fib_valid_key_len, the
`File exists` and `No such process` rules), the local table (``local_table``) and what `ip route
get` answers (``route_get``) live here too, whoever asks: the ``ip`` and ``route`` commands, the
scenario's ``routes:`` key and the routes form all go through these, with the same errors.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING

from .budget import spend
from .errors import CommandError
from .limits import MAX_ROUTES

if TYPE_CHECKING:
    from .model import Host

PROTO_KERNEL = "kernel"  # connected routes, added by the kernel with an address
PROTO_BOOT = "boot"  # `ip route add` default, hidden by `ip route`
LOOPBACK = IPv4Network("127.0.0.0/8")


@dataclass(frozen=True, slots=True)
class Route:
    """One route of the main table, as `ip route` prints it.

    >>> str(Route(IPv4Network("192.165.2.0/24"), IPv4Address("192.165.1.1"), "eth0"))
    '192.165.2.0/24 via 192.165.1.1 dev eth0 '
    """

    dst: IPv4Network
    gateway: IPv4Address | None
    dev: str
    metric: int = 0
    proto: str = PROTO_BOOT
    scope: str = "global"  # "link" | "global" | "host"
    src: IPv4Address | None = None
    linkdown: bool = False
    onlink: bool = False

    @property
    def is_default(self) -> bool:
        return self.dst.prefixlen == 0

    @property
    def connected(self) -> bool:
        return self.proto == PROTO_KERNEL

    def destination_text(self) -> str:
        """`default`, a prefix, or a bare address for a /32 (iproute2 hides the host length)."""
        if self.is_default:
            return "default"
        if self.dst.prefixlen == 32:
            return str(self.dst.network_address)
        return str(self.dst)

    def __str__(self) -> str:
        """The `ip route` line, trailing space included (iproute2 prints "%s " per field)."""
        parts = [self.destination_text()]
        if self.gateway is not None:
            parts += ["via", str(self.gateway)]
        parts += ["dev", self.dev]
        if self.proto != PROTO_BOOT:
            parts += ["proto", self.proto]
        if self.scope != "global":
            parts += ["scope", self.scope]
        if self.src is not None:
            parts += ["src", str(self.src)]
        if self.metric:
            parts += ["metric", str(self.metric)]
        if self.onlink:
            parts.append("onlink")
        if self.linkdown:
            parts.append("linkdown")
        return " ".join(parts) + " "

    def to_dict(self) -> dict:
        return {
            "dst": str(self.dst),
            "gateway": None if self.gateway is None else str(self.gateway),
            "dev": self.dev,
            "metric": self.metric,
            "proto": self.proto,
            "scope": self.scope,
            "src": None if self.src is None else str(self.src),
            "onlink": self.onlink,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Route:
        return cls(
            dst=_network(data["dst"]),
            gateway=None if data.get("gateway") is None else _address(data["gateway"]),
            dev=data["dev"],
            metric=int(data.get("metric", 0)),
            proto=data.get("proto", PROTO_BOOT),
            scope=data.get("scope", "global"),
            src=None if data.get("src") is None else IPv4Address(data["src"]),
            onlink=bool(data.get("onlink", False)),
        )


@functools.lru_cache(maxsize=4096)
def _network(text: str) -> IPv4Network:
    """Parsed once: a state's routes are rebuilt on every request and every goal checked, and
    ``ipaddress`` parsing is most of that time (the objects are immutable, so sharing is safe)."""
    return IPv4Network(text)


@functools.lru_cache(maxsize=4096)
def _address(text: str) -> IPv4Address:
    return IPv4Address(text)


def _mask(prefixlen: int) -> int:
    return (0xFFFFFFFF << (32 - prefixlen)) & 0xFFFFFFFF if prefixlen else 0


_MASKS = [_mask(n) for n in range(33)]


@dataclass(slots=True)
class RouteTable:
    """The main table. Same prefix: routes kept sorted by metric, then insertion order."""

    _by_len: dict[int, dict[int, list[Route]]] = field(default_factory=dict)
    _levels: list[tuple[int, dict[int, list[Route]]]] = field(default_factory=list)
    _count: int = 0
    _order: list[tuple[int, int]] | None = None  # cached (network, -prefixlen) in show order

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Route]:
        """Every route in `ip route` order: by network address, longer prefix first, metric."""
        for _, _, routes in self.keyed():
            yield from routes

    def keyed(self) -> Iterator[tuple[int, int, list[Route]]]:
        """(network as int, prefix length, routes) in `ip route` order, without touching the
        routes themselves (cheap filtering of big tables)."""
        if self._order is None:
            self._order = sorted(
                (key, -plen) for plen, nets in self._by_len.items() for key in nets
            )
        for key, neg_plen in list(self._order):
            spend(1, "walking the routing table")
            routes = self._by_len.get(-neg_plen, {}).get(key)
            if routes:
                yield key, -neg_plen, list(routes)

    def _reindex(self) -> None:
        """(mask, routes by network) per present prefix length, longest first: what lookup
        probes, at most 33 dict lookups whatever the number of routes."""
        self._levels = [(_MASKS[n], self._by_len[n]) for n in sorted(self._by_len, reverse=True)]

    def same_prefix(self, dst: IPv4Network) -> list[Route]:
        return list(self._by_len.get(dst.prefixlen, {}).get(int(dst.network_address), ()))

    def add(self, route: Route, *, before_equal: bool = False) -> None:
        """Insert keeping metric order; ``before_equal`` puts it before routes of equal metric."""
        if self._count >= MAX_ROUTES:
            raise CommandError("RTNETLINK answers: No buffer space available", 2)
        plen = route.dst.prefixlen
        nets = self._by_len.get(plen)
        if nets is None:
            nets = self._by_len[plen] = {}
            self._reindex()
        key = int(route.dst.network_address)
        routes = nets.get(key)
        if routes is None:
            routes = nets[key] = []
            self._order = None
        metrics = [r.metric for r in routes]
        insort = bisect.bisect_left if before_equal else bisect.bisect_right
        routes.insert(insort(metrics, route.metric), route)
        self._count += 1

    def remove(self, route: Route) -> None:
        plen = route.dst.prefixlen
        key = int(route.dst.network_address)
        routes = self._by_len[plen][key]
        routes.remove(route)
        self._count -= 1
        if not routes:
            del self._by_len[plen][key]
            self._order = None
            if not self._by_len[plen]:
                del self._by_len[plen]
                self._reindex()

    def replace_at(self, old: Route, new: Route) -> None:
        routes = self._by_len[old.dst.prefixlen][int(old.dst.network_address)]
        routes[routes.index(old)] = new

    def remove_where(self, predicate) -> list[Route]:
        """Remove every route matching ``predicate``, in one pass over the table."""
        gone: list[Route] = []
        for plen in list(self._by_len):
            nets = self._by_len[plen]
            for key in list(nets):
                keep: list[Route] = []
                for route in nets[key]:
                    (gone if predicate(route) else keep).append(route)
                if keep:
                    nets[key] = keep
                else:
                    del nets[key]
            if not nets:
                del self._by_len[plen]
        if gone:
            self._count -= len(gone)
            self._order = None
            self._reindex()
        return gone

    def lookup(self, dst: IPv4Address, *, dev: str | None = None, min_scope: str | None = None):
        """Longest prefix, then lowest metric (first in list). Optional filters mirror the
        kernel's flowi4_oif (``dev``) and flowi4_scope (``min_scope="link"``)."""
        addr = int(dst)
        if dev is None and min_scope is None:
            for mask, nets in self._levels:
                routes = nets.get(addr & mask)
                if routes:
                    return routes[0]
            return None
        for mask, nets in self._levels:
            for route in nets.get(addr & mask, ()):
                if dev is not None and route.dev != dev:
                    continue
                if min_scope == "link" and route.scope not in ("link", "host"):
                    continue
                return route
        return None

    def candidates(
        self, target: IPv4Network | None, *, exact: bool
    ) -> Iterator[tuple[int, int, list[Route]]]:
        """(network, prefixlen, routes) in `ip route` order that may cover ``target`` (or be it,
        when ``exact``): a direct probe per prefix length, at most 33 dict lookups; the whole
        table when ``target`` is None."""
        if target is None:
            yield from self.keyed()
            return
        found = []
        wanted = int(target.network_address)
        for plen, nets in self._by_len.items():
            if plen > target.prefixlen or (exact and plen != target.prefixlen):
                continue
            key = wanted & _MASKS[plen]
            if key in nets:
                found.append((key, -plen, list(nets[key])))
        for key, neg_plen, routes in sorted(found, key=lambda item: item[:2]):
            yield key, -neg_plen, routes

    def match(self, dst: IPv4Address) -> list[Route]:
        """Every route covering ``dst`` (`ip route show match`), in `ip route` order."""
        return [r for r in self if dst in r.dst]


def invalid_prefix() -> CommandError:
    """The kernel's fib_valid_key_len error: a destination with host bits set."""
    return CommandError("Error: Invalid prefix for given prefix length.", 2)


def check_prefix(dst: IPv4Network | str) -> IPv4Network:
    """The kernel's fib_valid_key_len: no host bits."""
    try:
        return IPv4Network(dst)
    except ValueError:
        raise invalid_prefix() from None


# -- the kernel's rules for a host's table ---------------------------------------------------


def gateway_route(
    host: Host, gateway: IPv4Address, dev: str | None, *, local_only: bool = False
) -> Route | None:
    """How the kernel resolves a nexthop gateway (fib_check_nh_v4_gw): a link/host-scope
    route or a local address, on ``dev`` if given; a `scope link` route's gateway must be
    a local address."""
    if gateway.is_multicast and gateway.packed == b"\xff\xff\xff\xff":
        return None
    if host.broadcast_owner(gateway) is not None:
        return None  # a broadcast address is no gateway (RTN_BROADCAST)
    owners = [
        iface
        for iface in host.interfaces.values()
        if any(a.ip == gateway for a in iface.addresses)
        or (iface.loopback and gateway in LOOPBACK and iface.addresses)
    ]
    for owner in owners:
        if dev is None or owner.name == dev:
            return Route(IPv4Network(f"{gateway}/32"), None, owner.name, scope="host")
    if local_only:
        return None
    return host.table.lookup(gateway, dev=dev, min_scope="link")


def _error(text: str) -> CommandError:
    return CommandError(text, 2)


def nexthop_device(host: Host, route: Route) -> str:
    """The device a new route goes out of, after the kernel's nexthop checks (fib_check_nh)."""
    dev = route.dev or None
    if route.scope == "host" and route.gateway is not None:
        raise _error("Error: Route with host scope can not have a gateway.")
    if route.gateway is None:
        if route.onlink:
            raise _error("Error: Invalid flags for nexthop - PERVASIVE and ONLINK can not be set.")
        if dev is None:
            raise _error("RTNETLINK answers: No such device")
        if not host.interfaces[dev].admin_up:
            raise _error("Error: Device for nexthop is not up.")
        return dev
    if route.onlink:
        if route.scope in ("link", "host"):
            raise _error("Error: Nexthop has invalid scope.")
        if dev is None:
            raise _error("Error: Nexthop device required for onlink.")
        if not host.interfaces[dev].admin_up:
            raise _error("Error: Nexthop device is not up.")
        return dev
    via = gateway_route(host, route.gateway, dev, local_only=route.scope == "link")
    if via is None:
        raise _error("Error: Nexthop has invalid gateway.")
    if not host.interfaces[via.dev].admin_up:
        raise _error("RTNETLINK answers: Network is down")
    return via.dev


def add_route(host: Host, route: Route, *, mode: str = "add") -> Route:
    """Kernel validation of `ip route add|replace|append|change` for a parsed route, then the
    change itself. ``route.dev`` may be "" when only a gateway was given; the result has the
    device filled. Errors are the kernel's, as CommandError (status 2)."""
    check_prefix(route.dst)
    dev = nexthop_device(host, route)
    if route.src is not None and host.local_interface_for(route.src) is None:
        raise _error("Error: Invalid prefsrc address.")
    route = replace(route, dev=dev)
    table = host.table
    existing = [r for r in table.same_prefix(route.dst) if r.metric == route.metric]
    if mode == "add" and existing:
        raise _error("RTNETLINK answers: File exists")
    if mode == "append" and any(_same_nexthop(r, route) for r in existing):
        raise _error("RTNETLINK answers: File exists")
    if mode in ("replace", "change") and existing:
        table.replace_at(existing[0], route)
    elif mode == "change":
        raise _error("RTNETLINK answers: No such file or directory")
    else:
        table.add(route)
    return route


def _same_nexthop(a: Route, b: Route) -> bool:
    return a.gateway == b.gateway and a.dev == b.dev


def del_route(
    table: RouteTable,
    dst: IPv4Network,
    *,
    gateway: IPv4Address | None = None,
    dev: str | None = None,
    metric: int | None = None,
    proto: str | None = None,
    scope: str | None = None,
    src: IPv4Address | None = None,
) -> Route:
    """`ip route del`: the first route of that prefix matching every given selector
    (metric 0 means any, as in the kernel)."""
    wanted = {"src": src, "proto": proto, "scope": scope, "gateway": gateway, "dev": dev}
    for route in table.same_prefix(dst):
        if metric and route.metric != metric:
            continue
        if all(value is None or getattr(route, key) == value for key, value in wanted.items()):
            table.remove(route)
            return route
    raise _error("RTNETLINK answers: No such process")


def local_table(host: Host) -> list[str]:
    """The kernel's local table: a `local` route per address (src: the primary of its
    subnet), 127/8 on lo, and a `broadcast` route per primary on an UP link (or per `brd`)."""
    entries: list[tuple[int, int, int, str]] = []

    def add(address, plen: int, text: str) -> None:
        entries.append((int(address), -plen, len(entries), text))

    for iface in host.interfaces.values():
        dev = iface.name
        for address in iface.addresses:
            primaries = [p for p in iface.primaries() if p.network == address.network]
            src = primaries[0].ip if primaries else address.ip
            add(address.ip, 32, f"local {address.ip} dev {dev} proto kernel scope host src {src} ")
            net = address.network
            if iface.loopback and net.prefixlen < 32:
                add(net.network_address, net.prefixlen,
                    f"local {net} dev {dev} proto kernel scope host src {src} ")  # fmt: skip
            if not iface.admin_up:
                continue
            brds = set()
            if net.prefixlen < 31 and not iface.is_secondary(address):
                brds.add(net.broadcast_address)
            explicit = iface.broadcasts.get(str(address))
            if explicit and explicit != "255.255.255.255":
                brds.add(IPv4Address(explicit))
            for brd in sorted(brds):
                down = "" if iface.carrier else "linkdown "
                add(brd, 32, f"broadcast {brd} dev {dev} proto kernel scope link src {src} {down}")
    out: list[str] = []
    for *_, text in sorted(entries):
        if text not in out:
            out.append(text)
    return out


def route_get(host: Host, target: IPv4Address, fibmatch: bool) -> str:
    """What `ip route get TARGET [fibmatch]` prints: the local table first (0.0.0.0, broadcast
    and local addresses), then the main table's choice, with the source the kernel picks."""
    if int(target) == 0:
        return "local 0.0.0.0 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n"
    owner = host.broadcast_owner(target)
    if owner is not None:
        iface, src = owner
        return f"broadcast {target} dev {iface.name} src {src} uid 0 \n    cache <local,brd> \n"
    local = host.local_interface_for(target)
    if local is not None:
        src = target if target not in LOOPBACK else IPv4Address("127.0.0.1")
        if local.loopback and target in LOOPBACK:
            src = IPv4Address("127.0.0.1")
        return f"local {target} dev lo src {src} uid 0 \n    cache <local> \n"
    route = host.lookup(target)
    if route is None:
        raise CommandError("RTNETLINK answers: Network is unreachable", 2)
    if fibmatch:
        return str(route) + "\n"
    if target.is_multicast or int(target) == 0xFFFFFFFF:
        src = host.source_address_for(route, target)
        kind, cache = ("multicast", "<mc>") if target.is_multicast else ("broadcast", "<local,brd>")
        offload = " rt_offload_failed" if target.is_multicast else ""
        src_text = f" src {src}" if src is not None else ""
        return f"{kind} {target} dev {route.dev}{src_text}{offload} uid 0 \n    cache {cache} \n"
    parts = [str(target)]
    # A gatewayed route reports its gateway, even when the gateway is the target itself (the
    # kernel's rt_uses_gateway); a gateway that is one of our own addresses is sent on-link.
    if route.gateway is not None and host.local_interface_for(route.gateway) is None:
        parts += ["via", str(route.gateway)]
    parts += ["dev", route.dev]
    src = host.source_address_for(route, target)
    if src is not None:
        parts += ["src", str(src)]
    parts += ["uid", "0"]
    on_lo = route.dev in host.interfaces and host.interfaces[route.dev].loopback
    return " ".join(parts) + (" \n    cache <local> \n" if on_lo else " \n    cache \n")
