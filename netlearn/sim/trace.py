"""What happened to a simulated packet, hop by hop, and why it stopped.

``forwarding.send`` returns a :class:`Trace`: the hops the packet made (host, interface in,
interface out, the route used) and either the host that accepted it or a :class:`Drop` naming the
cause. ``ping`` keeps a :class:`PingOutcome` (the request's trace and the trace of whatever came
back) on ``Result.trace``, so checks and the browser can say *why* a ping failed.

Cause codes are stable strings: instructors count them to see which misconception a class shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

# -- cause codes (stable: stored with attempts and shown to instructors) ----------------------
NO_ADDRESS = "no-address"  # the sender has no IPv4 address to send from
LINK_DOWN = "link-down"  # an interface on the way is down or has no cable (no carrier)
NO_ROUTE = "no-route"  # a host (sender or router) has no route to the destination
NO_RETURN_ROUTE = "no-return-route"  # the reply (or ICMP error) has no route back
FORWARDING_OFF = "forwarding-off"  # a router got a packet for someone else, ip_forward is 0
GATEWAY_NOT_ON_LINK = "gateway-not-on-link"  # the gateway exists, but not on that segment
NO_ARP_REPLY = "no-arp-reply"  # nobody on the segment answers ARP for the next hop
TTL_EXCEEDED = "ttl-exceeded"  # the TTL ran out (a routing loop, or ping -t)
UNREACHABLE_DEST = "unreachable-dest"  # no host in the network has the destination address
WRONG_HOST = "wrong-host"  # the reply reached a host other than the one that asked
ROUTING_LOOP = "routing-loop"  # the packet came back to its sender (dropped as a martian)
BROADCAST = "broadcast"  # the destination is a broadcast address where it arrived: not forwarded

CAUSES = (
    NO_ADDRESS,
    LINK_DOWN,
    NO_ROUTE,
    NO_RETURN_ROUTE,
    FORWARDING_OFF,
    GATEWAY_NOT_ON_LINK,
    NO_ARP_REPLY,
    TTL_EXCEEDED,
    UNREACHABLE_DEST,
    WRONG_HOST,
    ROUTING_LOOP,
    BROADCAST,
)

# -- ICMP errors a dropping host sends back (None: the drop is silent) ------------------------
NET_UNREACHABLE = "Destination Net Unreachable"
HOST_UNREACHABLE = "Destination Host Unreachable"
TIME_EXCEEDED = "Time to live exceeded"


@dataclass(frozen=True, slots=True)
class Hop:
    """One host the packet was on. ``in_iface`` is None on the sender; ``out_iface`` and
    ``route`` are None where the packet stopped (accepted or dropped)."""

    host: str
    in_iface: str | None = None
    out_iface: str | None = None
    route: str | None = None  # the route used, as `ip route` prints it
    ttl: int = 64  # the packet's TTL as this host got it (the sender: the initial TTL)


@dataclass(frozen=True, slots=True)
class Drop:
    """Why and where a packet stopped short.

    ``icmp`` is the error the dropping host sends back to the sender (None when it drops
    silently); ``delay`` is how long, in seconds, that error takes (ARP gives up after ~3 s).
    """

    cause: str
    host: str
    detail: str  # a learner-facing sentence naming hosts and networks
    icmp: str | None = None
    delay: float = 0.0

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True, slots=True)
class Trace:
    """One packet's journey from ``sender`` to ``dst``."""

    sender: str
    src: IPv4Address | None
    dst: IPv4Address
    hops: tuple[Hop, ...]
    receiver: str | None = None  # the host that accepted the packet
    drop: Drop | None = None
    ttl: int = 64  # TTL on arrival (when delivered)
    # (router, new next hop) when a router sent the packet back out the interface it came in
    # on, towards a next hop on the sender's own link: it sends the sender an ICMP redirect.
    redirect: tuple[str, IPv4Address] | None = None

    @property
    def delivered(self) -> bool:
        return self.receiver is not None

    @property
    def lost(self) -> Drop:
        """Where and why an undelivered packet was dropped (every such trace has a drop)."""
        assert self.drop is not None, "a delivered packet has no drop"
        return self.drop

    @property
    def source(self) -> IPv4Address:
        """The source address of a packet that was sent (a sender without one cannot send)."""
        assert self.src is not None, "the packet was never sent"
        return self.src

    @property
    def routers(self) -> int:
        """How many hosts forwarded the packet (each one decremented the TTL)."""
        return max(0, len(self.hops) - 1)

    @property
    def sent(self) -> bool:
        """False when the sender could not even send (no route: connect() fails)."""
        return not (self.drop is not None and self.drop.host == self.sender and not self.hops)

    def path(self) -> list[str]:
        """Host names in order, the receiver included."""
        names = [hop.host for hop in self.hops]
        if self.receiver is not None and (not names or names[-1] != self.receiver):
            names.append(self.receiver)
        return names


# How a ping round trip ended.
REPLY = "reply"  # an echo reply came back
ERROR = "error"  # an ICMP error came back (From X icmp_seq=N ...)
TIMEOUT = "timeout"  # nothing came back
CONNECT_FAILED = "connect-failed"  # nothing was sent: no route on the sender


@dataclass(frozen=True, slots=True)
class PingOutcome:
    """One echo request and what came back.

    ``reply`` is the trace of the echo reply (when the request was delivered) or of the ICMP
    error (when a router sent one); ``error_from`` is the address the error came from.
    """

    request: Trace
    reply: Trace | None
    kind: str
    cause: str | None = None
    message: str = ""
    error: str | None = None  # ICMP error text ("Destination Net Unreachable")
    error_from: IPv4Address | None = None
    error_delay: float = 0.0
    reply_ttl: int | None = None
    redirect_from: IPv4Address | None = None  # ping prints "From X: ... Redirect Host"
    redirect_to: IPv4Address | None = None  # "(New nexthop: Y)"

    @property
    def ok(self) -> bool:
        return self.kind == REPLY

    @property
    def routers(self) -> int:
        total = self.request.routers
        if self.reply is not None:
            total += self.reply.routers
        return total
