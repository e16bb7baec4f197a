"""Why a packet was dropped, in the learner's terms: which host, which link, which address.

The forwarding walk (``forwarding.py``) decides *that* a packet stops; these functions look
around the network to say *why* (a down link, a gateway on another segment, nobody with that
address, a loop) and pick the stable cause code from ``trace.py`` that the checks report.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from . import trace as t
from .trace import Drop, Hop

if TYPE_CHECKING:
    from .model import Host, Interface
    from .routing import Route
    from .topology import Topology

ARP_TIMEOUT = 3.0  # seconds until an unanswered neighbour goes FAILED (3 probes, 1 s apart)


def ttl_detail(hops: list[Hop], where: str) -> str:
    seen: dict[str, int] = {}
    for index, hop in enumerate(hops):
        if hop.host in seen:
            ring = list(dict.fromkeys(h.host for h in hops[seen[hop.host] : index]))
            return (
                f"the packet went round in a loop ({' -> '.join(ring)} -> {ring[0]}) "
                f"until its TTL ran out at {where}"
            )
        seen[hop.host] = index
    return f"the packet's TTL ran out at {where} (Time to live exceeded)"


def loop_detail(hops: list[Hop], where: str, src: IPv4Address) -> str:
    if hops[0].host == where:
        ring = " -> ".join(hop.host for hop in hops)
        return (
            f"the packet came back to {where}, its sender ({ring}): a routing loop; "
            f"{where} drops a packet with its own address {src} as the source"
        )
    return (
        f"{where} dropped the packet: its source {src} is one of {where}'s own addresses "
        "(two hosts have the same address?)"
    )


def owners(net: Topology, ip: IPv4Address) -> list[tuple[Host, Interface]]:
    """Every (host, interface) with ``ip`` configured, whatever the link state."""
    return [
        (host, iface)
        for host in net.hosts.values()
        for iface in host.interfaces.values()
        if not iface.loopback and any(a.ip == ip for a in iface.addresses)
    ]


def network_of(net: Topology, ip: IPv4Address) -> str:
    """The connected subnet ``ip`` lives on (``192.165.1.0/24``), else the address itself."""
    for _, iface in owners(net, ip):
        for address in iface.addresses:
            if address.ip == ip and address.network.prefixlen < 32:
                return str(address.network)
    return str(ip)


def no_route_at_sender(net: Topology, host: Host, dst: IPv4Address, returning: bool) -> Drop:
    """Why ``host`` has no route to ``dst`` (connect() fails: nothing is sent)."""
    real = [
        (iface, address)
        for iface in host.interfaces.values()
        if not iface.loopback
        for address in iface.addresses
    ]
    for iface, address in real:
        if dst in address.network and not iface.admin_up:
            return Drop(
                t.LINK_DOWN,
                host.name,
                f"{host.name}'s {iface.name} is down (its address {address} is there, but a "
                f"down link has no routes): `ip link set {iface.name} up`",
            )
    if not real and not returning:
        return Drop(
            t.NO_ADDRESS,
            host.name,
            f"{host.name} has no IPv4 address: give an interface one with `ip addr add`",
        )
    net_text = network_of(net, dst)
    if returning:
        return Drop(t.NO_RETURN_ROUTE, host.name, f"{host.name} has no route back to {net_text}")
    return Drop(t.NO_ROUTE, host.name, f"{host.name} has no route to {net_text}")


def no_arp_reply(
    net: Topology,
    host: Host,
    out: Interface,
    route: Route,
    next_hop: IPv4Address,
    dst: IPv4Address,
) -> Drop:
    """Nobody on ``out``'s segment answered ARP for ``next_hop``: say why."""
    where = out.segment
    found = owners(net, next_hop)
    is_gateway = next_hop != dst
    what = f"the gateway {next_hop}" if is_gateway else str(next_hop)

    def drop(cause: str, detail: str) -> Drop:
        return Drop(cause, host.name, detail, t.HOST_UNREACHABLE, ARP_TIMEOUT)

    for owner, iface in found:
        if owner is host:
            continue
        on_segment = [i for i in owner.interfaces.values() if i.segment == where]
        if iface.segment == where or on_segment:
            down = iface if iface.segment == where else on_segment[0]
            if not down.oper_up or not iface.admin_up:
                bad = down if not down.oper_up else iface
                return drop(
                    t.LINK_DOWN,
                    f"{owner.name}'s {bad.name} is down, so nobody answers ARP for {what} "
                    f"on {where}",
                )
    others = [(o, i) for o, i in found if o is not host]
    if others:
        owner, iface = others[0]
        if is_gateway:
            return drop(
                t.GATEWAY_NOT_ON_LINK,
                f"{host.name}'s gateway {next_hop} is {owner.name}'s {iface.name}, which is not "
                f"on {host.name}'s network {where}: a gateway must be directly reachable",
            )
        return drop(
            t.NO_ARP_REPLY,
            f"{host.name} sends {dst} straight out {route.dev} (route '{str(route).strip()}'), "
            f"but {owner.name} is not on {where}: nobody there answers ARP for {dst}",
        )
    if is_gateway:
        return drop(
            t.NO_ARP_REPLY,
            f"no host on {where} has {host.name}'s gateway address {next_hop}, "
            "so nobody answers ARP for it",
        )
    return drop(t.UNREACHABLE_DEST, f"no host in this network has the address {dst}")
