"""A TCP connection over the simulated network (``names.transport``): no route is "Network is
unreachable", a lost packet a timeout, a host with nothing listening on the port a refusal."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address
from typing import TYPE_CHECKING

from netlearn.sim.names.transport import round_trip

from .config import listening_ports
from .wire import HOST_UNREACHABLE, NET_UNREACHABLE

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology


@dataclass(frozen=True, slots=True)
class Connection:
    """A TCP connection attempt. ``kind``: connected | unreachable | no-route-to-host | timeout |
    refused."""

    kind: str
    address: str
    port: int
    server: Host | None = None  # the Host that accepted
    client_address: str | None = None  # the source address the server sees
    detail: str = ""

    @property
    def peer(self) -> Host:
        """The host that accepted a connected connection."""
        assert self.server is not None, self.kind
        return self.server

    @property
    def source(self) -> str:
        """The client address the accepting host sees on a connected connection."""
        assert self.client_address is not None, self.kind
        return self.client_address


def connect(net: Topology, client: Host, address: str, port: int) -> Connection:
    there, back = round_trip(net, client, ip_address(address))
    if there.kind == "no-route":
        return Connection("unreachable", address, port)
    if there.kind == "lost":
        # An ICMP error that comes back fails a TCP connect at once (tcp_v4_err in SYN_SENT).
        kinds = {HOST_UNREACHABLE: "no-route-to-host", NET_UNREACHABLE: "net-unreachable"}
        kind = kinds.get(there.icmp or "", "timeout")
        if there.icmp is None and there.cause == "no-arp-reply":
            kind = "timeout"
        return Connection(kind, address, port, detail=there.detail)
    if back is None or back.kind in ("no-route", "lost"):
        detail = (back.detail if back else "") or f"{there.receiver.name} cannot answer"
        return Connection("timeout", address, port, detail=detail)
    server = there.receiver
    source = str(there.src) if there.src is not None else address
    if port not in listening_ports(server):
        return Connection("refused", address, port, server, source)
    return Connection("connected", address, port, server, source)
