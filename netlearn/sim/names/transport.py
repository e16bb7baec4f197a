"""How a DNS query or an HTTP connection reaches another host over the simulated network.

Everything here goes through one function, :func:`deliver`, which asks the packet-forwarding
model (``forwarding.send``, the simulator's one forwarding walk) whether a packet from one host
reaches an address, and who receives it.
A round trip needs the request delivered *and* the reply delivered back to the sender's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import TYPE_CHECKING

from netlearn.sim.forwarding import send

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology

LOOPBACK_V6 = IPv6Address("::1")


@dataclass(frozen=True, slots=True)
class Path:
    """Where a packet went. ``kind``: ``local`` (to the sender itself), ``delivered``,
    ``no-route`` (the sender has no route: nothing is sent) or ``lost`` (sent, never arrived)."""

    kind: str
    host: Host | None = None  # the receiving Host
    src: IPv4Address | None = None  # the source address the sender used
    detail: str = ""  # for lost packets: which host dropped it and why
    cause: str | None = None  # the forwarding model's drop cause code ("no-arp-reply", ...)
    icmp: str | None = None  # the ICMP error that came back to the sender, if any
    delay: float = 0.0  # seconds before that error came back (ARP gives up after ~3 s)

    @property
    def receiver(self) -> Host:
        """The host a delivered (or local) packet reached."""
        assert self.host is not None, self.kind
        return self.host


def deliver(
    net: Topology,
    src_host: Host,
    dst: IPv4Address | IPv6Address | str,
    *,
    src: IPv4Address | None = None,
    returning: bool = False,
) -> Path:
    """Send one packet from ``src_host`` to ``dst`` and report where it ends.

    ``src`` fixes the source address (a reply leaves from the address that was asked);
    ``returning`` marks a reply, so that a drop is explained as a missing way *back*.
    """
    dst = ip_address(dst)
    if isinstance(dst, IPv6Address):
        # The simulated networks are IPv4 only; ::1 is the host itself.
        if dst == LOOPBACK_V6:
            return Path("local", src_host, None)
        return Path("no-route")
    if src_host.local_interface_for(dst) is not None:
        return Path("local", src_host, dst)
    route = src_host.lookup(dst)
    if route is None:
        return Path("no-route")
    src = src or src_host.source_address_for(route, dst)
    return _from_trace(net, send(net, src_host, dst, src=src, returning=returning), src)


def round_trip(
    net: Topology, client: Host, dst: IPv4Address | IPv6Address
) -> tuple[Path, Path | None]:
    """The request's path and, when it arrived, the reply's path back to the client's source."""
    there = deliver(net, client, dst)
    if there.kind not in ("local", "delivered"):
        return there, None
    if there.kind == "local":
        return there, there
    # Delivered to another host: an IPv4 packet that had a source address.
    assert there.src is not None and isinstance(dst, IPv4Address)
    back = deliver(net, there.receiver, there.src, src=dst, returning=True)
    if back.kind == "no-route":
        why = f"{there.receiver.name} has no route back to {there.src}"
        back = Path("lost", None, back.src, why, "no-return-route")
    elif back.kind in ("local", "delivered") and back.host is not client:
        back = Path(
            "lost", None, back.src, f"the reply to {there.src} reaches {back.receiver.name}"
        )
    return there, back


def _from_trace(net: Topology, trace, src) -> Path:
    """Adapt the forwarding model's ``Trace`` (delivery or a ``Drop``) to a ``Path``."""
    if trace.delivered:
        host = trace.receiver
        if isinstance(host, str):
            host = net.hosts[host]
        return Path("delivered", host, src)
    drop = trace.drop
    if drop is None:
        return Path("lost", None, src, "the packet was lost")
    icmp = None
    if drop.icmp is not None:
        # The error travels back from the dropping host; it counts only if it arrives.
        dropper = net.hosts.get(drop.host)
        sender = net.hosts.get(trace.sender)
        if dropper is sender:
            icmp = drop.icmp
        elif dropper is not None and src is not None:
            back = deliver(net, dropper, src)
            if back.kind in ("local", "delivered") and back.host is sender:
                icmp = drop.icmp
    return Path("lost", None, src, drop.detail, drop.cause, icmp, getattr(drop, "delay", 0.0))
