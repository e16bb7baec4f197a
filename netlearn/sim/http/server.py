"""Which server answers a request that reached a host's port: nginx (origin or reverse proxy)
or squid (forward proxy). The proxies hand their upstream request back here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import nginx, squid
from .config import listening_ports
from .wire import Journey, Request, Response

if TYPE_CHECKING:
    from netlearn.sim.model import Host
    from netlearn.sim.topology import Topology


def serve(
    net: Topology,
    server: Host,
    client_address: str,
    request: Request,
    journey: Journey,
    *,
    tls: bool,
    port: int,
    depth: int = 0,
) -> Response:
    """The response ``server`` gives to ``request`` arriving from ``client_address``."""
    role = listening_ports(server).get(port)
    if role == "forward":
        return squid.forward_proxy(net, server, client_address, request, journey, depth)
    if role in ("reverse", "reverse-tls"):
        return nginx.reverse_proxy(net, server, client_address, request, journey, tls, depth)
    return nginx.origin(net, server, client_address, request, journey)
