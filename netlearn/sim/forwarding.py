"""Packet forwarding as the Linux kernel does it, one hop at a time.

A packet leaves its sender by the route ``ip route get`` would choose. It crosses a segment only to
an interface that answers ARP for the next hop (the gateway, or the destination itself); with
Linux's default ``arp_ignore=0`` a host answers for *any* of its local addresses on any interface
that is up and plugged into that segment. The receiver accepts the packet if it owns the
destination on any interface (the weak host model), otherwise it forwards it only when
``net.ipv4.ip_forward`` is on: route lookup first (no route: ICMP "Destination Net Unreachable"),
then the TTL (exhausted: "Time to live exceeded"), then ARP on the way out (no answer after ~3 s:
"Destination Host Unreachable"). A router with forwarding off drops silently (``ip_error``).

Reverse-path filtering is off (``rp_filter=0``): the reference transcripts show 0 in every
namespace (4.51), which is also the kernel default. A packet whose source is 0.0.0.0 (a sender
without any address) is dropped by its receiver as a martian. Loops end when the TTL runs out;
every walk is bounded by ``MAX_TTL`` hops.

>>> from netlearn.sim import Network
>>> net = Network.from_scenario({"segments": ["lan"], "hosts": {
...     "A": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.1/24"}}},
...     "B": {"interfaces": {"eth0": {"segment": "lan", "address": "10.0.0.2/24"}}}}})
>>> send(net, "A", "10.0.0.2").receiver
'B'
>>> ping_once(net, "A", "10.0.0.9").cause
'unreachable-dest'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import replace
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from . import trace as t
from .budget import spend
from .drops import (
    ARP_TIMEOUT,
    loop_detail,
    network_of,
    no_arp_reply,
    no_route_at_sender,
    ttl_detail,
)
from .limits import MAX_TTL
from .model import LOOPBACK
from .trace import Drop, Hop, PingOutcome, Trace

if TYPE_CHECKING:
    from .model import Host, Interface
    from .routing import Route
    from .topology import Topology

DEFAULT_TTL = 64  # net.ipv4.ip_default_ttl
LIMITED_BROADCAST = IPv4Address("255.255.255.255")


class Segments:
    """Who is plugged into which segment, and which addresses each host owns (the weak host
    model: ``Host.local_interface_for``), kept for one ping so that ARP and the local-address
    tests cost O(1) per hop whatever the network size."""

    __slots__ = ("members", "_local", "_texts")

    def __init__(self, net: Topology) -> None:
        self.members: dict[str, list[tuple[Host, Interface]]] = {}
        self._local: dict[str, tuple[frozenset[int], bool, frozenset[int]]] = {}
        self._texts: dict[int, tuple[Route, str]] = {}
        for host in net.hosts.values():
            for iface in host.interfaces.values():
                if iface.segment is not None and not iface.loopback:
                    self.members.setdefault(iface.segment, []).append((host, iface))

    def _tables(self, host: Host) -> tuple[frozenset[int], bool, frozenset[int]]:
        """(own addresses, lo owns 127/8, broadcast addresses) of ``host``'s local table, the
        way ``Host.local_interface_for`` and ``Host.broadcast_owner`` see it (tests check that
        they agree)."""
        tables = self._local.get(host.name)
        if tables is None:
            own: set[int] = set()
            loopback = False
            broadcast: set[int] = set()
            for iface in host.interfaces.values():
                own.update(int(a.ip) for a in iface.addresses)
                if iface.loopback and any(a.ip in LOOPBACK for a in iface.addresses):
                    loopback = True
                if not iface.admin_up:
                    continue
                primaries = iface.primaries()
                for address in iface.addresses:
                    net = address.network
                    if address in primaries and net.prefixlen < 31:
                        broadcast.add(int(net.broadcast_address))
                    explicit = iface.broadcasts.get(str(address))
                    if explicit is not None and any(p.network == net for p in primaries):
                        with contextlib.suppress(ValueError):
                            broadcast.add(int(IPv4Address(explicit)))
            tables = self._local[host.name] = (frozenset(own), loopback, frozenset(broadcast))
        return tables

    def owns(self, host: Host, ip: IPv4Address) -> bool:
        """The weak host model: ``host`` has ``ip`` on any interface (127/8: on lo)."""
        own, loopback, _ = self._tables(host)
        return int(ip) in own or (loopback and ip in LOOPBACK)

    def is_broadcast(self, host: Host, ip: IPv4Address) -> bool:
        """255.255.255.255, or a ``broadcast`` route of the host's local table."""
        return ip == LIMITED_BROADCAST or int(ip) in self._tables(host)[2]

    def next_hop(self, host: Host, route: Route, dst: IPv4Address) -> IPv4Address:
        """``Host.next_hop``: the gateway, or ``dst`` for a device route or a gateway that is
        one of the host's own addresses (sent on-link)."""
        if route.gateway is None or self.owns(host, route.gateway):
            return dst
        return route.gateway

    def text(self, route: Route) -> str:
        """The route as `ip route` prints it (without the trailing space), computed once."""
        cached = self._texts.get(id(route))
        if cached is None or cached[0] is not route:
            cached = self._texts[id(route)] = (route, str(route).strip())
        return cached[1]

    def arp(self, segment: str | None, ip: IPv4Address, asking: Interface):
        """Who answers "who has ``ip``?" asked by ``asking`` (arp_ignore=0), or None."""
        if segment is None or ip in LOOPBACK or ip.is_multicast:
            return None
        members = self.members.get(segment, ())
        spend(1 + len(members) // 8, "asking a segment who has an address (ARP)")
        for host, iface in members:
            if iface is asking or not iface.oper_up:
                continue
            if self.owns(host, ip):
                return host, iface
        return None


MAX_NEIGHBOURS = 1024  # net.ipv4.neigh.default.gc_thresh3


def learn(host: Host, ip: IPv4Address, dev: str, mac: str | None, now: float) -> None:
    """Record a neighbour entry: ``mac`` answered ARP for ``ip`` on ``dev`` (None: nobody did,
    FAILED). Kept on ``host.neighbours`` for `ip neigh` / `arp -n`."""
    table = host.neighbours
    key = f"{ip} {dev}"
    entry = table.get(key)
    if entry is not None:
        entry[0], entry[1] = mac, now
        return
    if len(table) >= MAX_NEIGHBOURS:
        del table[next(iter(table))]
    table[key] = [mac, now]


def _host(net: Topology, host: Host | str) -> Host:
    return net.hosts[host] if isinstance(host, str) else host


def send(
    net: Topology,
    sender: Host | str,
    dst: IPv4Address | str,
    *,
    ttl: int = DEFAULT_TTL,
    src: IPv4Address | None = None,
    returning: bool = False,
    segments: Segments | None = None,
) -> Trace:
    """Send one packet from ``sender`` to ``dst`` and follow it until it is accepted or dropped.

    ``src`` overrides the source address (a reply leaves from the address that was asked);
    ``returning`` marks a reply or an ICMP error, so that a missing route is reported as a
    missing route *back*.
    """
    host = _host(net, sender)
    dst = IPv4Address(dst)
    ttl = max(0, min(int(ttl), 255))
    segments = segments or Segments(net)
    if segments.owns(host, dst):
        # Local delivery goes through lo, whatever interface owns the address.
        source = src if src is not None else dst
        hop = Hop(host.name, None, "lo", f"local {dst} dev lo", ttl)
        return Trace(host.name, source, dst, (hop,), receiver=host.name, ttl=ttl)
    route = host.lookup(dst)
    if route is None:
        drop = no_route_at_sender(net, host, dst, returning)
        return Trace(host.name, src, dst, (), drop=drop)
    if src is None:
        src = host.source_address_for(route, dst)
    notes: dict = {}
    trace = _forward(net, host, route, dst, src, ttl, returning, segments, notes)
    if "redirect" in notes:
        trace = replace(trace, redirect=notes["redirect"])
    return trace


def _forward(
    net: Topology,
    host: Host,
    route: Route,
    dst: IPv4Address,
    src: IPv4Address | None,
    ttl: int,
    returning: bool,
    segments: Segments,
    notes: dict,
) -> Trace:
    """The hop-by-hop walk of ``send`` from the sender's chosen ``route`` on."""
    hops: list[Hop] = []
    in_iface: str | None = None
    for _ in range(max(ttl, MAX_TTL) + 1):  # every hop decrements the TTL: bounded by it
        spend(1, "forwarding a packet hop by hop")
        out = host.interfaces.get(route.dev)
        arrived = ttl if in_iface is None else ttl + 1  # a router has decremented it already
        hops.append(Hop(host.name, in_iface, route.dev, segments.text(route), arrived))
        answer = _leave(net, host, out, route, dst, segments)
        if isinstance(answer, Drop):
            return Trace(hops[0].host, src, dst, tuple(hops), drop=answer)
        nxt, nxt_iface, next_hop = answer
        assert out is not None  # _leave drops a packet that has no way out
        learn(host, next_hop, out.name, nxt_iface.mac, net.clock)
        if src is not None and segments.owns(host, src):
            learn(nxt, src, nxt_iface.name, out.mac, net.clock)  # neigh_event_ns on the ARP
        next_route = _arrive(net, nxt, nxt_iface.name, hops, src, dst, ttl, returning, segments)
        if isinstance(next_route, Trace):
            return next_route
        in_iface = nxt_iface.name
        ttl -= 1
        if (
            "redirect" not in notes
            and next_route.dev == in_iface
            and sends_redirects(nxt, in_iface)
        ):
            gateway = segments.next_hop(nxt, next_route, dst)
            if src is not None and _on_link(nxt_iface, src, gateway):
                notes["redirect"] = (nxt.name, gateway)
        host, route = nxt, next_route
    # Unreachable: the TTL check in _arrive ends every walk within MAX_TTL hops.
    drop = Drop(t.TTL_EXCEEDED, host.name, ttl_detail(hops, host.name))
    return Trace(hops[0].host, src, dst, tuple(hops), drop=drop)


def _leave(
    net: Topology,
    host: Host,
    out: Interface | None,
    route: Route,
    dst: IPv4Address,
    segments: Segments,
) -> tuple[Host, Interface, IPv4Address] | Drop:
    """The packet leaves ``host`` by ``route``: the neighbour that answers ARP for the next hop
    (and that next hop), or why it cannot leave (a FAILED entry is remembered when nobody
    answers)."""
    if out is None or not out.oper_up or route.linkdown:
        return Drop(
            t.LINK_DOWN,
            host.name,
            f"{host.name}'s {route.dev} is down or has no cable (no carrier), "
            f"so {host.name} cannot reach the next hop",
            t.HOST_UNREACHABLE,
            ARP_TIMEOUT,
        )
    next_hop = segments.next_hop(host, route, dst)
    answer = segments.arp(out.segment, next_hop, out)
    if answer is None:
        if not next_hop.is_multicast and next_hop != LIMITED_BROADCAST:
            learn(host, next_hop, out.name, None, net.clock)
        return no_arp_reply(net, host, out, route, next_hop, dst)
    return answer[0], answer[1], next_hop


def _arrive(
    net: Topology,
    nxt: Host,
    in_iface: str,
    hops: list[Hop],
    src: IPv4Address | None,
    dst: IPv4Address,
    ttl: int,
    returning: bool,
    segments: Segments,
) -> Trace | Route:
    """The packet arrives at ``nxt`` on ``in_iface``: the end of its walk (a Trace: accepted
    or dropped there), or the route ``nxt`` forwards it by (ip_route_input, then ip_forward)."""
    sender = hops[0].host

    def stop(drop: Drop) -> Trace:
        hops.append(Hop(nxt.name, in_iface, None, None, ttl))
        return Trace(sender, src, dst, tuple(hops), drop=drop)

    if src is None:
        detail = (
            f"{sender} has no IPv4 address to send from, so {nxt.name} drops its "
            "packet (source 0.0.0.0)"
        )
        return Trace(sender, src, dst, tuple(hops), drop=Drop(t.NO_ADDRESS, nxt.name, detail))
    if segments.is_broadcast(nxt, dst):
        # A broadcast where it arrives (ip_route_input: RTN_BROADCAST): delivered locally,
        # never forwarded (bc_forwarding=0); echo requests to it are ignored
        # (icmp_echo_ignore_broadcasts=1) and UDP probes get no port unreachable.
        detail = (
            f"{dst} is a broadcast address on {nxt.name}, so {nxt.name} does not forward "
            "the packet, and a broadcast ping gets no answer"
        )
        return stop(Drop(t.BROADCAST, nxt.name, detail))
    if segments.owns(nxt, src):
        # fib_validate_source: a packet arriving with one of the receiver's own addresses as
        # its source is a martian (accept_local=0) and is dropped without an ICMP error.
        hops.append(Hop(nxt.name, in_iface, None, None, ttl))
        drop = Drop(t.ROUTING_LOOP, nxt.name, loop_detail(hops, nxt.name, src))
        return Trace(sender, src, dst, tuple(hops), drop=drop)
    if segments.owns(nxt, dst):
        return Trace(sender, src, dst, tuple(hops), receiver=nxt.name, ttl=ttl)
    if not nxt.forwarding:
        detail = f"{nxt.name} dropped the packet: net.ipv4.ip_forward is 0 on {nxt.name}"
        return stop(Drop(t.FORWARDING_OFF, nxt.name, detail))
    next_route = nxt.lookup(dst)
    if next_route is None:
        return stop(_no_route_at_router(net, nxt, dst, returning))
    if ttl <= 1:
        hops.append(Hop(nxt.name, in_iface, None, None, ttl))
        drop = Drop(t.TTL_EXCEEDED, nxt.name, ttl_detail(hops, nxt.name), t.TIME_EXCEEDED)
        return Trace(sender, src, dst, tuple(hops), drop=drop)
    return next_route


def _no_route_at_router(net: Topology, nxt: Host, dst: IPv4Address, returning: bool) -> Drop:
    net_text = network_of(net, dst)
    if returning:
        return Drop(t.NO_RETURN_ROUTE, nxt.name, f"{nxt.name} has no route back to {net_text}")
    detail = f"{nxt.name} has no route to {net_text}, so it answers Destination Net Unreachable"
    return Drop(t.NO_ROUTE, nxt.name, detail, t.NET_UNREACHABLE)


# Drops decided before a router's TTL check (ip_route_input, then ip_forward's TTL test): a probe
# whose TTL runs out at that router meets the same fate. Drops after it (ARP on the way out) do not.
_BEFORE_TTL = frozenset({t.ROUTING_LOOP, t.FORWARDING_OFF, t.NO_ROUTE, t.NO_RETURN_ROUTE})


def probes(
    net: Topology,
    sender: Host | str,
    dst: IPv4Address | str,
    *,
    first: int = 1,
    last: int = 30,
    segments: Segments | None = None,
) -> Iterator[Trace]:
    """The traces of packets sent with TTL ``first``..``last`` (traceroute's probes), lazily.

    The network is deterministic, so the packet with TTL k walks the first k hops of the packet
    with TTL ``last``: one walk gives every probe (traceroute -m 255 across a loop stays fast).
    """
    host = _host(net, sender)
    segments = segments or Segments(net)
    long = send(net, host, dst, ttl=last, segments=segments)
    routers = len(long.hops) - 1  # hosts after the sender that had the packet
    for k in range(first, last + 1):
        if (
            not long.hops
            or k > routers
            or (k == routers and long.drop is not None and long.drop.cause in _BEFORE_TTL)
        ):
            fate = long if k == last else _with_ttl(long, k, len(long.hops))
        else:
            hops = _with_ttl(long, k, k + 1).hops
            hops = (*hops[:-1], replace(hops[-1], out_iface=None, route=None))
            where = hops[-1].host
            drop = Drop(t.TTL_EXCEEDED, where, ttl_detail(list(hops), where), t.TIME_EXCEEDED)
            fate = Trace(long.sender, long.src, long.dst, hops, drop=drop)
        yield fate


def _with_ttl(trace: Trace, ttl: int, count: int) -> Trace:
    """``trace`` as if sent with ``ttl``: its first ``count`` hops, TTLs recounted."""
    hops = tuple(
        Hop(hop.host, hop.in_iface, hop.out_iface, hop.route, ttl - max(0, i - 1))
        for i, hop in enumerate(trace.hops[:count])
    )
    arrived = ttl - (len(trace.hops) - 1) if trace.delivered else trace.ttl
    if trace.delivered and trace.receiver == trace.sender:
        arrived = ttl
    return replace(trace, hops=hops, ttl=arrived)


def conf_path(conf: str, name: str) -> str:
    """Where a per-interface sysctl set with ``sysctl -w`` is kept: ``host.files`` at its procfs
    path (unset: the kernel default)."""
    return f"/proc/sys/net/ipv4/conf/{conf}/{name}"


def sends_redirects(host: Host, iface: str) -> bool:
    """IN_DEV_TX_REDIRECTS: conf.all.send_redirects OR conf.<iface>.send_redirects (default 1)."""

    def value(conf: str) -> bool:
        text = host.files.get(conf_path(conf, "send_redirects"), "1").strip()
        return text not in ("0", "")

    return value("all") or value(iface)


def _on_link(iface: Interface, a: IPv4Address, b: IPv4Address) -> bool:
    """inet_addr_onlink: both addresses in the subnet of one address of the interface."""
    return any(a in address.network and b in address.network for address in iface.addresses)


def ping_once(
    net: Topology,
    sender: Host | str,
    dst: IPv4Address | str,
    *,
    ttl: int = DEFAULT_TTL,
    segments: Segments | None = None,
) -> PingOutcome:
    """One echo request from ``sender`` to ``dst`` and what comes back to the sender."""
    host = _host(net, sender)
    dst = IPv4Address(dst)
    segments = segments or Segments(net)
    request = send(net, host, dst, ttl=ttl, segments=segments)
    outcome = _ping_outcome(net, host, dst, request, segments)
    if request.redirect is not None:
        router, gateway = request.redirect
        back = send(net, router, request.source, returning=True, segments=segments)
        if back.delivered and back.receiver == host.name:
            outcome = replace(outcome, redirect_from=back.src, redirect_to=gateway)
    return outcome


def _ping_outcome(
    net: Topology, host: Host, dst: IPv4Address, request: Trace, segments: Segments
) -> PingOutcome:
    if not request.hops:  # connect() failed: nothing was sent
        drop = request.lost
        return PingOutcome(request, None, t.CONNECT_FAILED, drop.cause, drop.detail)
    if request.delivered:
        if request.receiver == host.name:
            return PingOutcome(request, request, t.REPLY, reply_ttl=DEFAULT_TTL)
        replier = net.hosts[str(request.receiver)]
        reply = send(net, replier, request.source, src=dst, returning=True, segments=segments)
        if reply.delivered and reply.receiver == host.name:
            return PingOutcome(request, reply, t.REPLY, reply_ttl=reply.ttl)
        if reply.delivered:
            detail = (
                f"{replier.name}'s reply to {request.src} reaches {reply.receiver}, "
                f"not {host.name} (two hosts have that address)"
            )
            return PingOutcome(request, reply, t.TIMEOUT, t.WRONG_HOST, detail)
        drop = reply.lost
        detail = f"{replier.name} got the request but its reply has no way back: {drop.detail}"
        cause = drop.cause
        if cause == t.NO_ROUTE:
            cause = t.NO_RETURN_ROUTE
        return PingOutcome(request, reply, t.TIMEOUT, cause, detail)
    drop = request.lost
    if drop.icmp is None:
        return PingOutcome(request, None, t.TIMEOUT, drop.cause, drop.detail)
    if drop.host == host.name:
        # The sender's own neighbour resolution failed: the error is local.
        return PingOutcome(
            request,
            None,
            t.ERROR,
            drop.cause,
            drop.detail,
            drop.icmp,
            request.src,
            drop.delay,
        )
    router = net.hosts[drop.host]
    back = send(net, router, request.source, returning=True, segments=segments)
    if back.delivered and back.receiver == host.name:
        return PingOutcome(
            request, back, t.ERROR, drop.cause, drop.detail, drop.icmp, back.src, drop.delay
        )
    why = back.drop.detail if back.drop is not None else f"it reaches {back.receiver}"
    detail = f"{drop.detail}; that error cannot come back either: {why}"
    return PingOutcome(request, back, t.TIMEOUT, drop.cause, detail)
