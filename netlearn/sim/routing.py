"""Routes and the per-host main routing table, with the kernel's ordering and lookup.

The table is indexed by prefix length (one dict per length, keyed by the network as an int), so
a lookup probes at most 33 dicts whatever the table size, like the kernel's LC-trie does in spirit.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

from .budget import spend
from .errors import CommandError
from .limits import MAX_ROUTES

PROTO_KERNEL = "kernel"  # connected routes, added by the kernel with an address
PROTO_BOOT = "boot"  # `ip route add` default, hidden by `ip route`


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
                keep = []
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

    def match(self, dst: IPv4Address) -> list[Route]:
        """Every route covering ``dst`` (`ip route show match`), in `ip route` order."""
        return [r for r in self if dst in r.dst]


def check_prefix(dst: IPv4Network | str) -> IPv4Network:
    """The kernel's fib_valid_key_len: no host bits."""
    try:
        return IPv4Network(dst)
    except ValueError:
        raise CommandError("Error: Invalid prefix for given prefix length.", 2) from None
